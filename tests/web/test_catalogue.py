"""The Romanian catalogue: complete, not fuzzy, placeholders intact, compiled, three plural forms.

The committed .po is read with a small parser (plain po syntax, no external tool), and the
committed .mo is read with Python's own `gettext`, so a .po edited without recompiling fails.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clientela.web import nav

CATALOGUE = Path(__file__).resolve().parents[2] / "clientela" / "locale" / "ro" / "LC_MESSAGES"
# Python's %-format (named and positional; %% is a literal) and str.format's {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdirf]|%[sdirf]|\{\w*\}")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)  # msgctxt, msgid, msgstr[0], ...


def entries() -> list[Entry]:
    parsed: list[Entry] = []
    current: Entry | None = None
    key = ""
    for line in (CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            current = None
            continue
        if current is None:
            current = Entry()
            parsed.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('"'):
            current.values[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, literal = line.partition(" ")
            current.values[key] = ast.literal_eval(literal)
    return [e for e in parsed if "msgid" in e.values]


def _translations(entry: Entry) -> list[str]:
    return [value for key, value in entry.values.items() if key.startswith("msgstr")]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_catalogue_has_entries_and_none_is_fuzzy_or_empty():
    translated = [e for e in entries() if e.values["msgid"]]
    assert len(translated) > 400
    assert [e.values["msgid"] for e in translated if "fuzzy" in e.flags] == []
    assert [e.values["msgid"] for e in translated if "" in _translations(e)] == []


def test_placeholders_match_between_source_and_translation():
    wrong = []
    for entry in entries():
        singular, plural = entry.values["msgid"], entry.values.get("msgid_plural")
        if plural is None:
            if _placeholders(singular) != _placeholders(entry.values["msgstr"]):
                wrong.append(singular)
            continue
        forms = [entry.values[f"msgstr[{i}]"] for i in range(3)]
        # The first form is used for n == 1 only, so it may spell the number out ("o dată").
        dropped = set(_placeholders(singular)) - set(_placeholders(forms[0]))
        if not set(_placeholders(forms[0])) <= set(_placeholders(singular)) or any(
            not name.endswith("d") for name in dropped
        ):
            wrong.append(singular)
        if any(_placeholders(form) != _placeholders(plural) for form in forms[1:]):
            wrong.append(plural)
    assert wrong == []


def test_romanian_uses_comma_below_not_cedilla():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert re.findall("[şţŞŢ]", text) == []


def _romanian_form(n: int) -> int:
    if n == 1:
        return 0
    return 1 if n == 0 or 1 <= n % 100 <= 19 else 2


def test_the_plural_header_has_the_three_romanian_forms():
    header = entries()[0].values["msgstr"]
    forms = re.search(r"Plural-Forms: nplurals=(\d+); plural=([^;]+);", header)
    assert forms is not None and forms.group(1) == "3"
    plural = gettext.c2py(forms.group(2))
    assert [plural(n) for n in range(1000)] == [_romanian_form(n) for n in range(1000)]


def test_the_committed_mo_is_compiled_from_the_po():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    expected: dict[object, str] = {}
    for entry in entries():
        values = entry.values
        msgid = values["msgid"]
        if not msgid:
            continue
        if "msgctxt" in values:
            msgid = f"{values['msgctxt']}\x04{msgid}"
        if "msgid_plural" in values:
            expected.update({(msgid, i): values[f"msgstr[{i}]"] for i in range(3)})
        else:
            expected[msgid] = values["msgstr"]
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    assert catalog == expected
    assert compiled.plural(1) == 0 and compiled.plural(5) == 1 and compiled.plural(20) == 2  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_pages_in_romanian_show_the_right_words(cast, client_for):
    client = client_for(cast.owner)
    client.cookies["django_language"] = "ro"
    home = client.get("/w/alice/").content.decode()
    menu = re.findall(r'<a [^>]*href="/w/alice/[^"]*"[^>]*>([^<]+)</a>', home)
    for word in ("Clienți", "Produse", "Importuri", "Retenție", "Campanii", "Scrisori"):
        assert word in menu
    assert "Au nevoie de atenție" not in home
    campaigns = client.get("/w/alice/outreach/campaigns/").content.decode()
    assert "Încă nu există campanii." in campaigns and "Încă nu există importuri." not in campaigns
    assert len(nav.NAV) >= 6


def test_the_only_catalogue_is_the_projects():
    """`makemessages` files each string under the nearest `locale` folder: an app's own folder
    would take that app's strings out of the main catalogue (and lose their Romanian there)."""
    package = CATALOGUE.parents[2]
    assert [p.relative_to(package.parent) for p in package.rglob("locale")] == [
        Path("clientela/locale")
    ]
