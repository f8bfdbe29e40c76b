"""Who may open which page: the permission matrix over every URL pattern of the project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clientela.accounts.models import Membership, Role
from clientela.accounts.services import invitation_create, token_create
from clientela.customers.services import consent_grant, customer_email_add
from clientela.imports.models import ImportJob, ImportKind
from tests.care.objects import care_objects
from tests.forwarding.objects import forwarding_objects
from tests.inbox.clock_objects import clock_objects
from tests.inbox.objects import inbox_objects
from tests.mail.objects import delivery_objects
from tests.matrix import ROLES, assert_statuses, user_of
from tests.outreach.objects import outreach_objects
from tests.retention_service.objects import retention_objects
from tests.rewards.objects import rewards_objects
from tests.web.conftest import post

# url name -> (object the URL needs, expected GET status per role in ROLES order).
# Anonymous visitors of a login-only page are redirected (302) to the login page.
# Adding a page: add its row here; if its URL takes `pk`, name the object and create one in
# the shop in the `objects` fixture below.
MEMBERS = (302, 404, 200, 200, 200, 200)
AGENTS = (302, 404, 403, 200, 200, 200)
MANAGERS = (302, 404, 403, 403, 200, 200)
MATRIX: dict[str, tuple[str | None, tuple[int, ...]]] = {
    "web:home": (None, (302, 302, 302, 302, 302, 302)),
    "web:login": (None, (200, 302, 302, 302, 302, 302)),
    "web:logout": (None, (405, 405, 405, 405, 405, 405)),
    "web:language": (None, (405, 405, 405, 405, 405, 405)),
    "web:health": (None, (200, 200, 200, 200, 200, 200)),
    "web:dashboard": (None, MEMBERS),
    "web:customers": (None, MEMBERS),
    "web:customer_new": (None, AGENTS),
    "web:customer_export": (None, MANAGERS),
    "web:customer_export_excel": (None, MANAGERS),
    "web:customer": ("customer", MEMBERS),
    "web:customer_edit": ("customer", AGENTS),
    # GET only leads back to the customer page; the form posts here.
    "web:customer_tags": ("customer", (302, 404, 403, 302, 302, 302)),
    # POST only: the address and consent forms of the customer page.
    "web:customer_email_add": ("customer", (302, 404, 403, 405, 405, 405)),
    "web:customer_email_primary": ("customer", (302, 404, 403, 405, 405, 405)),
    "web:customer_email_remove": ("customer", (302, 404, 403, 405, 405, 405)),
    "web:customer_consent_add": ("customer", (302, 404, 403, 405, 405, 405)),
    "web:customer_consent_withdraw": ("customer", (302, 404, 403, 405, 405, 405)),
    "web:orders": (None, MEMBERS),
    "web:order_export": (None, MANAGERS),
    "web:order_new": (None, MANAGERS),
    "web:order": ("order", MEMBERS),
    # POST only: the status buttons of the order page.
    "web:order_status": ("order", (302, 404, 403, 403, 405, 405)),
    "web:order_export_excel": (None, MANAGERS),
    "web:products": (None, MEMBERS),
    "web:product_new": (None, MANAGERS),
    "web:product": ("product", MEMBERS),
    "web:product_edit": ("product", MANAGERS),
    "web:imports": (None, MANAGERS),
    "web:import_job": ("import_job", MANAGERS),
    "web:import_template": (None, MANAGERS),
    # POST only: the Retry button of a job whose worker kept dying.
    "web:import_job_retry": ("import_job", (302, 404, 403, 403, 405, 405)),
    "web:outreach": (None, MEMBERS),
    "web:outreach_settings": (None, MANAGERS),
    "web:outreach_templates": (None, MEMBERS),
    "web:outreach_template_new": (None, MANAGERS),
    "web:outreach_template": ("outreach_template", MANAGERS),
    "web:outreach_template_preview": ("outreach_template", MEMBERS),
    "web:outreach_template_test": ("outreach_template", (302, 404, 403, 403, 405, 405)),
    "web:outreach_campaigns": (None, MEMBERS),
    "web:outreach_campaign_new": (None, MANAGERS),
    "web:outreach_campaign": ("outreach_campaign", MEMBERS),
    "web:outreach_campaign_edit": ("outreach_campaign", MANAGERS),
    "web:outreach_campaign_action": ("outreach_campaign", (302, 404, 403, 403, 405, 405)),
    # The confirmation of a send or a schedule (GET, ?action=send|schedule; the form posts to
    # the action page). Without an action there is no such page.
    "web:outreach_campaign_confirm": ("outreach_campaign", (302, 404, 403, 403, 404, 404)),
    "web:outreach_campaign_progress": ("outreach_campaign", MEMBERS),
    "web:outreach_campaign_test": ("outreach_campaign", (302, 404, 403, 403, 405, 405)),
    "web:outreach_campaign_pdf": ("outreach_campaign", MEMBERS),
    "web:outreach_campaign_content": ("outreach_campaign", MEMBERS),
    # POST only: the block editor's changes.
    "web:outreach_campaign_content_change": ("outreach_campaign", (302, 404, 403, 403, 405, 405)),
    "web:outreach_automation_text": (None, MEMBERS),
    "web:outreach_letters": (None, MEMBERS),
    # With no letter to write, the PDF link leads back to the (empty) list.
    "web:outreach_letters_pdf": (None, (302, 404, 302, 302, 302, 302)),
    "web:outreach_letter_done": ("outreach_letter", (302, 404, 403, 405, 405, 405)),
    "web:outreach_lists": (None, MEMBERS),
    "web:outreach_list_new": (None, MANAGERS),
    "web:outreach_list": ("outreach_list", MEMBERS),
    "web:outreach_mailsink": (None, MANAGERS),
    "web:tokens": (None, MEMBERS),
    # POST only: members reach the view, which refuses GET.
    "web:token_revoke": ("token", (302, 404, 405, 405, 405, 405)),
    "web:team": (None, (302, 404, 403, 403, 403, 200)),
    "web:team_member": ("membership", (302, 404, 403, 403, 403, 405)),
    # POST only: resend or revoke an invitation of the Team page.
    "web:team_invitation": ("invitation", (302, 404, 403, 403, 403, 405)),
    "web:workspace_details": (None, (302, 404, 403, 403, 403, 200)),
    "web:checklist_dismiss": (None, (302, 404, 403, 403, 405, 405)),
    "web:outreach_sender": (None, MANAGERS),
    "web:outreach_branding": (None, MANAGERS),
    # POST only: the live preview of the look of the mail (htmx).
    "web:outreach_branding_preview": (None, (302, 404, 403, 403, 405, 405)),
    "web:inbox_waiting": (None, MEMBERS),
    "web:inbox_waiting_rows": (None, MEMBERS),
    # POST only: the Take it button of the waiting list.
    "web:inbox_waiting_take": ("wait", (302, 404, 403, 405, 405, 405)),
    "web:inbox_response_times": (None, MEMBERS),
    "web:inbox_clock_settings": (None, MANAGERS),
    "web:inbox_clock_target_add": (None, (302, 404, 403, 403, 405, 405)),
    "web:inbox_clock_target_delete": ("clock_target", (302, 404, 403, 403, 405, 405)),
    # Every signed-in user changes their own password; anyone may ask for a reset link.
    "web:password_change": (None, (302, 200, 200, 200, 200, 200)),
    "web:password_reset": (None, (200, 200, 200, 200, 200, 200)),
    "web:password_reset_sent": (None, (200, 200, 200, 200, 200, 200)),
    # The link's token moves into the session at once: every caller is sent on.
    "web:password_reset_confirm": (None, (302, 302, 302, 302, 302, 302)),
    "web:invitation": (None, (404, 404, 404, 404, 404, 404)),
    "web:outreach_mailsink_message": ("outreach_outbox", MANAGERS),
    "web:outreach_delivery": (None, MANAGERS),
    "web:outreach_delivery_pause": (None, (302, 404, 403, 403, 405, 405)),
    "web:retention": (None, MEMBERS),
    "web:retention_refresh": (None, (302, 404, 403, 403, 405, 405)),
    "web:retention_run": ("retention_run", MEMBERS),
    "web:retention_validation": (None, MEMBERS),
    "web:retention_validation_start": (None, (302, 404, 403, 403, 405, 405)),
    "web:retention_validation_run": ("retention_validation", MEMBERS),
    "web:retention_settings": (None, MANAGERS),
    "web:customer_data": ("customer", MANAGERS),
    "web:customer_erase": ("customer", MANAGERS),
    "web:privacy_settings": (None, (302, 404, 403, 403, 403, 200)),
    "web:care_cases": (None, AGENTS),
    "web:care_case_new": (None, AGENTS),
    "web:care_lessons": (None, AGENTS),
    "web:care_report": (None, AGENTS),
    "web:care_case": ("care_case", AGENTS),
    # GET only leads back to the case page; its forms post here.
    "web:care_case_send": ("care_case", (302, 404, 403, 302, 302, 302)),
    "web:care_case_step": ("care_case", (302, 404, 403, 302, 302, 302)),
    "web:care_case_status": ("care_case", (302, 404, 403, 302, 302, 302)),
    "web:care_case_review": ("care_case", (302, 404, 403, 302, 302, 302)),
    "web:care_case_handling": ("care_case", (302, 404, 403, 403, 302, 302)),
    "web:care_case_assign": ("care_case", (302, 404, 403, 302, 302, 302)),
    "web:aliases": (None, AGENTS),
    # POST only: the grant form and the revoke buttons of the aliases page.
    "web:alias_grant": (None, (302, 404, 403, 403, 405, 405)),
    "web:alias_revoke": ("alias", (302, 404, 403, 403, 405, 405)),
    "web:forwarding_settings": (None, (302, 404, 403, 403, 403, 200)),
    "web:rewards": (None, MEMBERS),
    "web:rewards_counter": (None, AGENTS),
    "web:rewards_propose": ("customer", AGENTS),
    "web:rewards_case_propose": ("care_case", AGENTS),
    "web:rewards_return": (None, AGENTS),
    "web:rewards_catalogue": (None, MANAGERS),
    "web:rewards_catalogue_item": ("catalogue_item", MANAGERS),
    # POST only: a GET leads back to the catalogue.
    "web:rewards_catalogue_offer": ("catalogue_item", (302, 404, 403, 403, 302, 302)),
    "web:rewards_compensation": ("compensation", MEMBERS),
    "web:rewards_receipt": ("receipt", MEMBERS),
    # POST only: the approve and reject buttons of the ledger (GET leads back to it).
    "web:rewards_decide": ("compensation", (302, 404, 403, 403, 302, 302)),
    # POST only, with the certificate's code: a GET carries no code (400).
    "web:rewards_certificate": ("certificate", (302, 404, 403, 400, 400, 400)),
    # The shop's public certificate page: anyone may check a balance there.
    "web:public_certificate": (None, (200, 200, 200, 200, 200, 200)),
    # Customers' pages without login, reached by a token: an unknown token is a 404.
    "web:public_unsubscribe": (None, (404, 404, 404, 404, 404, 404)),
    "web:brand_logo": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_confirm": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_subscribe": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_preferences": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_rate": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_contact": (None, (404, 404, 404, 404, 404, 404)),
    "web:inbox": (None, MEMBERS),
    "web:inbox_settings": (None, MANAGERS),
    "web:conversation": ("conversation", MEMBERS),
    # POST only: the reply box and the status/assignee controls of the conversation page.
    "web:conversation_answer": ("conversation", (302, 404, 403, 405, 405, 405)),
    "web:conversation_update": ("conversation", (302, 404, 403, 405, 405, 405)),
    # GET: the customer search of the conversation page; POST: link or unlink.
    "web:conversation_customer": ("conversation", AGENTS),
    "web:inbox_attachment": ("inbox_attachment", MEMBERS),
    "web:forwarding_opt_out": (None, (404, 404, 404, 404, 404, 404)),
    "web:forwarding_notice_opt_out": (None, (404, 404, 404, 404, 404, 404)),
    "web:public_content_image": (None, (404, 404, 404, 404, 404, 404)),
}

# Trees with a matrix of their own (the API) or that belong to Django.
SKIPPED_PREFIXES = ("api/", "i18n/", "static/", "media/")


def url_patterns() -> Iterator[tuple[str, str | None]]:
    """(route, namespaced name) of every pattern, walking included resolvers."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str | None]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield prefix + str(pattern.pattern), name

    yield from walk(get_resolver().url_patterns, "", "")


