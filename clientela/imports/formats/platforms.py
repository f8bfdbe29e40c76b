"""The layouts: ours, and the exports of Shopify, WooCommerce and PrestaShop.

Where each comes from (the columns as the shops' own code and documentation name them):
- Shopify, Orders > Export: one row per line item, the order's fields on its first row
  only ("Name" #1001, "Email", "Financial Status", "Created at" 2024-03-01 14:22:05 +0200,
  "Total", "Refunded Amount", "Cancelled at", "Accepts Marketing", "Billing …").
  Customers > Export: "First Name", "Last Name", "Email", "Accepts Email Marketing"
  ("Accepts Marketing" in older files), "Default Address …" ("Address1", "City", "Zip",
  "Country Code" in older files), "Phone", "Total Spent", "Total Orders", "Tags".
- WooCommerce: Analytics > Customers > Download: "Name", "Username", "Last Active",
  "Sign Up", "Email", "Orders", "Total Spend", "AOV", "Country / Region", "City", "Region",
  "Postal Code", "Billing Phone". Its order list has no customer e-mail, so orders come from
  the usual export plugins: "Advanced Order Export For WooCommerce" ("Order Number",
  "Order Status", "Order Date", "First Name (Billing)", "Email (Billing)", "Order Total
  Amount", "Order Refund Amount", "Currency") and "Customer/Order CSV Export"
  ("order_number", "order_date", "status", "billing_email", "order_total").
- PrestaShop, back office lists > Export (semicolons): Customers: "ID", "Social title",
  "First name", "Last name", "Email address", "Company", "Sales", "Enabled", "Newsletter",
  "Partner offers", "Registration", "Last visit". Orders: "ID", "Reference", "New client",
  "Delivery", "Customer" (shown as "I. Popescu": no e-mail), "Total" (formatted, with its
  currency), "Payment", "Status" (the shop's own names), "Date".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clientela.imports.columns import CUSTOMER_ALIASES, ORDER_ALIASES, STATUSES
from clientela.imports.formats import Column, Format
from clientela.imports.reader import header_key

PLACED, CANCELLED, REFUNDED = "placed", "cancelled", "refunded"

EMAIL = _("the customer's e-mail address")
MARKETING = _("yes/no: consent to promotions by e-mail, recorded with the file as its source")


def _ours_status(text: str, cancelled_at: str) -> str | None:
    return STATUSES.get(text.lower())


def _shopify_status(text: str, cancelled_at: str) -> str | None:
    financial = header_key(text)
    if financial == "refunded":
        return REFUNDED
    if cancelled_at.strip():
        return CANCELLED
    return {
        "paid": PLACED,
        "pending": PLACED,
        "authorized": PLACED,
        "partially_paid": PLACED,
        "partially_refunded": PLACED,  # the total drops by the refunded amount
        "voided": CANCELLED,
        "expired": CANCELLED,
        "": PLACED,
    }.get(financial)


WOO_STATUSES = {
    **dict.fromkeys(
        [
            "completed",
            "processing",
            "on_hold",
            "pending",
            "pending_payment",
            "finalizata",
            "finalizat",
            "in_procesare",
            "procesare",
            "in_asteptare",
            "plata_in_asteptare",
            "in_asteptarea_platii",
        ],
        PLACED,
    ),
    **dict.fromkeys(["cancelled", "failed", "anulata", "anulat", "esuata", "esuat"], CANCELLED),
    **dict.fromkeys(["refunded", "rambursata", "rambursat"], REFUNDED),
}


def _woo_status(text: str, cancelled_at: str) -> str | None:
    key = header_key(text)
    return WOO_STATUSES.get(key.removeprefix("wc_"))


def _prestashop_status(text: str, cancelled_at: str) -> str | None:
    """PrestaShop's statuses are the shop's own names, in its language: read by their words."""
    key = header_key(text)
    if not key:
        return None
    if "cancel" in key or "anulat" in key or "payment_error" in key or "eroare" in key:
        return CANCELLED
    if "refund" in key or "rambursa" in key:
        return REFUNDED
    return PLACED


def _ours(kind: str) -> Format:
    customers = kind == "customers"
    columns = (
        (
            Column("external_id", _("your id of the customer (or email)"), "C1001"),
            Column("first_name", _("first name"), "Ștefan"),
            Column("last_name", _("last name"), "Țăranu"),
            Column("email", EMAIL, "stefan@example.ro"),
            Column("phone", _("phone"), "+40722000001"),
            Column("address", _("street address"), "Str. Mărășești 1"),
            Column("city", _("city"), "Brașov"),
            Column("postal_code", _("postal code"), "500001"),
            Column("country", _("two letters, RO if empty"), "RO"),
            Column("language", _("ro or en"), "ro"),
            Column("tags", _("names separated by |"), "vip|fidel"),
            Column("accepts_marketing", MARKETING, "yes"),
        )
        if customers
        else (
            Column("external_id", _("the order's number (required)"), "1001"),
            Column("customer_external_id", _("your id of the customer"), "C1001"),
            Column("customer_email", EMAIL, "stefan@example.ro"),
            Column(
                "placed_at",
                _(
                    "2024-12-31 10:00 or 31.12.2024 10:00, in the workspace's time zone "
                    "unless an offset is given (required)"
                ),
                "2024-03-01 14:22",
            ),
            Column("status", _("placed, cancelled or refunded"), "placed"),
            Column("currency", _("three letters, the workspace's if empty"), "RON"),
            Column("total", _("1234.50 or 1.234,50 (required)"), "249.90"),
        )
    )
    return Format(
        key="clientela",
        kind=kind,
        label=str(_("Clientela")),
        aliases={**(CUSTOMER_ALIASES if customers else ORDER_ALIASES), **_OURS_EXTRA},
        signatures=(),
        columns=columns,
        status=None if customers else _ours_status,
        statuses_known="placed, cancelled, refunded",
    )


_OURS_EXTRA = {
    **dict.fromkeys(
        ["accepts_marketing", "marketing", "accepta_marketing", "newsletter", "abonat_newsletter"],
        "accepts_marketing",
    )
}
OURS = {"customers": _ours("customers"), "orders": _ours("orders")}

_BILLING_ORDER = _("the customer's name and address when the order creates the customer")

SHOPIFY_ORDERS = Format(
    key="shopify",
    kind="orders",
    label="Shopify",
    aliases={
        "name": "external_id",
        "email": "customer_email",
        "financial_status": "status",
        "cancelled_at": "cancelled_at",
        "created_at": "placed_at",
        "currency": "currency",
        "total": "total",
        "refunded_amount": "refunded",
        "accepts_marketing": "accepts_marketing",
        "billing_name": "full_name",
        "billing_address1": "address",
        "billing_address2": "address2",
        "billing_city": "city",
        "billing_zip": "postal_code",
        "billing_country": "country",
        "billing_phone": "phone",
    },
    signatures=(frozenset({"name", "financial_status", "lineitem_quantity", "created_at"}),),
    columns=(
        Column("Name", _("the order's number"), "#1001"),
        Column("Email", EMAIL, "stefan@example.ro"),
        Column(
            "Financial Status",
            _(
                "paid, pending, authorized, partially_paid: placed; partially_refunded: placed, "
                "less the refunded amount; refunded; voided: cancelled"
            ),
            "paid",
        ),
        Column("Accepts Marketing", MARKETING, "yes"),
        Column("Currency", _("three letters"), "RON"),
        Column("Total", _("the order's total"), "249.90"),
        Column("Created at", _("the time, with its UTC offset"), "2024-03-01 14:22:05 +0200"),
        Column("Lineitem quantity", _("read only to recognise the layout"), "1"),
        Column("Billing Name", _BILLING_ORDER, "Ștefan Țăranu"),
        Column("Billing Address1", _BILLING_ORDER, "Str. Mărășești 1"),
        Column("Billing Address2", _BILLING_ORDER, "ap. 4"),
        Column("Billing City", _BILLING_ORDER, "Brașov"),
        Column("Billing Zip", _BILLING_ORDER, "500001"),
        Column("Billing Country", _("two letters"), "RO"),
        Column("Billing Phone", _BILLING_ORDER, "+40722000001"),
        Column("Cancelled at", _("a cancelled order when filled in"), ""),
        Column("Refunded Amount", _("what was refunded"), "0.00"),
    ),
    status=_shopify_status,
    statuses_known=(
        "paid, pending, authorized, partially_paid, partially_refunded, refunded, voided"
    ),
    grouped=True,
    notes=(
        _(
            "Each line item is a row; the order's fields are on its first row. "
            "One order is imported per order."
        ),
    ),
)

SHOPIFY_CUSTOMERS = Format(
    key="shopify",
    kind="customers",
    label="Shopify",
    aliases={
        "customer_id": "external_id",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "accepts_email_marketing": "accepts_marketing",
        "accepts_marketing": "accepts_marketing",
        "default_address_address1": "address",
        "default_address_address2": "address2",
        "default_address_city": "city",
        "default_address_zip": "postal_code",
        "default_address_country_code": "country",
        "default_address_phone": "address_phone",
        "address1": "address",
        "address2": "address2",
        "city": "city",
        "zip": "postal_code",
        "country_code": "country",
        "phone": "phone",
        "tags": "tags",
    },
    signatures=(frozenset({"email", "total_spent", "total_orders"}),),
    columns=(
        Column("First Name", _("first name"), "Ștefan"),
        Column("Last Name", _("last name"), "Țăranu"),
        Column("Email", EMAIL, "stefan@example.ro"),
        Column("Accepts Email Marketing", MARKETING, "yes"),
        Column("Default Address Address1", _("street address"), "Str. Mărășești 1"),
        Column("Default Address Address2", _("appended to the street address"), "ap. 4"),
        Column("Default Address City", _("city"), "Brașov"),
        Column("Default Address Country Code", _("two letters"), "RO"),
        Column("Default Address Zip", _("postal code"), "500001"),
        Column("Default Address Phone", _("phone, when Phone is empty"), ""),
        Column("Phone", _("phone"), "+40722000001"),
        Column("Total Spent", _("read only to recognise the layout"), "249.90"),
        Column("Total Orders", _("read only to recognise the layout"), "1"),
        Column("Tags", _("names separated by commas"), "vip, fidel"),
    ),
    tag_separator=",",
)

WOO_ORDERS = Format(
    key="woocommerce",
    kind="orders",
    label="WooCommerce",
    aliases={
        # Advanced Order Export For WooCommerce
        "order_number": "external_id",
        "order_status": "status",
        "order_date": "placed_at",
        "email_billing": "customer_email",
        "first_name_billing": "first_name",
        "last_name_billing": "last_name",
        "full_name_billing": "full_name",
        "address_1_billing": "address",
        "address_1_2_billing": "address",
        "address_2_billing": "address2",
        "city_billing": "city",
        "zip_billing": "postal_code",
        "postcode_billing": "postal_code",
        "country_code_billing": "country",
        "phone_billing": "phone",
        "order_total_amount": "total",
        "order_refund_amount": "refunded",
        "currency": "currency",
        # Customer/Order CSV Export
        "status": "status",
        "billing_email": "customer_email",
        "billing_first_name": "first_name",
        "billing_last_name": "last_name",
        "billing_address_1": "address",
        "billing_address_2": "address2",
        "billing_city": "city",
        "billing_postcode": "postal_code",
        "billing_country": "country",
        "billing_phone": "phone",
        "order_total": "total",
        "refunded_total": "refunded",
        "order_currency": "currency",
    },
    signatures=(
        frozenset({"order_number", "order_status", "order_date", "email_billing"}),
        frozenset({"order_number", "order_date", "billing_email", "order_total"}),
    ),
    columns=(
        Column("Order Number", _("the order's number"), "1001"),
        Column(
            "Order Status",
            _(
                "completed, processing, on hold, pending: placed; cancelled, failed: cancelled; "
                "refunded (also in Romanian)"
            ),
            "Completed",
        ),
        Column("Order Date", _("the shop's local time"), "2024-03-01 14:22"),
        Column("First Name (Billing)", _BILLING_ORDER, "Ștefan"),
        Column("Last Name (Billing)", _BILLING_ORDER, "Țăranu"),
        Column("Address 1 (Billing)", _BILLING_ORDER, "Str. Mărășești 1"),
        Column("Address 2 (Billing)", _BILLING_ORDER, "ap. 4"),
        Column("City (Billing)", _BILLING_ORDER, "Brașov"),
        Column("Postcode (Billing)", _BILLING_ORDER, "500001"),
        Column("Country Code (Billing)", _("two letters"), "RO"),
        Column("Email (Billing)", EMAIL, "stefan@example.ro"),
        Column("Phone (Billing)", _BILLING_ORDER, "0722000001"),
        Column("Order Refund Amount", _("a partial refund lowers the total"), "0"),
        Column("Order Total Amount", _("the order's total"), "249.90"),
        Column("Currency", _("three letters"), "RON"),
    ),
    status=_woo_status,
    statuses_known="completed, processing, on-hold, pending, cancelled, failed, refunded",
    grouped=True,
    notes=(
        _(
            "The columns of the “Advanced Order Export For WooCommerce” plugin; those of "
            "“Customer/Order CSV Export” (order_number, billing_email, order_total…) too. "
            "An order exported as one row per product is imported once."
        ),
    ),
)

WOO_CUSTOMERS = Format(
    key="woocommerce",
    kind="customers",
    label="WooCommerce",
    aliases={
        "name": "full_name",
        "email": "email",
        "country_region": "country",
        "city": "city",
        "postal_code": "postal_code",
        "billing_phone": "phone",
    },
    signatures=(frozenset({"username", "email", "total_spend", "aov"}),),
    columns=(
        Column("Name", _("first and last name"), "Ștefan Țăranu"),
        Column("Username", _("read only to recognise the layout"), "stefan"),
        Column("Email", EMAIL, "stefan@example.ro"),
        Column("Total Spend", _("read only to recognise the layout"), "249.90"),
        Column("AOV", _("read only to recognise the layout"), "249.90"),
        Column("Country / Region", _("two letters"), "RO"),
        Column("City", _("city"), "Brașov"),
        Column("Postal Code", _("postal code"), "500001"),
        Column("Billing Phone", _("phone"), "0722000001"),
    ),
    notes=(_("Analytics > Customers > Download in WooCommerce."),),
)

PRESTASHOP_CUSTOMERS = Format(
    key="prestashop",
    kind="customers",
    label="PrestaShop",
    aliases={
        "id": "external_id",
        "first_name": "first_name",
        "last_name": "last_name",
        "email_address": "email",
        "newsletter": "accepts_marketing",
    },
    signatures=(frozenset({"social_title", "email_address", "partner_offers"}),),
    columns=(
        Column("ID", _("PrestaShop's id of the customer"), "17"),
        Column("Social title", _("read only to recognise the layout"), "Mr."),
        Column("First name", _("first name"), "Ștefan"),
        Column("Last name", _("last name"), "Țăranu"),
        Column("Email address", EMAIL, "stefan@example.ro"),
        Column("Newsletter", _("1 or 0: consent to promotions by e-mail"), "1"),
        Column("Partner offers", _("read only to recognise the layout"), "0"),
    ),
    delimiter=";",
)

PRESTASHOP_ORDERS = Format(
    key="prestashop",
    kind="orders",
    label="PrestaShop",
    aliases={
        "id": "external_id",
        "customer": "customer_name",
        "total": "total",
        "status": "status",
        "date": "placed_at",
    },
    signatures=(frozenset({"reference", "new_client", "customer", "payment", "status"}),),
    columns=(
        Column("ID", _("the order's number"), "1001"),
        Column("Reference", _("read only to recognise the layout"), "XKBKNABJK"),
        Column("New client", _("read only to recognise the layout"), "1"),
        Column(
            "Customer",
            _(
                "as the order list shows it (I. Popescu): matched to the one customer of that "
                "initial and last name, created when there is none"
            ),
            "Ș. Țăranu",
        ),
        Column("Total", _("with its currency"), "249,90 lei"),
        Column("Payment", _("read only to recognise the layout"), "Ramburs"),
        Column(
            "Status",
            _(
                "the shop's names: cancelled, refunded and payment errors are read by their "
                "words, any other is placed"
            ),
            "Livrat",
        ),
        Column("Date", _("the shop's local time"), "2024-03-01 14:22:05"),
    ),
    status=_prestashop_status,
    delimiter=";",
    notes=(
        _(
            "Import the customers' export first: the orders name their customer only by "
            "initial and last name."
        ),
    ),
)

FORMATS = (
    SHOPIFY_CUSTOMERS,
    SHOPIFY_ORDERS,
    WOO_CUSTOMERS,
    WOO_ORDERS,
    PRESTASHOP_CUSTOMERS,
    PRESTASHOP_ORDERS,
)
