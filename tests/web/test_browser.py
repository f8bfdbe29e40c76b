"""A real browser: log in through the form, import a CSV of customers, open one of them.

The import runs when the test sees the job appear: the test calls `import_execute(job.pk)`,
exactly what the worker's task does, while the browser keeps polling the job page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from clientela.customers.models import Customer
from clientela.imports.models import ImportJob
from clientela.imports.services import import_execute
from tests.conftest import log_in_through_the_form


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_customers_in_the_browser_then_open_one(
    cast, live_server, tmp_path: Path, browser_page
):
    page = browser_page
    csv_file = tmp_path / "clienti.csv"
    csv_file.write_text(
        "email,prenume,nume,oraș\nioana@example.com,Ioana,Mureșan,Cluj\nradu@example.com,Radu,Stoica,Iași\n",
        encoding="utf-8",
    )
    # The one browser test that signs in through the form; the others use `log_in`.
    log_in_through_the_form(page, live_server, cast.manager)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Imports").click()
    page.get_by_label("What the file holds").select_option("customers")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-job")).to_have_attribute("data-status", "queued")

    job = ImportJob.objects.for_workspace(cast.shop).get()
    import_execute(job.pk)

    # htmx polls every second and swaps in the outcome.
    expect(page.locator("#import-job")).to_have_attribute("data-status", "succeeded")
    expect(page.locator(".created-count")).to_have_text("2")

    page.get_by_role("link", name="Customers").click()
    page.get_by_label("Search").fill("mure")
    expect(page.locator("#customer-rows tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Ioana Mureșan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ioana Mureșan")
    customer = Customer.objects.for_workspace(cast.shop).get(email="ioana@example.com")
    assert page.url == f"{live_server.url}/w/alice/customers/{customer.pk}/"
