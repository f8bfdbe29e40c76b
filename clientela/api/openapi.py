"""Operation ids as the published schema first named them.

Ninja names an operation after the module and the function that serve it, and clients
generate code from those names. The routers moved when the API was split per app
(`api/<app>/router.py`); each keeps the ids of the module it came from, so that the
schema, and the clients built on it, do not change with the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Router


def former_operation_id(module: str, view: Callable[..., Any]) -> str:
    """The id Ninja gave the operation of `view` when it lived in `module`."""
    return f"{module}.{view.__name__}".replace(".", "_")


def keep_operation_ids(router: Router, module: str) -> None:
    """Name each operation of `router` without an explicit id as Ninja did when its function
    lived in `module` (e.g. "clientela.api.routers.customers"). Call it after the last
    operation of the router is declared."""
    for view in router.path_operations.values():
        for operation in view.operations:
            if operation.operation_id is None:
                operation.operation_id = former_operation_id(module, operation.view_func)
