"""`clientela retention fit|score --summary FILE.csv` end to end, against Lifetimes, same file.

    uv run --group bench python bench/retention_cli.py [--rows 1000000] [--repeats 5]
        [--peer-repeats 3] [--tasks fit,score] [--before main] [--phases]

The file: customers simulated from BG/NBD with the CDNOW estimates (bench/retention_fit.py's
`simulate`), written in Lifetimes' columns (`ID,frequency,recency,T`) with two decimals, the
layout of the CDNOW summary file that Lifetimes ships. Every run is a new process, timed from
its start to its exit, its output written to a file: interpreter start, imports, reading the
CSV, the fit and the output, as a user runs it.

- ours: `clientela retention fit --summary FILE` (prints the BG/NBD estimates), and
  `clientela retention score --summary FILE --horizon 39` (fits, then prints P(alive) and the
  expected purchases in the next 39 weeks of every customer).
- Lifetimes: the script its documentation leads to: `pandas.read_csv`, `BetaGeoFitter().fit`
  and its parameters printed; for score, the same fit, then `conditional_probability_alive` and
  `conditional_expected_number_of_purchases_up_to_time(39, ...)` written with `to_csv`.
- before (`--before REF`): our command as it was at a git ref (a temporary worktree of it, run
  with this checkout's environment), to show what the change bought.

Wall time is what the user waits; CPU time (user + system of the process) is shown next to it
because this machine is shared and the wall time of a run swings with the other load. Medians
of the repeats. Both sides run with their bytecode cached (one untimed run first, with
PYTHONDONTWRITEBYTECODE removed), as an installed program runs, and with one BLAS thread
(see bench/retention_fit.py: extra OpenBLAS threads cost more than they save here).
`--phases` prints where a run of ours spends its CPU, phase by phase, in a fresh process.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
HORIZON = "39"

LIFETIMES_FIT = """
import sys
import pandas as pd
from lifetimes import BetaGeoFitter
data = pd.read_csv(sys.argv[1])
model = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
print(model.params_.to_dict())
"""

LIFETIMES_SCORE = (
    LIFETIMES_FIT
    + """
args = (data["frequency"], data["recency"], data["T"])
scores = pd.DataFrame({
    "id": data["ID"],
    "p_alive": model.conditional_probability_alive(*args),
    "expected_purchases": model.conditional_expected_number_of_purchases_up_to_time(
        float(sys.argv[2]), *args
    ),
})
scores.to_csv(sys.stdout, sep="\\t", index=False, float_format="%.4f")
"""
)


def write_summary(rows: int, path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from retention_fit import simulate

    d = simulate(rows)
    with path.open("w") as handle:
        handle.write("ID,frequency,recency,T\n")
        table = np.column_stack([np.arange(1, rows + 1), d["x"], d["t_x"], d["T"]])
        np.savetxt(handle, table, fmt=["%d", "%d", "%.2f", "%.2f"], delimiter=",")


def commands(task: str, summary: Path, before: Path | None) -> dict[str, tuple[list[str], Path]]:
    """Each side's command line and working directory."""
    python = sys.executable
    ours = [python, "-m", "clientela.cli", "retention", task, "--summary", str(summary)]
    if task == "score":
        ours += ["--horizon", HORIZON]
    peer_script = LIFETIMES_FIT if task == "fit" else LIFETIMES_SCORE
    sides = {
        "ours": (ours, ROOT),
        "Lifetimes": ([python, "-c", peer_script, str(summary), HORIZON], ROOT),
    }
    if before is not None:
        sides["before"] = (ours, before)
    return sides


