"""The engine user-written templates run in: an allow-list of tags and filters, and a budget.

A shop member writes these templates, and a campaign renders them once per recipient, so a
template must not be able to hold a worker or its memory: `{{ x|stringformat:"099999999d" }}`
is a 100 MB string in one step, three nested loops over a 100-letter word are a million
passes. Three limits, each refused with a reason a page can show (`RenderRefused`):

- every filter's result, and the width any filter is asked for, is at most `VALUE_LIMIT`
  characters (checked before the filter runs where it could grow a value many times over:
  padding, number formats, `add`, `join`), so `with` chains cannot double a value to gigabytes;
- what a part writes out is at most `OUTPUT_LIMIT` characters, counted as it is written;
- a render takes at most `STEP_LIMIT` passes through a block (a loop's body counts once per
  item) and `TIME_LIMIT` seconds.

The tags and filters are an allow-list of Django's built-ins: no `load`, `url`,
`csrf_token`, `debug`, `querystring` (they read the request, settings or the whole context,
or fail without them), no `lorem`, and no `safe`, `safeseq`, `pprint` or `json_script`: a
letter's variables hold customers' own text, which must stay escaped in HTML mail.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ClassVar, cast

from django.template import Context, Engine, Library, Template, defaultfilters, defaulttags
from django.template.base import Lexer, Node, NodeList, Parser
from django.template.defaulttags import (
    AutoEscapeControlNode,
    CommentNode,
    FilterNode,
    ForNode,
    IfChangedNode,
    IfNode,
    SpacelessNode,
    WithNode,
)
from django.utils.formats import number_format
from django.utils.translation import gettext as _

VALUE_LIMIT = 100_000
OUTPUT_LIMIT = 200_000
STEP_LIMIT = 20_000
TIME_LIMIT = 1.0

TAGS = frozenset(
    {
        "autoescape", "comment", "cycle", "filter", "firstof", "for", "if", "ifchanged",
        "now", "regroup", "resetcycle", "spaceless", "templatetag", "verbatim",
        "widthratio", "with",
    }
)  # fmt: skip
FILTERS = frozenset(defaultfilters.register.filters) - {
    "safe",
    "safeseq",
    "pprint",
    "json_script",
}
# Nodes that only assemble their children's output: what they write is counted once, at
# the leaves (text, variables, `cycle`, `now`...), not again at every level of nesting.
_CONTAINERS = (
    AutoEscapeControlNode,
    CommentNode,
    FilterNode,
    ForNode,
    IfChangedNode,
    IfNode,
    SpacelessNode,
    WithNode,
)


def _count(number: int) -> str:
    """20,000 in English, 20.000 in Romanian."""
    return str(number_format(number, force_grouping=True))


class RenderRefused(Exception):
    """A template went past a limit; the message says which, for the person who wrote it."""


@dataclass
class Budget:
    deadline: float
    steps: int = 0
    written: int = field(default=0)

    def step(self) -> None:
        self.steps += 1
        if self.steps > STEP_LIMIT:
            raise RenderRefused(
                _("it repeats more than %(steps)s times; loop over fewer items")
                % {"steps": _count(STEP_LIMIT)}
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderRefused(
                _("it takes more than %(seconds)s s to render") % {"seconds": f"{TIME_LIMIT:g}"}
            )

    def write(self, size: int) -> None:
        self.written += size
        if self.written > OUTPUT_LIMIT:
            raise RenderRefused(
                _("it writes more than %(limit)s characters") % {"limit": _count(OUTPUT_LIMIT)}
            )
        self.check_time()


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


def render_limited(template: Template, context: Context) -> str:
    """Render within a fresh budget; RenderRefused when the template exceeds it."""
    token = _BUDGET.set(Budget(deadline=time.monotonic() + TIME_LIMIT))
    try:
        return str(template.render(context))
    finally:
        _BUDGET.reset(token)


def _too_long() -> RenderRefused:
    return RenderRefused(
        _("it makes a value longer than %(limit)s characters") % {"limit": _count(VALUE_LIMIT)}
    )


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


_NUMBERS = re.compile(r"\d+")


def _widths(name: str, value: Any, args: tuple[Any, ...]) -> int:
    """The size a filter could produce, for those that grow a value far past its input."""
    arg = str(args[0]) if args else ""
    if name in {"ljust", "rjust", "center", "stringformat", "floatformat"}:
        return max((int(n) for n in _NUMBERS.findall(arg)), default=0)
    if name == "add":
        return _size(value) + (_size(args[0]) if args else 0)
    if name == "join" and isinstance(value, (list, tuple)):
        return sum(len(str(v)) for v in value) + len(arg) * len(value)
    return 0


def _limited(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)  # keeps is_safe, needs_autoescape and the signature Django checks
    def run(value: Any, *args: Any, **kwargs: Any) -> Any:
        if _widths(name, value, args) > VALUE_LIMIT:
            raise _too_long()
        result = func(value, *args, **kwargs)
        if _size(result) > VALUE_LIMIT:
            raise _too_long()
        return result

    return run


class _Metered:
    """A node as a budgeted block yields it: what it writes is counted as it is written."""

    def __init__(self, node: Node, budget: Budget) -> None:
        self.node, self.budget = node, budget

    def render_annotated(self, context: Context) -> Any:
        # A str (SafeString or not, kept as it is); the stubs also allow an int.
        output = cast(str, self.node.render_annotated(context))
        if not isinstance(self.node, _CONTAINERS):
            self.budget.write(len(output))
        else:
            self.budget.check_time()
        return output

    def __getattr__(self, name: str) -> Any:
        return getattr(self.node, name)


class _BudgetedNodeList(NodeList):
    """Every block of a sandboxed template: each pass through it is a step of the budget.

    Django renders a block, and a loop each pass of its body, by iterating its node list,
    so this is the one place that sees every pass and every node written."""

    def __iter__(self) -> Iterator[Any]:
        budget = _BUDGET.get()
        if budget is None:  # compiling, not rendering
            yield from super().__iter__()
            return
        budget.step()
        for node in super().__iter__():
            yield _Metered(node, budget)


class _Parser(Parser):
    def parse(self, parse_until: Any = None) -> NodeList:
        return _BudgetedNodeList(super().parse(parse_until))


class _Template(Template):
    def compile_nodelist(self) -> NodeList:
        parser = _Parser(
            Lexer(self.source).tokenize(),
            self.engine.template_libraries,
            self.engine.template_builtins,
            self.origin,
        )
        nodelist = parser.parse()
        self.extra_data = parser.extra_data
        return nodelist


class SandboxEngine(Engine):
    default_builtins: ClassVar[list[str]] = []

    def from_string(self, template_code: str) -> Template:
        return _Template(template_code, engine=self)


def _library() -> Library:
    library = Library()
    library.tags = {k: v for k, v in defaulttags.register.tags.items() if k in TAGS}
    library.filters = {
        name: _limited(name, func)
        for name, func in defaultfilters.register.filters.items()
        if name in FILTERS
    }
    return library


def sandbox_engine(string_if_invalid: str) -> Engine:
    engine = SandboxEngine(
        loaders=[("django.template.loaders.locmem.Loader", {})],
        string_if_invalid=string_if_invalid,
        autoescape=True,
    )
    engine.template_builtins = [_library()]
    return engine