def covered_patterns() -> list[tuple[str, str | None]]:
    return [
        (route, name) for route, name in url_patterns() if not route.startswith(SKIPPED_PREFIXES)
    ]


def test_every_url_pattern_has_an_entry_in_the_matrix():
    missing = [(route, name) for route, name in covered_patterns() if name not in MATRIX]
    assert missing == [], "add these patterns to MATRIX in tests/web/test_permissions.py"
    stale = set(MATRIX) - {name for _, name in covered_patterns()}
    assert stale == set()


@pytest.fixture
def objects(cast: Any, shop: Any) -> dict[str, int]:
    job = ImportJob.objects.create(
        workspace=cast.shop, kind=ImportKind.CUSTOMERS, file_name="a.csv"
    )
    second = customer_email_add(customer=shop.customer, address="i2@example.com", actor=None)
    consent = consent_grant(
        customer=shop.customer,
        purpose="marketing",
        channel="email",
        source="t",
        ip=None,
        actor=None,
    )
    return {
        "customer": shop.customer.pk,
        "customer_email": second.pk,
        "consent": consent.pk,
        "product": shop.product.pk,
        "order": shop.order.pk,
        "import_job": job.pk,
        "token": token_create(
            membership=Membership.objects.get(workspace=cast.shop, user=cast.owner), name="t"
        ).token.pk,
        "membership": Membership.objects.get(workspace=cast.shop, user=cast.teammate).pk,
        "invitation": invitation_create(
            workspace=cast.shop, email="new@example.com", role=Role.AGENT, actor=None
        ).invitation.pk,
        **outreach_objects(cast),
        **delivery_objects(cast),
        **retention_objects(cast),
        **care_objects(cast),
        **inbox_objects(cast),
        **clock_objects(cast),
        **forwarding_objects(cast),
        **rewards_objects(cast),
    }


