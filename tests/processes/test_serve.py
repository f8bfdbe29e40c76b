"""`clientela serve --all` runs the web server, a worker, the outbox sender, the clock and the
demo mail sink as real processes, and stops every one of them on a signal.

Each test starts six Django processes: a few seconds on an idle machine, much more on a
busy one, hence the `slow` mark.
"""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.processes.helpers import (
    clientela,
    copy_database,
    descendants,
    free_port,
    parent_of,
    process_env,
    start,
    still_running,
    stop,
    wait_for_http,
    wait_until_gone,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(migrated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_database(migrated, tmp_path_factory.mktemp("serve"))


@pytest.fixture
def serve_all(data_dir: Path):  # type: ignore[no-untyped-def]
    """Start `serve --all`; whatever the test does, it is stopped (then killed) at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def run(log_name: str) -> tuple[subprocess.Popen[bytes], int, int]:
        port, smtp_port = free_port(), free_port()
        env = process_env(data_dir, CLIENTELA_DEMO="1", CLIENTELA_EMAIL_PORT=str(smtp_port))
        proc = start("serve", "--all", "--port", str(port), "--workers", "1",
                     env=env, log=data_dir / log_name)  # fmt: skip
        started.append(proc)
        assert wait_for_http(f"http://127.0.0.1:{port}/health/", proc) == 200
        return proc, port, smtp_port

    yield run
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()  # its children follow by the parent-death signal
                proc.wait()


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return int(response.status)


def wait_for_children(pid: int, names: list[str], timeout: float = 20) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = descendants(pid)
        if all(any(name in cmd for cmd in found.values()) for name in names):
            return found
        time.sleep(0.2)
    raise AssertionError(f"not all of {names} started: {descendants(pid)}")


CHILDREN = [
    "gunicorn",
    "clientela.cli worker",
    "clientela.cli outbox_send",
    "clientela.cli clock",
    "clientela.cli mailsink",
]


def send_to_sink(port: int) -> None:
    message = EmailMessage()
    message["From"] = "shop@example.com"
    message["To"] = "ana.popescu@example.ro"
    message["Subject"] = "Mulțumim pentru comandă"
    message.set_content("Vă mulțumim!")
    deadline = time.monotonic() + 20
    while True:  # the sink may still be binding its port
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
                smtp.send_message(message)
            return
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, "the mail sink never listened"
            time.sleep(0.2)


def test_serve_all_stops_every_process_on_sigterm_and_exits_zero(serve_all, data_dir):
    proc, _, _ = serve_all("serve-term.log")
    children = wait_for_children(proc.pid, CHILDREN)
    assert len([cmd for cmd in children.values() if "gunicorn" in cmd]) == 2  # master, 1 worker

    assert stop(proc, signal.SIGTERM) == 0
    assert wait_until_gone(children) == {}
    log = (data_dir / "serve-term.log").read_text()
    assert "serve: stopped" in log and "exited with status" not in log


def test_ctrl_c_stops_serve_all_after_the_demo_sink_kept_a_message(serve_all, data_dir):
    proc, _, smtp_port = serve_all("serve-int.log")
    children = wait_for_children(proc.pid, CHILDREN)
    send_to_sink(smtp_port)

    assert stop(proc, signal.SIGINT) == 0
    assert wait_until_gone(children) == {}
    stored = sorted((data_dir / "mailsink").glob("*.eml"))
    assert len(stored) == 1
    text = stored[0].read_text()
    assert "Subject: =?utf-8?q?Mul=C8=9Bumim_pentru_comand=C4=83?=" in text
    assert "To: ana.popescu@example.ro" in text
    assert list((data_dir / "mailsink").glob("*.part")) == []


def test_a_child_that_dies_is_restarted_and_the_web_stays_up(serve_all, data_dir):
    proc, port, _ = serve_all("serve-crash.log")
    children = wait_for_children(proc.pid, CHILDREN)
    worker = next(pid for pid, cmd in children.items() if "clientela.cli worker" in cmd)

    os.kill(worker, signal.SIGKILL)

    # The web answers all along, and a new worker takes the old one's place.
    deadline = time.monotonic() + 30
    while True:
        assert get(f"http://127.0.0.1:{port}/health/") == 200
        again = [p for p, cmd in descendants(proc.pid).items() if "clientela.cli worker" in cmd]
        if again and worker not in again:
            break
        assert time.monotonic() < deadline, "the worker was not restarted"
        time.sleep(0.2)
    assert proc.poll() is None
    log = (data_dir / "serve-crash.log").read_text()
    assert "serve: worker exited with status -9: restarting it in 1 s" in log
    assert f"serve: restarted worker (pid {again[0]})" in log


def test_the_web_server_itself_comes_back_after_a_kill(serve_all, data_dir):
    proc, port, _ = serve_all("serve-web.log")
    children = wait_for_children(proc.pid, CHILDREN)
    master = next(
        pid for pid, cmd in children.items() if "gunicorn" in cmd and parent_of(pid) == proc.pid
    )

    os.kill(master, signal.SIGKILL)

    # Its orphaned worker may answer a moment longer; what counts is the new server.
    log_file = data_dir / "serve-web.log"
    deadline = time.monotonic() + 30
    while "serve: restarted web" not in log_file.read_text():
        assert time.monotonic() < deadline, "the web server was not restarted"
        time.sleep(0.2)
    assert wait_for_http(f"http://127.0.0.1:{port}/health/", proc, timeout=60) == 200
    assert master not in descendants(proc.pid)
    assert "serve: web exited with status -9: restarting it in 1 s" in log_file.read_text()
    new_master = [pid for pid in descendants(proc.pid) if parent_of(pid) == proc.pid]
    assert any("gunicorn" in cmd for pid, cmd in descendants(proc.pid).items() if pid in new_master)


# Run in the serve's own database: a workspace and one letter due `DELAY` seconds from now,
# written straight to the outbox, so that no task, wake or campaign is involved.
QUEUE_LATER = """
from datetime import timedelta
from django.utils import timezone
from clientela.accounts.models import User
from clientela.accounts.services import workspace_create
from clientela.mail.services import OutboxDraft, outbox_enqueue
owner = User.objects.create_user("later@example.com", "x" * 20, name="Later")
shop = workspace_create(name="Later", slug="later", owner=owner)
row = outbox_enqueue(workspace=shop, draft=OutboxDraft(
    to_address="ana.popescu@example.ro", subject="Due later", body_text="Vă mulțumim!",
    kind="transactional", source_type="test", source_id=None, dedup_key="later",
    not_before=timezone.now() + timedelta(seconds=DELAY)))
print("QUEUED", row.message_id, row.not_before.timestamp())
"""
DELAY = 4


def test_serve_all_sends_a_letter_that_falls_due_later_without_any_wake(serve_all, data_dir):
    proc, _, _ = serve_all("serve-later.log")
    wait_for_children(proc.pid, CHILDREN)
    script = QUEUE_LATER.replace("DELAY", str(DELAY))
    output = clientela("shell", "-c", script, env=process_env(data_dir))
    _, message_id, due = next(ln for ln in output.splitlines() if ln.startswith("QUEUED")).split()

    deadline = time.monotonic() + DELAY + 20
    found: list[Path] = []
    while not found and time.monotonic() < deadline:
        found = [
            path
            for path in (data_dir / "mailsink").glob("*.eml")
            if f"Message-ID: {message_id}" in path.read_text()
        ]
        time.sleep(0.2)

    assert len(found) == 1, "the sender never sent the letter"
    # Not before it fell due: the sink names each file by its arrival time.
    assert found[0].stat().st_mtime >= float(due)
    assert "Subject: Due later" in found[0].read_text()
    assert stop(proc, signal.SIGTERM) == 0


def test_children_do_not_outlive_a_killed_serve(serve_all, data_dir):
    proc, _, _ = serve_all("serve-killed.log")
    children = wait_for_children(proc.pid, CHILDREN)

    proc.kill()  # no chance to clean up: the kernel's parent-death signal must do it
    proc.wait(timeout=10)

    assert wait_until_gone(children, timeout=20) == {}


def test_serve_refuses_to_start_on_an_unmigrated_database(tmp_path):
    env = process_env(tmp_path)
    proc = start("serve", "--port", str(free_port()), env=env, log=tmp_path / "serve.log")
    assert proc.wait(timeout=60) == 1
    assert (
        "migrations are not applied: run `clientela migrate` first"
        in (tmp_path / "serve.log").read_text()
    )
    assert still_running(descendants(proc.pid)) == {}
