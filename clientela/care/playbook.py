"""The steps of the two playbooks, with their guidance and their reply drafts.

Recovery follows the seller's guide for a frustrated client: compassion, a sincere apology,
making clear we want to help, understanding their situation, a solution, thanks for taking
part in solving it, and a positive end. Fact-based handling, for a chronic complainer:
restate the problem in our own words, keep to the facts (the fact log), ask a concrete
question ("would it solve the problem if we extend your warranty?"), ask them to propose a
solution, then thank them, with no apology anywhere (tests read every draft with
`clientela.textcheck`).

Guidance is in the member's language; drafts in the client's (`draft_text` switches).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clientela.care.models import Handling


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    guidance: str | Promise
    # A message to the client (with a draft), or a step done on our side only.
    message: bool = True


RECOVERY = (
    Step(
        "compassion",
        _("Show compassion"),
        _("Let them feel heard: say what went wrong for them in their terms."),
    ),
    Step(
        "apology",
        _("Apologise sincerely"),
        _("One sincere apology for the trouble, without 'but' and without excuses."),
    ),
    Step(
        "want_to_help",
        _("Show you want to help"),
        _("Say that you will take care of it yourself, and by when you will answer."),
    ),
    Step(
        "understand",
        _("Understand their situation"),
        _("Ask what you need to know to solve it; listen before proposing anything."),
    ),
    Step(
        "solution",
        _("Propose a solution"),
        _("One concrete solution, with what you will do and when."),
    ),
    Step(
        "thank_you",
        _("Thank them"),
        _("Thank them for their patience and for taking part in solving it."),
    ),
    Step(
        "positive_end",
        _("End on a positive note"),
        _("Close warmly; the message carries the one-click rating link."),
    ),
)

FACTS = (
    Step(
        "restate",
        _("Restate the problem"),
        _("Listen carefully, then say the problem back in your own words and ask if it is right."),
    ),
    Step(
        "fact_log",
        _("Keep to the facts"),
        _(
            "Read the fact log below: every contact, when and about what. "
            "Answer with facts; do not start apologising."
        ),
        message=False,
    ),
    Step(
        "concrete_offer",
        _("Ask a concrete question"),
        _("Offer one concrete thing as a question: would it solve the problem if we ...?"),
    ),
    Step(
        "ask_proposal",
        _("Ask them to propose a solution"),
        _("Ask what solution they would consider fair, and weigh it on the facts."),
    ),
    Step(
        "thank_you",
        _("Thank them"),
        _("Thank them for working with you to settle it; no apology."),
    ),
    Step(
        "positive_end",
        _("Close with facts"),
        _("Sum up what was agreed and when; the message carries the one-click rating link."),
    ),
)

# Steps whose message proposes the solution: sending one moves the case to "solution proposed".
PROPOSING = frozenset({"solution", "concrete_offer", "ask_proposal"})
# The step a case cannot be resolved without.
THANKS = "thank_you"
# The step whose message carries the rating link.
CLOSING = "positive_end"


def steps_for(handling: str) -> tuple[Step, ...]:
    return FACTS if handling == Handling.FACTS else RECOVERY


def step(handling: str, key: str) -> Step | None:
    return next((s for s in steps_for(handling) if s.key == key), None)


def draft_text(
    handling: str, key: str, *, language: str, name: str, subject: str, shop: str
) -> str:
    """The reply draft of step `key` of `handling`, in `language`, for a client called `name`."""
    values = {"name": name, "subject": subject, "shop": shop}
    with translation.override(language):
        if handling == Handling.FACTS:
            drafts = {
                "restate": gettext(
                    "Dear %(name)s, to be sure I understood: you write about %(subject)s. "
                    "Is that right?"
                ),
                "concrete_offer": gettext("Would it solve the problem if we "),
                "ask_proposal": gettext("What solution would you consider fair?"),
                "thank_you": gettext("Thank you for working with us to settle this, %(name)s."),
                "positive_end": gettext("To sum up what we agreed: "),
            }
        else:
            drafts = {
                "compassion": gettext(
                    "Dear %(name)s, thank you for telling us about %(subject)s. "
                    "I understand how annoying this must be for you."
                ),
                "apology": gettext("I am sincerely sorry for the trouble this has caused you."),
                "want_to_help": gettext(
                    "I want to put this right, and I am taking care of it myself."
                ),
                "understand": gettext(
                    "So that I find the right solution: could you tell me when you noticed "
                    "the problem and what exactly happened?"
                ),
                "solution": gettext("Here is what I propose: "),
                "thank_you": gettext(
                    "Thank you for your patience and for helping us solve this, %(name)s."
                ),
                "positive_end": gettext(
                    "We are glad to have you with us at %(shop)s "
                    "and look forward to seeing you again."
                ),
            }
    text = drafts.get(key, "")
    return text % values if "%(" in text else text
