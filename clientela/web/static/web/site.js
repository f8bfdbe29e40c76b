// Behaviour shared by every page, kept out of the markup so that the Content-Security-Policy
// can refuse inline scripts and event handlers.
"use strict";

// A select marked data-submit-on-change sends its form when a choice is made (the language
// switch); without JavaScript the form's own button does it.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form.requestSubmit();
  }
});
