"""What the front-desk apps hold about a customer (inbox, complaints, forwarding, rewards):
the sections of their export, and their part of an erasure.

Kept for the shop's own records after an erasure: a case's dates, category and outcome, a
compensation's kind, cost and dates, a certificate's balance; gone: every word the customer
wrote or was written, their attachments, addresses and receipt photos. The complainer score
is a staff assessment used to choose how to answer, and the care app never shows it to the
customer; the export lists the cases without it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from clientela.accounts.models import Workspace
from clientela.care.models import Case, CaseStep
from clientela.customers.models import Customer
from clientela.forwarding.models import Alias
from clientela.inbox.models import Attachment, Conversation, Message
from clientela.rewards.models import Compensation, GiftCertificate


def desk_sections(customer: Customer, rows: Any) -> dict[str, list[dict[str, Any]]]:
    """The export's sections of the front-desk apps; `rows(queryset, fields)` flattens."""
    ws = customer.workspace
    conversations = Conversation.objects.for_workspace(ws).filter(customer=customer)
    return {
        "messages": rows(
            Message.objects.for_workspace(ws)
            .filter(conversation__in=conversations)
            .exclude(direction="note")
            .order_by("created_at", "pk"),
            ("created_at", "direction", "channel", "from_address", "subject", "body"),
        ),
        "complaints": rows(
            Case.objects.for_workspace(ws).filter(customer=customer).order_by("opened_at", "pk"),
            ("opened_at", "channel", "category", "subject", "complaint", "status", "solution"),
        ),
        "aliases": rows(
            Alias.objects.for_workspace(ws).filter(customer=customer).order_by("pk"),
            ("local_part", "domain__domain", "status", "created_at"),
        ),
        "compensations": rows(
            Compensation.objects.for_workspace(ws).filter(customer=customer).order_by("pk"),
            ("created_at", "kind", "cost", "currency", "status"),
        ),
        "gift_certificates": rows(
            GiftCertificate.objects.for_workspace(ws).filter(customer=customer).order_by("pk"),
            ("issued_at", "expires_at", "amount", "balance", "currency"),
        ),
    }


def desk_erase(workspace: Workspace, customer: Customer, addresses: set[str]) -> None:
    """Erase the customer's words, files and addresses from the front-desk apps."""
    conversations = Conversation.objects.for_workspace(workspace).filter(
        Q(customer=customer) | Q(reply_to__in=addresses)
    )
    messages = Message.objects.for_workspace(workspace).filter(conversation__in=conversations)
    Attachment.objects.filter(message__in=messages).delete()
    messages.update(
        from_address="",
        from_name="",
        subject="",
        body="",
        quoted="",
        signature="",
        html="",
        remote_ip=None,
    )
    conversations.update(subject="", subject_key="", reply_to="")
    cases = Case.objects.for_workspace(workspace).filter(customer=customer)
    cases.update(subject="", complaint="", solution="", complainer_reasons=[])
    CaseStep.objects.filter(case__in=cases).update(draft="")
    # A lifetime address names its owner: it goes, and nothing is forwarded any more.
    Alias.objects.for_workspace(workspace).filter(customer=customer).delete()
    for compensation in Compensation.objects.for_workspace(workspace).filter(customer=customer):
        if compensation.receipt:
            compensation.receipt.delete(save=False)
        Compensation.objects.filter(pk=compensation.pk).update(note="", receipt="")
