"""The demo's front desk: a support address, a few messages waiting in the inbox, a chronic
complainer's history, forwarding addresses for the most loyal customers, and a few
compensations in the rewards ledger (demo.rewards).

Written once, inside the demo load, so a new user finds something to answer: a question
about a delivery, a complaint about a broken item (to open as a case from the message), a
message in English, and a client whose earlier complaints ended badly (their new case is
handled with facts). Every message arrives through `message_receive`, the inbox's one door.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime

from django.db.models import Count
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.care.models import Case, CaseStatus
from clientela.care.services.cases import case_open
from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.demo.rewards import demo_rewards_seed
from clientela.forwarding.models import ForwardingDomain
from clientela.forwarding.services import alias_grant, forwarding_settings_update
from clientela.inbox.models import InboxSettings
from clientela.inbox.services.receive import message_receive
from clientela.inbox.services.setup import inbox_settings_update

SUPPORT = "suport@magazin-demo.ro"
FORWARDING_DOMAIN = "clienti.magazin-demo.ro"
HARSH = (
    "Iar ați greșit comanda! De fiecare dată e ceva: ori lipsește o piesă, ori vine târziu. "
    "Nu e vina mea, am respectat tot ce scria pe site. VREAU BANII ÎNAPOI imediat!!!"
)

# The complainer's earlier laments: long, blaming, absolute, and sure of what others owe.
LAMENT_LATE = (
    "Mereu întârziați! Am stat acasă toată ziua și curierul vostru nu a venit, iar când a venit "
    "nu a sunat la ușă. Nu e vina mea că nu eram la poartă, am respectat intervalul pe care "
    "l-ați dat voi. De fiecare dată când comand de la voi e o problemă: ori întârzie, ori "
    "lipsește ceva, ori cutia e strivită. Nimeni de la voi nu răspunde la telefon, iar la "
    "e-mail primesc răspunsuri automate. Am pierdut o zi de concediu din cauza voastră. "
    "Vreau să mi se plătească ziua pierdută și transportul înapoi, imediat. Nu accept scuze "
    "și nici vouchere, vreau banii. Dacă nu rezolvați până mâine, las recenzii peste tot și "
    "vă reclam la protecția consumatorului. Nu e prima oară și sunt sătul de promisiunile "
    "voastre. Toți de acolo dați vina pe curier, dar curierul e alegerea voastră."
)
LAMENT_WRONG = (
    "Voi greșiți de fiecare dată! Am comandat mărimea M și mi-ați trimis L, exact ca data "
    "trecută. Nu e vina mea, am ales corect pe site, am și poză. Niciodată nu verificați "
    "coletele înainte să le trimiteți. Nu mai am încredere în voi. Vreau banii înapoi imediat "
    "și transportul plătit de voi, nu vreau schimb, nu vreau voucher. Nu înțeleg cum un "
    "magazin poate greși mereu aceleași lucruri. Am pierdut timp să merg la curier, am plătit "
    "parcarea, și nimeni nu îmi spune nimic. Trebuie să-mi dați banii până vineri. Dacă nu, "
    "vă dau în judecată. Așa ceva nu mi s-a mai întâmplat nicăieri, doar la voi, și vreau "
    "să știe toată lumea cum lucrați."
)


def _raw(
    customer: Customer, subject: str, body: str, at: datetime, message_id: str, to: str
) -> bytes:
    name = customer.display_name.replace('"', "")
    return (
        f'From: "{name}" <{customer.email}>\r\n'
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}@demo.clientela>\r\n"
        f"Date: {format_datetime(at)}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode()


def _customers(workspace: Workspace) -> list[Customer]:
    """Customers with an address, most orders first: the demo's regulars."""
    ids = (
        Order.objects.for_workspace(workspace)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "customer_id")
        .values_list("customer_id", flat=True)[:40]
    )
    rows = Customer.objects.for_workspace(workspace).filter(pk__in=list(ids)).exclude(email="")
    by_id = {c.pk: c for c in rows}
    return [by_id[i] for i in ids if i in by_id]


