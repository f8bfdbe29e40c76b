"""Start `clientela` sub-commands as real processes, with bounded waits."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLIENTELA_")}
    env.update(
        CLIENTELA_DATA_DIR=str(data_dir),
        CLIENTELA_TESTING="1",
        CLIENTELA_SECRET_KEY="process-tests-only",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def copy_database(source: Path, target: Path) -> Path:
    """Copy the SQLite database of data directory `source` (with its WAL, if one was left)
    into data directory `target`; return `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in source.glob("clientela.sqlite3*"):
        shutil.copy2(part, target / part.name)
    return target


def clientela(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "clientela.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "clientela.cli", *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 240) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited early with {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces: the fields after its closing parenthesis are safe.
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> dict[int, str]:
    """Every live process under `root`, with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, str] = {}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found[child] = command_line(child)
            stack.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def still_running(processes: dict[int, str]) -> dict[int, str]:
    """Those of `processes` that still exist with the same command line (not zombies)."""
    alive = {}
    for pid, cmd in processes.items():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and command_line(pid) == cmd:
            alive[pid] = cmd
    return alive


def stop(proc: subprocess.Popen[bytes], signum: int = signal.SIGTERM, timeout: float = 60) -> int:
    # `serve` alone may wait 20 s for its children before it kills them, and on a loaded
    # machine (another pytest worker beside this one) each child takes seconds to exit.
    proc.send_signal(signum)
    return proc.wait(timeout=timeout)


def wait_until_gone(processes: dict[int, str], timeout: float = 10) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while still_running(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return still_running(processes)
