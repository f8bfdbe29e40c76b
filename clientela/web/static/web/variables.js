// The variables list next to a message's fields: a click inserts the variable at the caret
// of the field last focused (a field marked data-variables), or at the end of the first one.
// A static file, because the Content-Security-Policy refuses inline scripts.
"use strict";

(() => {
  let last = null;
  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-variables")) {
      last = field;
    }
  });
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-insert-variable]") : null;
    if (!button) {
      return;
    }
    const field = last && document.contains(last) ? last : document.querySelector("[data-variables]");
    if (!field) {
      return;
    }
    const text = button.getAttribute("data-insert-variable");
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? field.value.length;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
