"""The secret key: generated once into the data dir when none is configured, then reused."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from tests.processes.helpers import REPO, process_env

PRINT_KEY = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
    "from django.conf import settings; print(settings.SECRET_KEY)"
)


def _key_of_a_fresh_process(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PRINT_KEY],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _env_without_key(data_dir: Path) -> dict[str, str]:
    env = process_env(data_dir)
    del env["CLIENTELA_SECRET_KEY"]
    return env


def test_a_key_is_generated_on_first_start_kept_private_and_reused_on_the_next(tmp_path):
    data_dir = tmp_path / "data"  # absent: the first start creates it

    first = _key_of_a_fresh_process(_env_without_key(data_dir))
    second = _key_of_a_fresh_process(_env_without_key(data_dir))

    key_file = data_dir / "secret_key"
    assert key_file.read_text() == first
    assert len(first) >= 50
    assert second == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in data_dir.iterdir()) == ["secret_key"]


def test_another_data_dir_gets_another_key(tmp_path):
    one = _key_of_a_fresh_process(_env_without_key(tmp_path / "one"))
    two = _key_of_a_fresh_process(_env_without_key(tmp_path / "two"))

    assert one != two


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {**_env_without_key(data_dir), "CLIENTELA_SECRET_KEY": "configured-by-the-admin"}

    assert _key_of_a_fresh_process(env) == "configured-by-the-admin"
    assert list(data_dir.iterdir()) == []
