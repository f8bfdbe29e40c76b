"""A campaign's audience names lists, tags and segments; one that is not the workspace's
(unknown, or another workspace's) is a 422 on its field, and nothing is written, never a
201 that quietly drops it."""

from __future__ import annotations

import pytest

from clientela.customers.models import Tag
from clientela.outreach.models import Campaign
from clientela.outreach.services.lists import mailing_list_create
from tests.outreach.test_api import CAMPAIGN, _api

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(cast):  # type: ignore[no-untyped-def]
    """The shop's own list and tag, and the other shop's."""
    return {
        "list": mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Toți").pk,
        "tag": Tag.objects.create(workspace=cast.shop, name="vip").pk,
        "foreign_list": mailing_list_create(
            workspace=cast.other_shop, actor=cast.outsider, name="Ai lor"
        ).pk,
        "foreign_tag": Tag.objects.create(workspace=cast.other_shop, name="vip").pk,
    }


def refused(response, field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    assert response.json() == {
        "detail": [{"loc": ["body", "payload", field], "msg": message, "type": "value_error"}]
    }


def test_another_workspaces_list_is_refused_on_create(cast, audience):  # type: ignore[no-untyped-def]
    owner = _api(cast.shop, cast.owner)
    body = {**CAMPAIGN, "list_ids": [audience["list"], audience["foreign_list"]]}
    refused(
        owner("POST", "/campaigns", body),
        "list_ids",
        f"No such mailing list: {audience['foreign_list']}.",
    )
    assert Campaign.objects.count() == 0


def test_another_workspaces_tag_and_an_unknown_one_are_refused_on_create(cast, audience):  # type: ignore[no-untyped-def]
    owner = _api(cast.shop, cast.owner)
    body = {**CAMPAIGN, "tag_ids": [999_999, audience["tag"], audience["foreign_tag"]]}
    refused(
        owner("POST", "/campaigns", body),
        "tag_ids",
        f"No such tag: {audience['foreign_tag']}, 999999.",
    )
    assert Campaign.objects.count() == 0


def test_an_unknown_segment_is_refused_on_create(cast):  # type: ignore[no-untyped-def]
    owner = _api(cast.shop, cast.owner)
    body = {**CAMPAIGN, "audience_segments": ["champions", "whales"]}
    refused(owner("POST", "/campaigns", body), "audience_segments", "No such segment: whales.")
    assert Campaign.objects.count() == 0


def test_an_edit_with_a_foreign_id_leaves_the_audience_as_it_was(cast, audience):  # type: ignore[no-untyped-def]
    owner = _api(cast.shop, cast.owner)
    body = {
        **CAMPAIGN,
        "list_ids": [audience["list"]],
        "tag_ids": [audience["tag"]],
        "audience_segments": ["lost"],
    }
    created = owner("POST", "/campaigns", body)
    assert created.status_code == 201
    campaign_id = created.json()["id"]
    path = f"/campaigns/{campaign_id}"
    refused(
        owner("PATCH", path, {"title": "Alt", "list_ids": [audience["foreign_list"]]}),
        "list_ids",
        f"No such mailing list: {audience['foreign_list']}.",
    )
    refused(
        owner("PATCH", path, {"tag_ids": [audience["foreign_tag"]]}),
        "tag_ids",
        f"No such tag: {audience['foreign_tag']}.",
    )
    refused(
        owner("PATCH", path, {"audience_segments": ["vip"]}),
        "audience_segments",
        "No such segment: vip.",
    )
    detail = owner("GET", path).json()
    assert (detail["title"], detail["list_ids"], detail["tag_ids"]) == (
        "Vara",
        [audience["list"]],
        [audience["tag"]],
    )
    assert detail["audience_segments"] == ["lost"]