# Ids of objects nested under the URL's `pk`: the URL kwarg and the object it names.
INNER = {"email_pk": "customer_email", "consent_pk": "consent"}


def _url(name: str, needs: str | None, objects: dict[str, int], ws: str = "alice") -> str:
    route = dict((n, r) for r, n in covered_patterns())[name]
    kwargs: dict[str, Any] = {}
    if "<slug:ws>" in route:
        kwargs["ws"] = ws
    if needs is not None:
        kwargs["pk"] = objects[needs]
    for kwarg, inner in INNER.items():
        if f"<int:{kwarg}>" in route:
            kwargs[kwarg] = objects[inner]
    if "<str:token>" in route:
        kwargs["token"] = "unknown"
    if "<int:score>" in route:
        kwargs["score"] = 5
    if "<str:uidb64>" in route:
        kwargs["uidb64"] = "MQ"
    for kwarg, value in (("language", "ro"), ("purpose", "thank_you"), ("name", "unknown.png")):
        if f"<str:{kwarg}>" in route:
            kwargs[kwarg] = value
    return reverse(name, kwargs=kwargs)


def _client(cast: Any, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = user_of(cast, role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_get_status_of_every_page_for_each_role(cast, objects, role):
    client = _client(cast, role)
    calls = {
        name: partial(client.get, _url(name, needs, objects)) for name, (needs, _) in MATRIX.items()
    }
    expected = {name: statuses[ROLES.index(role)] for name, (_, statuses) in MATRIX.items()}
    # A page answers 403 exactly when its rule refuses.
    assert_statuses(calls, expected)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(cast, objects):
    response = Client().get("/w/alice/customers/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/w/alice/customers/"


@pytest.mark.django_db
def test_a_workspace_that_does_not_exist_looks_like_one_the_user_cannot_see(cast, client_for):
    client = client_for(cast.owner)
    unknown = client.get("/w/nowhere/customers/")
    foreign = client.get("/w/charlie/customers/")
    assert unknown.status_code == foreign.status_code == 404

    # Same page, apart from the address echoed in the language switch and the CSRF masks.
    def plain(content: bytes) -> bytes:
        return re.sub(rb"[A-Za-z0-9]{64}", b"TOKEN", content.replace(b"nowhere", b"charlie"))

    assert plain(unknown.content) == plain(foreign.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, needs",
    [
        ("web:customer", "foreign_customer"),
        ("web:customer_edit", "foreign_customer"),
        ("web:customer_tags", "foreign_customer"),
        ("web:product_edit", "foreign_product"),
        ("web:product", "foreign_product"),
        ("web:order", "foreign_order"),
    ],
)
def test_an_object_of_another_workspace_is_not_found(cast, shop, client_for, name, needs):
    url = reverse(name, kwargs={"ws": "alice", "pk": getattr(shop, needs).pk})
    client = client_for(cast.owner)
    assert client.get(url).status_code == 404
    assert post(client, url, {"first_name": "X", "tags": "x", "name": "X"}).status_code == 404


@pytest.mark.django_db
def test_an_import_job_of_another_workspace_is_not_found(cast, client_for):
    job = ImportJob.objects.create(
        workspace=cast.other_shop, kind=ImportKind.CUSTOMERS, file_name="theirs.csv"
    )
    response = client_for(cast.owner).get(f"/w/alice/imports/{job.pk}/")
    assert response.status_code == 404


POSTS = [
    ("web:login", None),
    ("web:logout", None),
    ("web:language", None),
    ("web:customer_new", None),
    ("web:customer_edit", "customer"),
    ("web:customer_tags", "customer"),
    ("web:customer_email_add", "customer"),
    ("web:customer_email_primary", "customer"),
    ("web:customer_email_remove", "customer"),
    ("web:customer_consent_add", "customer"),
    ("web:customer_consent_withdraw", "customer"),
    ("web:product_new", None),
    ("web:product_edit", "product"),
    ("web:order_new", None),
    ("web:order_status", "order"),
    ("web:imports", None),
    ("web:import_job_retry", "import_job"),
    ("web:outreach_settings", None),
    ("web:outreach_template_new", None),
    ("web:outreach_template", "outreach_template"),
    ("web:outreach_template_test", "outreach_template"),
    ("web:outreach_campaign_new", None),
    ("web:outreach_campaign_edit", "outreach_campaign"),
    ("web:outreach_campaign_action", "outreach_campaign"),
    ("web:inbox_waiting_take", "wait"),
    ("web:inbox_clock_settings", None),
    ("web:inbox_clock_target_add", None),
    ("web:inbox_clock_target_delete", "clock_target"),
    ("web:outreach_campaign_test", "outreach_campaign"),
    ("web:outreach_campaign_content_change", "outreach_campaign"),
    ("web:outreach_automation_text", None),
    ("web:outreach_letter_done", "outreach_letter"),
    ("web:outreach_list_new", None),
    ("web:outreach_delivery_pause", None),
    ("web:retention_refresh", None),
    ("web:retention_settings", None),
    ("web:customer_erase", "customer"),
    ("web:privacy_settings", None),
    ("web:care_case_new", None),
    ("web:care_case_send", "care_case"),
    ("web:care_case_status", "care_case"),
    ("web:care_case_review", "care_case"),
    ("web:care_report", None),
    ("web:care_case_step", "care_case"),
    ("web:care_case_handling", "care_case"),
    ("web:care_case_assign", "care_case"),
    ("web:public_rate", None),
    ("web:retention_validation_start", None),
    ("web:tokens", None),
    ("web:token_revoke", "token"),
    ("web:team", None),
    ("web:team_member", "membership"),
    ("web:team_invitation", "invitation"),
    ("web:workspace_details", None),
    ("web:checklist_dismiss", None),
    ("web:outreach_sender", None),
    ("web:outreach_branding", None),
    ("web:outreach_branding_preview", None),
    ("web:password_change", None),
    ("web:password_reset", None),
    ("web:password_reset_confirm", None),
    ("web:invitation", None),
    ("web:public_confirm", None),
    ("web:public_subscribe", None),
    ("web:public_preferences", None),
    ("web:public_contact", None),
    ("web:inbox_settings", None),
    ("web:conversation_answer", "conversation"),
    ("web:conversation_update", "conversation"),
    ("web:conversation_customer", "conversation"),
    ("web:alias_grant", None),
    ("web:alias_revoke", "alias"),
    ("web:forwarding_settings", None),
    ("web:forwarding_opt_out", None),
    ("web:forwarding_notice_opt_out", None),
    ("web:rewards_counter", None),
    ("web:rewards_propose", "customer"),
    ("web:rewards_case_propose", "care_case"),
    ("web:rewards_catalogue", None),
    ("web:rewards_catalogue_item", "catalogue_item"),
    ("web:rewards_catalogue_offer", "catalogue_item"),
    ("web:rewards_decide", "compensation"),
    ("web:rewards_certificate", "certificate"),
    ("web:public_certificate", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, needs", POSTS)
def test_every_form_refuses_a_post_without_csrf_token(cast, objects, name, needs):
    client = _client(cast, "owner")
    response = client.post(_url(name, needs, objects), {"language": "ro", "name": "X"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_post_list_covers_every_form_page(cast):
    # Pages that answer POST besides GET must all be in POSTS (checked against the matrix).
    read_only = {
        "web:home",
        "web:health",
        "web:dashboard",
        "web:customers",
        "web:customer_export",
        "web:customer_export_excel",
        "web:customer",
        "web:customer_data",
        "web:orders",
        "web:order_export",
        "web:order",
        "web:product",
        "web:order_export_excel",
        "web:products",
        "web:import_job",
        "web:import_template",
        "web:outreach",
        "web:outreach_templates",
        "web:outreach_template_preview",
        "web:outreach_campaigns",
        "web:outreach_campaign",
        "web:outreach_campaign_pdf",
        "web:outreach_campaign_content",
        "web:public_content_image",
        "web:outreach_letters",
        "web:outreach_letters_pdf",
        "web:outreach_lists",
        "web:outreach_list",
        "web:outreach_mailsink",
        "web:outreach_mailsink_message",
        "web:outreach_delivery",
        "web:retention",
        "web:retention_run",
        "web:retention_validation",
        "web:retention_validation_run",
        "web:rewards",
        "web:rewards_return",
        "web:rewards_compensation",
        "web:rewards_receipt",
        "web:password_reset_sent",
        "web:inbox",
        "web:conversation",
        "web:inbox_attachment",
        "web:aliases",
        # CSRF-exempt on purpose (RFC 8058 one-click); tested in tests/outreach.
        "web:public_unsubscribe",
        "web:care_cases",
        "web:care_lessons",
        "web:care_case",
        "web:inbox_waiting",
        "web:inbox_waiting_rows",
        "web:inbox_response_times",
        "web:outreach_campaign_progress",
        "web:outreach_campaign_confirm",
        # The shop's logo for mail readers: public, GET only.
        "web:brand_logo",
    }
    assert {name for name, _ in POSTS} == set(MATRIX) - read_only


@pytest.mark.django_db
def test_a_viewer_cannot_write(cast, shop, client_for):
    client = client_for(cast.viewer)
    customer_url = f"/w/alice/customers/{shop.customer.pk}/"
    assert post(client, "/w/alice/customers/new/", {"first_name": "X"}).status_code == 403
    assert post(client, customer_url + "edit/", {"first_name": "X"}).status_code == 403
    assert post(client, customer_url + "tags/", {"tags": "vip"}).status_code == 403
    assert post(client, "/w/alice/products/new/", {"name": "X"}).status_code == 403
    shop.customer.refresh_from_db()
    assert shop.customer.first_name == "Ioana"
    assert list(shop.customer.tags.all()) == []


@pytest.mark.django_db
def test_an_agent_cannot_manage_products_or_imports(cast, shop, client_for):
    client = client_for(cast.teammate)
    response = post(client, f"/w/alice/products/{shop.product.pk}/edit/", {"name": "X"})
    assert response.status_code == 403
    assert post(client, "/w/alice/imports/", {"kind": "customers"}).status_code == 403
    shop.product.refresh_from_db()
    assert shop.product.name == "Ceai verde"
