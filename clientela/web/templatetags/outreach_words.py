"""`{% uplift_verdict report what %}`: the plain sentence opening an uplift report."""

from __future__ import annotations

from django import template

from clientela.outreach.reports import UpliftReport
from clientela.web.outreach.verdict import uplift_verdict as _verdict

register = template.Library()


@register.simple_tag(takes_context=True)
def uplift_verdict(context: template.Context, report: UpliftReport, what: str) -> str:
    if report.uplift is None:
        return ""
    currency = context["request"].workspace.currency
    return _verdict(report.uplift, days=report.days, what=what, currency=currency)


@register.filter
def percent_points(share: float) -> str:
    """A difference of two shares as a signed count in 100: 0.031 → "+3", -0.012 → "1" after
    a typographic minus sign (U+2212)."""
    points = round(share * 100)
    if points > 0:
        return f"+{points}"
    return f"\N{MINUS SIGN}{-points}" if points < 0 else "0"
