"""HTML from strangers, made safe to show: an allow-list sanitiser (nh3, Rust's ammonia)."""

from __future__ import annotations

import html as html_lib
import re

import nh3

# Formatting only: no forms, no media that loads by itself, no styles that could overlay the
# page. Links keep their target but open with rel="noopener noreferrer nofollow".
_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_END = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\s*/?>")
_TAG = re.compile(r"<[^>]*>")
_DROP = re.compile(r"(?is)<(script|style|head)\b.*?</\1\s*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitize_html(html: str) -> str:
    """Only the allowed tags and attributes; scripts, styles and event handlers are dropped
    with their content, and every link gets rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        clean_content_tags={"script", "style", "head", "title"},
        link_rel="noopener noreferrer nofollow",
    )


def html_to_text(html: str) -> str:
    """A plain-text reading of an HTML-only message (for the text view and quote folding)."""
    text = _DROP.sub("", html)
    text = _BLOCK_END.sub("\n", text)
    text = html_lib.unescape(_TAG.sub("", text))
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
