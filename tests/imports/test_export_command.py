"""`clientela export`: a workspace's customers or orders as CSV, to stdout or a file."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.imports.export_data import CUSTOMERS_ALL, ORDERS_ALL, export_shop, first_cells

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_workspaces_customers_to_stdout(cast):
    export_shop(cast)
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "customers", "--workspace", "alice", stdout=out, stderr=err)
    assert first_cells(out.getvalue()) == CUSTOMERS_ALL
    assert err.getvalue() == "Exported 2 rows.\n"


def test_the_command_writes_orders_to_a_file(cast, tmp_path):
    export_shop(cast)
    target = tmp_path / "orders.csv"
    out = io.StringIO()
    call_command("export", "orders", "--workspace", "charlie", "--output", str(target), stdout=out)
    assert first_cells(target.read_text(encoding="utf-8")) == [ORDERS_ALL[0], ["O3", "C3"]]
    assert out.getvalue() == ""


def test_the_command_refuses_an_unknown_workspace(cast):
    with pytest.raises(CommandError, match="No workspace nowhere"):
        call_command("export", "customers", "--workspace", "nowhere", stdout=io.StringIO())
