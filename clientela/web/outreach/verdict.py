"""One sentence a shop owner understands, opening every uplift report.

"Of 100 customers who got the brochure, about 3 more bought again within 30 days than of
those who did not; this could still be chance." The difference is the rate difference's
estimate per 100 recipients; "could still be chance" when its 95 % interval (Newcombe's, see
`clientela.outreach.stats.uplift`) includes no difference, "unlikely to be chance" otherwise.
The second sentence is the revenue per recipient, with the shop's currency.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientela.outreach.stats.uplift import Uplift
from clientela.web.templatetags.web import money


def uplift_verdict(uplift: Uplift, *, days: int, what: str, currency: str) -> str:
    """The plain verdict on `uplift`; `what` names the message ("the brochure")."""
    difference = uplift.rate_difference
    if difference is None:
        return _(
            "Too few customers yet in one of the two groups (who got %(what)s and who did "
            "not) to compare them."
        ) % {"what": what}
    window = ngettext("within %(days)s day", "within %(days)s days", days) % {"days": days}
    per_hundred = round(abs(difference.estimate) * 100)
    values = {"what": what, "window": window, "n": per_hundred}
    if per_hundred == 0:
        rate = (
            _(
                "Of 100 customers who got %(what)s, about as many bought again %(window)s as of "
                "those who did not"
            )
            % values
        )
    elif difference.estimate > 0:
        rate = (
            ngettext(
                "Of 100 customers who got %(what)s, about %(n)s more bought again %(window)s than "
                "of those who did not",
                "Of 100 customers who got %(what)s, about %(n)s more bought again %(window)s than "
                "of those who did not",
                per_hundred,
            )
            % values
        )
    else:
        rate = (
            ngettext(
                "Of 100 customers who got %(what)s, about %(n)s fewer bought again %(window)s "
                "than of those who did not",
                "Of 100 customers who got %(what)s, about %(n)s fewer bought again %(window)s "
                "than of those who did not",
                per_hundred,
            )
            % values
        )
    chance = (
        _("this is unlikely to be chance")
        if difference.excludes_zero
        else _("this could still be chance")
    )
    spent = uplift.sent_revenue_per_recipient - uplift.holdout_revenue_per_recipient
    amount = money(abs(spent), currency)
    if round(spent, 2) > 0:
        revenue = _("On average each of them spent %(amount)s more.") % {"amount": amount}
    elif round(spent, 2) < 0:
        revenue = _("On average each of them spent %(amount)s less.") % {"amount": amount}
    else:
        revenue = _("On average they spent as much as those who did not.")
    return _("%(rate)s; %(chance)s. %(revenue)s") % {
        "rate": rate,
        "chance": chance,
        "revenue": revenue,
    }
