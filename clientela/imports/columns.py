"""Our own columns: their names in English and Romanian, and the values of the few columns
that take a word (no Django). The docstring of `schema` lists them.
"""

from __future__ import annotations

CUSTOMER_ALIASES = {
    **dict.fromkeys(
        ["external_id", "id", "cod_client", "id_client", "customer_id", "client_id"], "external_id"
    ),
    **dict.fromkeys(["first_name", "prenume", "firstname", "given_name"], "first_name"),
    **dict.fromkeys(["last_name", "nume", "lastname", "surname", "nume_de_familie"], "last_name"),
    **dict.fromkeys(
        [
            "email",
            "e_mail",
            "mail",
            "email_address",
            "adresa_de_email",
            "adresa_email",
            "adresa_de_e_mail",
            "adresa_e_mail",
        ],
        "email",
    ),
    **dict.fromkeys(["phone", "telefon", "tel", "mobil", "phone_number"], "phone"),
    **dict.fromkeys(["address", "adresa", "address_line", "strada"], "address"),
    **dict.fromkeys(["city", "oras", "localitate"], "city"),
    **dict.fromkeys(["postal_code", "cod_postal", "zip", "zip_code", "postcode"], "postal_code"),
    **dict.fromkeys(["country", "tara"], "country"),
    **dict.fromkeys(["language", "limba"], "language"),
    **dict.fromkeys(["tags", "etichete", "tag"], "tags"),
}
ORDER_ALIASES = {
    **dict.fromkeys(
        [
            "external_id",
            "order_id",
            "id_comanda",
            "nr_comanda",
            "numar_comanda",
            "comanda",
            "order_number",
            "id",
        ],
        "external_id",
    ),
    **dict.fromkeys(
        ["customer_external_id", "id_client", "cod_client", "client_id", "customer_id"],
        "customer_external_id",
    ),
    **dict.fromkeys(["customer_email", "email", "e_mail", "email_client"], "customer_email"),
    **dict.fromkeys(
        ["placed_at", "data", "date", "order_date", "data_comenzii", "created_at"], "placed_at"
    ),
    **dict.fromkeys(["status", "stare"], "status"),
    **dict.fromkeys(["currency", "moneda"], "currency"),
    **dict.fromkeys(["total", "suma", "valoare", "amount"], "total"),
}
# Text columns and their maximum lengths (those of the Customer model).
CUSTOMER_TEXT = {
    "external_id": 100,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "address": 200,
    "city": 100,
    "postal_code": 20,
}
LANGUAGES = {
    "ro": "ro",
    "romana": "ro",
    "română": "ro",
    "en": "en",
    "english": "en",
    "engleza": "en",
    "engleză": "en",
}
STATUSES = {
    "placed": "placed",
    "plasata": "placed",
    "plasată": "placed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "anulata": "cancelled",
    "anulată": "cancelled",
    "refunded": "refunded",
    "returnata": "refunded",
    "returnată": "refunded",
    "rambursata": "refunded",
    "rambursată": "refunded",
}
