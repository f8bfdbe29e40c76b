"""Run a few child processes together and stop them together (used by `clientela serve`).

A child that dies is started again, after a pause that doubles with each quick death (1 s,
2 s, 4 s ... at most a minute) and goes back to one second once the child has stayed up a
minute: a crashing sender must not take the web down with it, and a child that cannot
start must not spin the machine. Every death and restart is logged.

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


@dataclass(frozen=True)
class Backoff:
    """How long to wait before restarting a child that died."""

    first: float = 1.0
    longest: float = 60.0
    # A child that stayed up this long died of something new: start again from `first`.
    healthy_after: float = 60.0

    def next(self, previous: float, uptime: float) -> float:
        if uptime >= self.healthy_after or previous <= 0:
            return self.first
        return min(self.longest, previous * 2)


@dataclass
class _Running:
    child: Child
    proc: subprocess.Popen[bytes]
    started: float
    delay: float = 0.0  # the last pause before a restart, 0 before the first death
    restart_at: float | None = None  # set while the child is dead and waiting


def supervise(
    children: list[Child],
    *,
    cwd: Path,
    stop_timeout: float = 20.0,
    backoff: Backoff = Backoff(),
    log: Callable[[str], None] = print,
) -> int:
    """Run the children until SIGINT/SIGTERM (exit 0), restarting any that dies."""
    stopping: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    running: dict[str, _Running] = {}
    try:
        for child in children:
            running[child.name] = _Running(child, _start(child, cwd), time.monotonic())
            log(f"started {child.name} (pid {running[child.name].proc.pid})")
        while not stopping:
            for name, run in running.items():
                _tend(name, run, cwd, backoff, log)
            time.sleep(0.2)
    finally:
        log("stopping…")
        _stop_all({name: run.proc for name, run in running.items()}, stop_timeout)
    log("stopped")
    return 0


def _tend(
    name: str, run: _Running, cwd: Path, backoff: Backoff, log: Callable[[str], None]
) -> None:
    """Notice a child's death and schedule its restart; restart it when its pause is over."""
    now = time.monotonic()
    if run.restart_at is None:
        if run.proc.poll() is None:
            return
        run.delay = backoff.next(run.delay, now - run.started)
        run.restart_at = now + run.delay
        # Whatever the dead child left in its group (a gunicorn worker) goes with it.
        _signal_group(run.proc, signal.SIGKILL, leader_only=False)
        log(f"{name} exited with status {run.proc.returncode}: restarting it in {run.delay:g} s")
    elif now >= run.restart_at:
        run.proc = _start(run.child, cwd)
        run.started, run.restart_at = now, None
        log(f"restarted {name} (pid {run.proc.pid})")
