"""Rows for multi-row inserts, and updates by id, without building model instances.

Used for the tables that receive many rows in one import (orders, and the customers, their
addresses and timeline rows an orders import creates): Django's bulk_create builds an
instance and prepares every value of every field through the field API, which costs more
than the database does. The rows prepared here go to the database's `insert_*` (see `db`),
with values already adapted for it (`defaults`, `instance_rows`, `adapt_decimal`, the
database's `adapt_datetime`); the SQL is only column names of our own models.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models


def adapt_decimal(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value)


def defaults(model: type[models.Model], given: Collection[str]) -> tuple[list[str], list[Any]]:
    """The columns of `model` not in `given` (nor the id), with their defaults ready to insert.

    The same values `bulk_create` would write for fields left unset, prepared once per call:
    a default that is a callable (`timezone.now`) is called once, so a batch shares it.
    """
    columns: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.column or field.column in given:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def instance_rows(
    model: type[models.Model], objs: Sequence[models.Model]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns (all concrete ones but the id) and rows bulk_create would insert for `objs`.

    Each value is prepared by its field (`get_db_prep_save`), as bulk_create does, but
    without building and compiling an INSERT expression per value.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.column]
    prepare = [(f.attname, f.get_db_prep_save) for f in fields]
    rows = [tuple(save(getattr(obj, name), connection) for name, save in prepare) for obj in objs]
    return [f.column or "" for f in fields], rows


def update_by_id(
    model: type[models.Model], workspace_id: int, fields: Sequence[str], objs: Sequence[Any]
) -> None:
    """Write `fields` of each of `objs` (instances of `model` in the workspace) by id.

    One statement, run for every object (executemany: pipelined on PostgreSQL). Django's
    bulk_update writes one CASE expression per field naming every object, which the
    database evaluates for each row, and builds thousands of ORM expressions to do it:
    updating 20,000 customers so took 70 s.
    """
    if not objs:
        return
    quote = connection.ops.quote_name
    by_name = {key: f for f in model._meta.concrete_fields for key in (f.name, f.attname)}
    concrete = [by_name[name] for name in fields]
    # Only names of our own table and columns go into the SQL text.
    sets = ", ".join(f"{quote(field.column or '')} = %s" for field in concrete)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {sets}"  # noqa: S608
        f" WHERE {quote('id')} = %s AND {quote('workspace_id')} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete]
        + [obj.pk, workspace_id]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
