"""Run a few child processes together and stop them together (used by `clientela serve`).

Each child gets its own process group, so a Ctrl-C in the terminal reaches only us and each
child is told once, with SIGTERM, to stop gracefully. A child that outlives the grace period
is killed with its whole group. On Linux each child also asks the kernel for SIGTERM should
we die without cleaning up, so no child is left orphaned even after a SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(child: Child, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        child.argv, cwd=cwd, process_group=0, preexec_fn=_die_with_parent
    )


def _signal_group(proc: subprocess.Popen[bytes], signum: int, *, leader_only: bool) -> None:
    with contextlib.suppress(ProcessLookupError):
        if leader_only:
            os.kill(proc.pid, signum)
        else:
            os.killpg(proc.pid, signum)


def _stop_all(procs: dict[str, subprocess.Popen[bytes]], timeout: float) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM, leader_only=True)
    deadline = time.monotonic() + timeout
    for proc in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    # Whatever is left of each group (a stuck child, a grandchild) goes now.
    for proc in procs.values():
        _signal_group(proc, signal.SIGKILL, leader_only=False)
        proc.wait()


def supervise(
    children: list[Child],
    *,
    cwd: Path,
    stop_timeout: float = 20.0,
    log: Callable[[str], None] = print,
) -> int:
    """Run the children until SIGINT/SIGTERM (exit 0) or until one of them exits (exit 1)."""
    stopping: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    failed = ""
    try:
        for child in children:
            procs[child.name] = _start(child, cwd)
            log(f"started {child.name} (pid {procs[child.name].pid})")
        while not stopping and not failed:
            failed = next((name for name, p in procs.items() if p.poll() is not None), "")
            time.sleep(0.2)
    finally:
        if failed:
            log(f"{failed} exited with status {procs[failed].returncode}: stopping the others")
        else:
            log("stopping…")
        _stop_all(procs, stop_timeout)
    log("stopped")
    return 1 if failed else 0
