"""`clientela workspace create`, `member add` and `token create`."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from clientela.accounts.models import ApiToken, Membership, User
from tests.processes.helpers import REPO, process_env

MEMBERS_SQL = (
    "SELECT w.slug, u.email, m.role FROM accounts_membership m "
    "JOIN accounts_workspace w ON w.id = m.workspace_id "
    "JOIN accounts_user u ON u.id = m.user_id ORDER BY m.id"
)


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "clientela.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow  # four processes, each loading Django; about 20 s on a busy machine
def test_a_new_shop_its_team_and_a_token_from_the_command_line(migrated_data_dir: Path) -> None:
    env = process_env(migrated_data_dir)

    made = _run(env, "workspace", "create", "--slug", "brutarie", "--name", "Brutăria",
                "--owner", "Ioana@Example.com")  # fmt: skip
    _run(env, "workspace", "create", "--slug", "dan", "--name", "Dan", "--owner", "dan@example.com")
    added = _run(env, "member", "add", "--workspace", "brutarie", "--email", "dan@example.com",
                 "--role", "agent")  # fmt: skip
    secret = _run(env, "token", "create", "--email", "dan@example.com", "--workspace", "brutarie",
                  "--name", "Script").strip()  # fmt: skip

    password = re.fullmatch(
        r"Created the workspace brutarie, owned by ioana@example.com.\n"
        r"New user ioana@example.com, password: (\S+) \(shown once; change it after login\)\n",
        made,
    )
    assert password is not None
    assert added == "dan@example.com is now Agent in brutarie.\n"
    assert re.fullmatch(r"clt_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}", secret)
    with sqlite3.connect(migrated_data_dir / "clientela.sqlite3") as db:
        assert db.execute(MEMBERS_SQL).fetchall() == [
            ("brutarie", "ioana@example.com", "owner"),
            ("dan", "dan@example.com", "owner"),
            ("brutarie", "dan@example.com", "agent"),
        ]
        [(hashed,)] = db.execute(
            "SELECT password FROM accounts_user WHERE email = 'ioana@example.com'"
        ).fetchall()
        [(name, prefix, digest)] = db.execute(
            "SELECT name, prefix, digest FROM accounts_apitoken"
        ).fetchall()
    assert check_password(password.group(1), hashed)
    assert (name, prefix) == ("Script", secret.split("_")[1])
    assert secret.split("_", 2)[2] not in digest


def _call(line: str) -> str:
    out = io.StringIO()
    call_command(*line.split(), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_an_existing_owner_keeps_their_password(cast):
    out = _call("workspace create --slug second --name Second --owner alice@example.com")
    assert out == "Created the workspace second, owned by alice@example.com.\n"
    assert User.objects.count() == 5
    assert Membership.objects.get(workspace__slug="second").user == cast.owner


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            "workspace create --slug alice --name X --owner x@example.com",
            "The workspace alice already exists",
        ),
        (
            "workspace create --slug Not_A_Slug --name X --owner x@example.com",
            "Not a valid slug: Not_A_Slug",
        ),
        (
            "member add --workspace alice --email bob@example.com --role viewer",
            "bob@example.com is already a member of this workspace.",
        ),
        (
            "member add --workspace alice --email nobody@example.com --role agent",
            "No user with the e-mail nobody@example.com",
        ),
        (
            "member add --workspace nowhere --email bob@example.com --role agent",
            "No workspace nowhere",
        ),
        (
            "token create --email charlie@example.com --workspace alice --name S",
            "charlie@example.com is not a member of alice",
        ),
    ],
)
def test_commands_refuse_with_a_reason_and_change_nothing(cast, args, error):
    before = list(Membership.objects.values_list("workspace__slug", "user__email", "role"))
    with pytest.raises(CommandError, match=re.escape(error)):
        _call(args)
    assert list(Membership.objects.values_list("workspace__slug", "user__email", "role")) == before
    assert User.objects.count() == 5
    assert ApiToken.objects.count() == 0
