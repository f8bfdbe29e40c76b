"""The imports services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from clientela.accounts.policy import Rule
from clientela.imports.exports import customers_export, orders_export
from clientela.imports.policy import CUSTOMER_EXPORT, IMPORT_START, ORDER_EXPORT
from clientela.imports.services import import_create
from clientela.imports.tasks import import_start
from tests.imports.helpers import write_csv
from tests.policy import Objects, Refusal, assert_checked, objects_of

pytestmark = pytest.mark.django_db

CUSTOMERS = "email\nnew@example.com\n"


def _upload() -> Path:
    """A small customers file, where the upload of a request would be."""
    return write_csv(Path(settings.DATA_DIR), CUSTOMERS, name="upload.csv")


# The exports are not read here: the refusal comes from the call, before any line.
REFUSALS: dict[Rule, Refusal] = {
    IMPORT_START: lambda o, actor: import_create(
        workspace=o.workspace,
        kind="customers",
        source_path=_upload(),
        file_name="c.csv",
        actor=actor,
    ),
    CUSTOMER_EXPORT: lambda o, actor: customers_export(workspace=o.workspace, actor=actor),
    ORDER_EXPORT: lambda o, actor: orders_export(workspace=o.workspace, actor=actor),
}

# What the web and the API call to import: the service, then a task once committed.
ALSO: list[tuple[Rule, Refusal]] = [
    (
        IMPORT_START,
        lambda o, a: import_start(
            workspace=o.workspace, kind="customers", source_path=_upload(), file_name="c", actor=a
        ),
    ),
]
CALLS = [*REFUSALS.items(), *ALSO]


@pytest.fixture
def objects(cast, settings, tmp_path) -> Objects:
    settings.DATA_DIR = tmp_path
    return objects_of(cast)


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call[0].name)
def test_the_service_checks_its_rule(call, cast, objects):
    assert_checked(*call, cast, objects)


def test_the_export_of_the_minimum_role_is_the_csv(cast, objects):
    lines = customers_export(workspace=cast.shop, actor=cast.manager)
    assert next(lines).startswith("external_id,first_name,last_name,email,")
    assert [line.split(",")[3] for line in lines] == ["ana@example.com"]