def run_once(cmd: list[str], cwd: Path, out: Path, timeout: float) -> tuple[float, float]:
    """Wall and CPU seconds of one run; its output goes to `out`."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(cwd)  # `before` imports its own tree, not this checkout
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("w") as handle:
        subprocess.run(
            cmd, cwd=cwd, env=env, stdout=handle, stderr=subprocess.PIPE, timeout=timeout,
            check=True,
        )  # fmt: skip
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)


def measure(cmd: list[str], cwd: Path, out: Path, repeats: int, timeout: float) -> dict[str, Any]:
    try:
        run_once(cmd, cwd, out, timeout)  # untimed: caches the bytecode, warms the page cache
        runs = [run_once(cmd, cwd, out, timeout) for _ in range(repeats)]
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    except subprocess.CalledProcessError as exc:
        return {"error": (exc.stderr.decode().strip().splitlines() or ["?"])[-1][:70]}
    return {
        "wall": statistics.median(w for w, _ in runs),
        "cpu": statistics.median(c for _, c in runs),
        "n": len(runs),
        "first_line": out.read_text().split("\n", 1)[0][:100],
    }


def _cell(m: dict[str, Any]) -> str:
    if "timeout" in m:
        return f"timed out ({m['timeout']:.0f} s)"
    if "error" in m:
        return f"failed: {m['error']}"
    return f"{m['wall']:6.2f} s ({m['cpu']:5.2f} CPU, n={m['n']})"


def _ratio(peer: dict[str, Any], ours: dict[str, Any], key: str) -> str:
    if key in peer and key in ours:
        return f"{peer[key] / ours[key]:.1f}x"
    return "-"


def phases(summary: Path) -> None:
    """Where a run of ours spends its CPU, in a fresh process (`--phases-of FILE`)."""
    clock = time.process_time
    marks = [("", 0.0), ("interpreter start, import numpy", clock())]
    from clientela.retention import engine, file_commands
    from clientela.retention.score_text import score_lines

    marks.append(("import scipy.special, our modules", clock()))
    data = file_commands.read_summary(summary, with_ids=False)
    marks.append(("read the CSV (as fit does: no ids)", clock()))
    import scipy.optimize  # noqa: F401

    marks.append(("import scipy.optimize", clock()))
    fit = engine.fit("bgnbd", data.x, data.t_x, data.T)
    marks.append(("fit BG/NBD", clock()))
    data = file_commands.read_summary(summary)
    marks.append(("read the CSV with its ids (score only)", clock()))
    scores = engine.score("bgnbd", fit.parameters, data.x, data.t_x, data.T, float(HORIZON))
    marks.append(("score (score only)", clock()))
    assert data.ascii_ids is not None
    text = score_lines(data.ascii_ids, scores.p_alive, scores.expected_purchases) or ""
    marks.append((f"format {len(text) / 2**20:.0f} MiB of scores (score only)", clock()))
    print(f"CPU seconds of a run of ours on {summary.name}:")
    for (_, before), (label, after) in itertools.pairwise(marks):
        print(f"  {label:<45}{after - before:6.3f}")
    print(f"  {'total, interpreter start included':<45}{clock():6.3f}")


def git_worktree(ref: str, into: Path) -> Path:
    path = into / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), ref],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-repeats", type=int, default=3)
    parser.add_argument("--tasks", default="fit,score")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--before", metavar="REF", help="also time our command at this git ref")
    parser.add_argument("--phases", action="store_true", help="where our run spends its CPU")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    summary = OUT / f"retention_cli_{args.rows}.csv"
    if not summary.exists():
        write_summary(args.rows, summary)
    scratch = Path(tempfile.mkdtemp(prefix="clientela-bench-"))
    before = git_worktree(args.before, scratch) if args.before else None
    print(f"{summary.name}: {args.rows} rows, {summary.stat().st_size / 2**20:.1f} MiB")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    table = [f"{'task':<7}{'side':<11}{'median wall (CPU)':<34}{'Lifetimes / side':>18}  output"]
    try:
        for task in args.tasks.split(","):
            results: dict[str, dict[str, Any]] = {}
            for side, (cmd, cwd) in commands(task, summary, before).items():
                repeats = args.peer_repeats if side != "ours" else args.repeats
                out = OUT / f"retention_cli_{task}_{side}.out"
                results[side] = measure(cmd, cwd, out, repeats, args.timeout)
                print(f"  {task} {side}: {_cell(results[side])}", flush=True)
            for side, m in results.items():
                ratio = "" if side == "Lifetimes" else _ratio(results["Lifetimes"], m, "wall")
                cpu = "" if side == "Lifetimes" else _ratio(results["Lifetimes"], m, "cpu")
                speed = f"{ratio} ({cpu} CPU)" if ratio else ""
                line = m.get("first_line", "")
                table.append(f"{task:<7}{side:<11}{_cell(m):<34}{speed:>18}  {line}")
    finally:
        if before is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                check=False, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("\n".join(table))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if args.phases:
        subprocess.run(
            [sys.executable, __file__, "--phases-of", str(summary)], cwd=ROOT, check=True
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--phases-of"]:
        sys.path.insert(0, str(ROOT))
        phases(Path(sys.argv[2]))
    else:
        main()
