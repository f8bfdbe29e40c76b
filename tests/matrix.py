"""The permission matrices' runner: who calls, what each caller gets, and whether the policy
agrees with every refusal.

tests/web/test_permissions.py asks every page as each role and tests/api/test_permissions.py
every operation as each caller; both hold the answers with `assert_statuses`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from clientela.accounts.models import Role, User
from tests.conftest import Cast
from tests.policy import refusals

K = TypeVar("K", bound=Hashable)

# Who calls: nobody at all, the outsider (the owner of another shop), and the members of
# the shop by role, lowest first.
ROLES = ("anonymous", "outsider", "viewer", "agent", "manager", "owner")


def allowed(outsider: int, viewer: int, agent: int, manager: int, owner: int) -> dict[str, int]:
    """The status each caller of the API gets; a call without a token is always a 401."""
    return {
        "anonymous": 401,
        "outsider": outsider,
        "viewer": viewer,
        "agent": agent,
        "manager": manager,
        "owner": owner,
    }


# The API's two most common rows: a list every caller reads (the outsider their own shop's),
# and an object of the shop, which the outsider cannot see.
READ_ALL = allowed(200, 200, 200, 200, 200)
READ_OBJECT = allowed(404, 200, 200, 200, 200)


def user_of(cast: Cast, role: str) -> User | None:
    """The user who calls as `role` (None: nobody is signed in)."""
    if role == "anonymous":
        return None
    return cast.outsider if role == "outsider" else cast.member(Role(role))


def assert_statuses(
    calls: Mapping[K, Callable[[], Any]], expected: Mapping[K, int]
) -> dict[K, Any]:
    """Make every call; each answers its expected status, and the 403s are exactly the calls
    a policy rule refused (a page or a service), so the matrix and the policy agree.
    Returns the responses."""
    responses, refused = {}, set()
    for key, call in calls.items():
        with refusals() as raised:
            responses[key] = call()
        refused |= {key} if raised else set()
    seen = {key: response.status_code for key, response in responses.items()}
    wrong = {key: responses[key].content[:300] for key in seen if seen[key] != expected.get(key)}
    assert seen == dict(expected), wrong
    assert {key for key, status in seen.items() if status == 403} == refused
    return responses
