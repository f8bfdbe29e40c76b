"""`scoped_get`: a row of the workspace by id, and 404 for any other, whatever its workspace."""

from __future__ import annotations

import pytest
from django.http import Http404

from clientela.accounts.scoping import scoped_get
from clientela.customers.models import Customer, CustomerEmail
from clientela.customers.services import customer_create, customer_email_add

pytestmark = pytest.mark.django_db


def test_a_row_of_the_workspace_is_found_by_model_or_queryset(cast, django_assert_num_queries):
    ana = customer_create(workspace=cast.shop, actor=None, email="ana@example.com")
    with django_assert_num_queries(1):
        assert scoped_get(Customer, cast.shop, ana.pk) == ana
    with django_assert_num_queries(2):  # the row, then what the queryset prefetches
        found = scoped_get(Customer.objects.prefetch_related("emails"), cast.shop, ana.pk)
        assert [e.address for e in found.emails.all()] == ["ana@example.com"]


def test_another_workspaces_row_is_as_missing_as_no_row(cast):
    theirs = customer_create(workspace=cast.other_shop, actor=None, email="dan@example.com")
    with pytest.raises(Http404):
        scoped_get(Customer, cast.shop, theirs.pk)
    with pytest.raises(Http404):
        scoped_get(Customer, cast.shop, theirs.pk + 1000)


def test_a_narrowed_queryset_finds_only_its_own_rows(cast):
    ana = customer_create(workspace=cast.shop, actor=None, email="ana@example.com")
    ion = customer_create(workspace=cast.shop, actor=None, email="ion@example.com")
    second = customer_email_add(customer=ana, address="ana@work.example.com", actor=None)
    assert scoped_get(CustomerEmail.objects.filter(customer=ana), cast.shop, second.pk) == second
    with pytest.raises(Http404):  # an address of the same workspace, of another customer
        scoped_get(CustomerEmail.objects.filter(customer=ion), cast.shop, second.pk)