def _occasional(workspace: Workspace) -> Customer | None:
    """A Romanian-speaking customer of two orders: the demo's chronic complainer."""
    ids = (
        Order.objects.for_workspace(workspace)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .filter(n=2)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)[:50]
    )
    return (
        Customer.objects.for_workspace(workspace)
        .filter(pk__in=list(ids), language="ro")
        .exclude(email="")
        .order_by("pk")
        .first()
    )


def demo_desk_seed(
    *, workspace: Workspace, actor: User | None, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    regulars = _customers(workspace)
    if len(regulars) < 8:
        return
    # One demo workspace uses the plain names; another (a second load, a test) its own.
    taken = InboxSettings.objects.filter(support_address=SUPPORT).exclude(workspace=workspace)
    support = f"suport+{workspace.slug}@magazin-demo.ro" if taken.exists() else SUPPORT
    domain_taken = ForwardingDomain.objects.filter(domain=FORWARDING_DOMAIN).exclude(
        workspace=workspace
    )
    domain = f"{workspace.slug}.{FORWARDING_DOMAIN}" if domain_taken.exists() else FORWARDING_DOMAIN
    inbox_settings_update(
        workspace=workspace, actor=actor, support_address=support, contact_form_enabled=True
    )
    forwarding_settings_update(
        workspace=workspace,
        actor=actor,
        domains=[domain],
        min_orders=10,
        rate_per_hour=60,
        max_message_kb=10 * 1024,
    )
    demo_rewards_seed(workspace=workspace, customers=regulars[-3:], actor=actor, now=now)
    for customer in regulars[:3]:
        alias_grant(
            workspace=workspace,
            actor=actor,
            customer=customer,
            reason="Client fidel (demo)",
            notify=False,  # granted long ago, as far as the demo's history goes
        )
    romanian = [c for c in regulars[3:] if c.language == "ro"]
    english = [c for c in regulars[3:] if c.language == "en"]
    question, broken = romanian[0], romanian[1]
    complainer = _occasional(workspace) or romanian[2]
    messages = [
        (
            question,
            "Când ajunge comanda?",
            "Bună ziua, am comandat acum trei zile. Puteți să-mi spuneți când ajunge? Mulțumesc!",
            now - timedelta(hours=5),
        ),
        (
            broken,
            "Vaza a sosit spartă",
            "Bună ziua, vaza din ultima comandă a ajuns spartă în colet. Vă trimit o poză. "
            "Aș vrea o soluție, era un cadou.",
            now - timedelta(hours=26),
        ),
        (complainer, "Iar o comandă greșită", HARSH, now - timedelta(hours=2)),
    ]
    if english:
        messages.append(
            (
                english[0],
                "Invoice for my company",
                "Hello, could you send the invoice for my last order with my company's details?",
                now - timedelta(minutes=40),
            )
        )
    # The complainer's history: two earlier complaints that ended without a solution.
    for months, (subject, text) in enumerate(
        [
            ("Livrare întârziată", LAMENT_LATE),
            ("Produs greșit", LAMENT_WRONG),
        ],
        start=2,
    ):
        old = case_open(
            workspace=workspace,
            actor=actor,
            customer=complainer,
            subject=subject,
            complaint=text,
            category="delivery",
            opened_at=now - timedelta(days=30 * months),
        )
        Case.objects.filter(pk=old.pk).update(
            status=CaseStatus.NOT_RESOLVED, closed_at=old.opened_at + timedelta(days=3)
        )
    for number, (customer, subject, body, at) in enumerate(messages, start=1):
        message_receive(
            workspace=workspace,
            raw=_raw(customer, subject, body, at, f"demo-{workspace.pk}-{number}", support),
            channel="email",
        )
