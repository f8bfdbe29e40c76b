"""Every message in the shop's look: an HTML part and a text part from the same content.

`mail_layout` puts content inside the shop's layout: a 600-pixel table that narrows on a
phone, the logo or the shop's name in a band of the shop's colour, the postal address and,
when there is one, the unsubscribe link in the footer. E-mail clients ignore or strip
<style> blocks (Gmail keeps them only in <head>, Outlook renders with Word's engine), so the
layout is written with tables and inline styles, and the content's own tags are given theirs
by css-inline; the one <style> block left only narrows the padding on small screens.

Content comes either as text (an outbox row without HTML: paragraphs at blank lines, links
made clickable, everything escaped) or as an HTML fragment (a member's template, or the
block renderer's output), which is wrapped as it is. `text_with_footer` gives the text part
the same footer in words, so both parts say the same.

Which rows carry an unsubscribe link: marketing mail always (with List-Unsubscribe, see
`message`), and the transactional kinds in `OPT_OUT_SOURCES`: the thank-you letter is sent
without marketing consent, so it offers the same link, whose page withdraws that consent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from clientela.accounts.models import Workspace
from clientela.mail.branding import branding_for, text_on
from clientela.mail.models import Branding

# Transactional rows (by source_type) that carry an opt-out link all the same.
OPT_OUT_SOURCES = frozenset({"thank_you"})
_BODY = re.compile(r"<body[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
_FONT = "font-family:Arial,Helvetica,sans-serif;"


def _content_css(link_color: str) -> str:
    return (
        f"p {{ margin: 0 0 16px 0; {_FONT} font-size: 16px; line-height: 1.5; color: #1b1b1b; }}"
        f"a {{ color: {link_color}; text-decoration: underline; }}"
        f"h1 {{ margin: 0 0 16px 0; {_FONT} font-size: 26px; line-height: 1.25; "
        f"color: {link_color}; }}"
        f"h2 {{ margin: 0 0 12px 0; {_FONT} font-size: 21px; line-height: 1.3; "
        f"color: {link_color}; }}"
        f"h3 {{ margin: 0 0 8px 0; {_FONT} font-size: 18px; line-height: 1.3; color: #1b1b1b; }}"
        f"ul, ol {{ margin: 0 0 16px 0; padding-left: 24px; {_FONT} font-size: 16px; "
        "line-height: 1.5; }"
        "img { max-width: 100%; height: auto; border: 0; }"
        "table { border-collapse: collapse; }"
    )


def logo_url(branding: Branding) -> str:
    """The logo's stable public address on the shop's own site, or "" when there is none."""
    if not branding.logo_version or not branding.public_token:
        return ""
    return f"{settings.SITE_URL}/brand/{branding.public_token}/logo.png?v={branding.logo_version}"


def _logo_box(branding: Branding) -> dict[str, int]:
    """The drawn size: within 300 x 100 (stored up to twice that for sharp screens)."""
    width, height = branding.logo_width or 1, branding.logo_height or 1
    scale = min(1.0, 300 / width, 100 / height)
    return {"logo_width": round(width * scale), "logo_height": round(height * scale)}


def text_to_html(text: str) -> str:
    """Escaped paragraphs (blank lines) and line breaks, with the links made clickable."""
    return linebreaks(urlize(text.strip(), nofollow=False, autoescape=True), autoescape=False)


def _fragment(fragment_html: str) -> str:
    found = _BODY.search(fragment_html)
    return found.group(1) if found else fragment_html


# Stand-ins rendered into the shell, replaced by each message's own (escaped) values.
_SUBJECT, _CONTENT, _UNSUBSCRIBE = "\x00subject\x00", "\x00content\x00", "\x00unsubscribe\x00"


@dataclass(frozen=True)
class Look:
    """What the layout needs of a workspace, read once per batch of messages; it keeps the
    rendered shell per language, so a batch renders the template once, not per message."""

    shop: str
    branding: Branding
    shells: dict[tuple[str, bool], str] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, workspace: Workspace, branding: Branding | None = None) -> Look:
        return cls(shop=workspace.name, branding=branding or branding_for(workspace))

    def shell(self, language: str, *, unsubscribe: bool) -> str:
        key = (language, unsubscribe)
        if key not in self.shells:
            self.shells[key] = _shell(self, language, unsubscribe=unsubscribe)
        return self.shells[key]


def _shell(look: Look, language: str, *, unsubscribe: bool) -> str:
    branding = look.branding
    with translation.override(language):
        return render_to_string(
            "mail/layout.html",
            {
                "language": language,
                "subject": _SUBJECT,
                "shop": look.shop,
                "brand_color": branding.brand_color,
                "brand_text": text_on(branding.brand_color),
                "link_color": branding.link_color,
                "logo_url": logo_url(branding),
                **_logo_box(branding),
                "content": _CONTENT,
                "address_lines": branding.postal_address.splitlines(),
                "unsubscribe_url": _UNSUBSCRIBE if unsubscribe else "",
                "unsubscribe_why": _("Don't want any more e-mails from us?"),
            },
        )


def mail_layout(
    workspace: Workspace | Look,
    *,
    fragment_html: str = "",
    text: str = "",
    language: str,
    unsubscribe_url: str = "",
    subject: str = "",
) -> str:
    """The whole HTML document of one message: `fragment_html` if given, else `text`, in
    the shop's layout, with its footer; `unsubscribe_url` adds the link to the footer."""
    look = workspace if isinstance(workspace, Look) else Look.of(workspace)
    body = _fragment(fragment_html) if fragment_html.strip() else text_to_html(text)
    content = css_inline.inline_fragment(body, _content_css(look.branding.link_color))
    shell = look.shell(language, unsubscribe=bool(unsubscribe_url))
    # The content last: a member's HTML containing a stand-in cannot be replaced.
    return (
        shell.replace(_SUBJECT, escape(subject.replace("\x00", "")))
        .replace(_UNSUBSCRIBE, escape(unsubscribe_url))
        .replace(_CONTENT, content)
    )


def text_with_footer(text: str, look: Look, *, language: str, unsubscribe_url: str = "") -> str:
    """The text part: the text, then the same footer as the HTML part, in words."""
    lines = ["", "-- ", look.shop, *look.branding.postal_address.splitlines()]
    if unsubscribe_url:
        with translation.override(language):
            lines.append(f"{_('Unsubscribe')}: {unsubscribe_url}")
    return text.rstrip() + "\n" + "\n".join(lines) + "\n"
