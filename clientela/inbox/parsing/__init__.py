"""Reading e-mail for the inbox: pure code over Python's `email` package, no Django.

`parse_message` turns RFC 5322 bytes into a frozen `ParsedMessage`; `subject_key` strips the
reply and forward prefixes for the subject fallback of threading; `fold_quoted` splits what
the sender wrote from the quoted history and the signature; `sanitize_html` keeps only
harmless HTML for display.
"""

from clientela.inbox.parsing.html import html_to_text, sanitize_html
from clientela.inbox.parsing.message import (
    Limits,
    MessageTooLarge,
    ParsedAttachment,
    ParsedMessage,
    parse_message,
)
from clientela.inbox.parsing.text import Folded, fold_quoted, subject_key

__all__ = [
    "Folded",
    "Limits",
    "MessageTooLarge",
    "ParsedAttachment",
    "ParsedMessage",
    "fold_quoted",
    "html_to_text",
    "parse_message",
    "sanitize_html",
    "subject_key",
]
