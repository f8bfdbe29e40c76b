"""Fit BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma with clientela.retention.stats and Lifetimes.

    uv run --group bench python bench/retention_fit.py [--sizes 2357,100000,1000000]
        [--tasks bgnbd,mbgnbd,pareto,gamma-gamma,score,score-mbgnbd]

Customers are simulated from BG/NBD with the CDNOW estimates (r=0.243, alpha=4.414, a=0.793,
b=2.426; Fader, Hardie & Lee 2005), first purchases spread over 84 days like the CDNOW cohort so
T runs from 27 to 38.9 weeks, purchase times in whole days, and spend from Gamma-Gamma with the
note-025 estimates (p=6.25, q=3.74, gamma=15.44), rounded to cents.

What is timed: the call that turns per-customer arrays into fitted parameters. For ours that
includes compressing the customers to distinct (x, t_x, T) rows; Lifetimes gets the same
per-customer arrays (its normal use, no weights). Each measurement runs in its own subprocess,
repeated (median printed); peak memory is that subprocess's peak RSS (resource.ru_maxrss:
interpreter, imports, the input arrays and the fits), with its RSS before the first fit
(interpreter, imports, input arrays) in brackets. dLL = LL(our estimate) - LL(Lifetimes'
estimate), both evaluated with our likelihood on all customers. A Lifetimes measurement that
has not finished one fit within the timeout is reported as timed out. Scoring is P(alive) and
expected purchases in the next 39 weeks for every customer with the CDNOW BG/NBD parameters;
its last column is the largest relative difference of the sums between the two libraries.
MBG/NBD (Batislam, Denizel & Filiztekin 2007) is fitted to the same simulated customers against
Lifetimes' ModifiedBetaGeoFitter, and scored ("score MBG/NBD") with the CDNOW MBG/NBD estimates
(r=0.525, alpha=6.183, a=0.891, b=1.614; BTYDplus, as published in Lifetimes' tests).

BLAS threads: by default every measurement subprocess (ours and Lifetimes alike) runs with
OPENBLAS_NUM_THREADS=1 (``--blas-threads 0`` leaves the environment alone). On this shared
2-core machine OpenBLAS's threads, which L-BFGS-B's internals start even for 4 parameters, cost
several times more than they save: our Gamma-Gamma fit at 100,000 customers took 0.44 s with
them and 0.09 s without.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
MBGNBD = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
SCORE_TASKS = ("score", "score-mbgnbd")
CAL_END_DAY = 272  # 1997-09-30, counting 1997-01-01 as day 0
HORIZON = 39.0  # weeks, for scoring


def simulate(n: int, seed: int = 2357) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, 84, n)
    T_days = CAL_END_DAY - first_day
    T = T_days / 7.0
    lam = rng.gamma(BGNBD["r"], 1.0 / BGNBD["alpha"], n)
    p = rng.beta(BGNBD["a"], BGNBD["b"], n)
    # Purchases in (0, T] while alive; death after each repeat purchase with probability p.
    arrivals = rng.poisson(lam * T)
    lifetime = rng.geometric(p)
    x = np.minimum(arrivals, lifetime)
    t_x = np.zeros(n)
    rep = x > 0
    # Given n arrivals in (0, T], the k-th is T * Beta(k, n - k + 1).
    t_x[rep] = T[rep] * rng.beta(x[rep], arrivals[rep] - x[rep] + 1)
    t_days = np.where(rep, np.clip(np.ceil(t_x * 7.0), 1, T_days), 0)
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["gamma"], n)
    zbar = np.zeros(n)
    zbar[rep] = rng.gamma(SPEND["p"] * x[rep], 1.0 / (nu[rep] * x[rep]))
    return {
        "x": x.astype(float),
        "t_x": t_days / 7.0,
        "T": T,
        "zbar": np.maximum(np.round(zbar, 2), 0.01) * rep,
    }


# --- the measured calls ---------------------------------------------------------------------


def _ours(task: str, d: dict[str, np.ndarray]) -> Callable[[], dict[str, float]]:
    from clientela.retention.stats import bgnbd, gammagamma, mbgnbd, paretonbd

    if task == "bgnbd":
        return lambda: vars(bgnbd.fit(d["x"], d["t_x"], d["T"]).params)
    if task == "mbgnbd":
        return lambda: vars(mbgnbd.fit(d["x"], d["t_x"], d["T"]).params)
    if task == "score-mbgnbd":
        mbg = mbgnbd.MBGNBDParams(**MBGNBD)

        def score_mbg() -> dict[str, float]:
            s = mbgnbd.score(mbg, d["x"], d["t_x"], d["T"], HORIZON)
            return {
                "p_alive": float(s.p_alive.sum()),
                "expected": float(s.expected_purchases.sum()),
            }

        return score_mbg
    if task == "pareto":
        return lambda: vars(paretonbd.fit(d["x"], d["t_x"], d["T"]).params)
    if task == "gamma-gamma":
        return lambda: vars(gammagamma.fit(d["x"], d["zbar"]).params)
    params = bgnbd.BGNBDParams(**BGNBD)

    def score() -> dict[str, float]:
        s = bgnbd.score(params, d["x"], d["t_x"], d["T"], HORIZON)
        return {"p_alive": float(s.p_alive.sum()), "expected": float(s.expected_purchases.sum())}

    return score


def _lifetimes(task: str, d: dict[str, np.ndarray]) -> Callable[[], dict[str, float]]:
    import warnings

    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    warnings.filterwarnings("ignore")
    if task == "bgnbd":
        return lambda: dict(BetaGeoFitter().fit(d["x"], d["t_x"], d["T"]).params_)
    if task == "mbgnbd":
        return lambda: dict(ModifiedBetaGeoFitter().fit(d["x"], d["t_x"], d["T"]).params_)
    if task == "pareto":
        return lambda: dict(ParetoNBDFitter().fit(d["x"], d["t_x"], d["T"]).params_)
    if task == "gamma-gamma":

        def gg() -> dict[str, float]:
            keep = d["x"] > 0
            fitted = GammaGammaFitter().fit(d["x"][keep], d["zbar"][keep]).params_
            return {"p": fitted["p"], "q": fitted["q"], "gamma": fitted["v"]}

        return gg
    model = BetaGeoFitter() if task == "score" else ModifiedBetaGeoFitter()
    model.params_ = pd.Series(BGNBD if task == "score" else MBGNBD)

    def score() -> dict[str, float]:
        alive = model.conditional_probability_alive(d["x"], d["t_x"], d["T"])
        expected = model.conditional_expected_number_of_purchases_up_to_time(
            HORIZON, d["x"], d["t_x"], d["T"]
        )
        return {"p_alive": float(np.sum(alive)), "expected": float(np.sum(expected))}

    return score


def worker(impl: str, task: str, data: Path, repeats: int, budget: float) -> None:
    # One .npy per column: read straight into its array, no zip buffer inflating the peak RSS.
    d = {name: np.load(data / f"{name}.npy") for name in ("x", "t_x", "T", "zbar")}
    call = (_ours if impl == "ours" else _lifetimes)(task, d)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times: list[float] = []
    result: dict[str, float] = {}
    started = time.perf_counter()
    while len(times) < repeats:
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - started + times[-1] > budget:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"times": times, "result": result, "rss_base": base, "rss_peak": peak}))


# --- the driver ----------------------------------------------------------------------------


def measure(impl: str, task: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    timeout = args.peer_timeout if impl == "lifetimes" else 600.0
    cmd = [sys.executable, __file__, "--worker", impl, task, str(data), str(args.repeats)]
    cmd.append(str(timeout / 2))
    env = dict(os.environ)
    if args.blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(args.blas_threads)
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def loglik(task: str, params: dict[str, float], d: dict[str, np.ndarray]) -> float:
    from clientela.retention.stats import bgnbd, gammagamma, mbgnbd, paretonbd

    if task == "bgnbd":
        return bgnbd.log_likelihood(bgnbd.BGNBDParams(**params), d["x"], d["t_x"], d["T"])
    if task == "mbgnbd":
        return mbgnbd.log_likelihood(mbgnbd.MBGNBDParams(**params), d["x"], d["t_x"], d["T"])
    if task == "pareto":
        p = paretonbd.ParetoNBDParams(**params)
        return paretonbd.log_likelihood(p, d["x"], d["t_x"], d["T"])
    p = gammagamma.GammaGammaParams(**params)
    return gammagamma.log_likelihood(p, d["x"], d["zbar"])


def _time(m: dict[str, Any]) -> str:
    if "timeout" in m:
        return f"timed out after {m['timeout']:.0f} s"
    if "error" in m:
        return f"failed: {m['error']}"
    return f"{statistics.median(m['times']):.3f} s (n={len(m['times'])})"


def _mem(m: dict[str, Any]) -> str:
    return f"{m['rss_peak']:.0f} ({m['rss_base']:.0f})" if "rss_peak" in m else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2357,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--tasks", default="bgnbd,mbgnbd,pareto,gamma-gamma,score,score-mbgnbd")
    parser.add_argument("--blas-threads", type=int, default=1, help="0: leave as is")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from clientela.retention.stats.summary import compress

    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"BLAS threads per measurement: {args.blas_threads or 'as inherited'}")
    header = f"{'task':<14}{'customers':>10}{'rows':>9}  {'ours':<16}{'Lifetimes':<26}"
    header += f"{'speed-up':>9}  {'peak RSS MiB ours':<18}{'Lifetimes':<12}{'dLL':>10}"
    rows = [header, "-" * len(header)]
    for n in (int(s) for s in args.sizes.split(",")):
        d = simulate(n)
        path = OUT / f"retention_{n}"
        path.mkdir(exist_ok=True)
        for name, column in d.items():
            np.save(path / f"{name}.npy", column)
        distinct = compress(d["x"], d["t_x"], d["T"]).x.size
        for task in args.tasks.split(","):
            if task in SCORE_TASKS and n != max(int(s) for s in args.sizes.split(",")):
                continue
            ours = measure("ours", task, path, args)
            peer = measure("lifetimes", task, path, args)
            ratio = "-"
            if "times" in ours and "times" in peer:
                speed = statistics.median(peer["times"]) / statistics.median(ours["times"])
                ratio = f"{speed:.0f}x" if speed >= 10 else f"{speed:.2g}x"  # 0.5x, not 0x
            dll = "-"
            if task not in SCORE_TASKS and "result" in ours and "result" in peer:
                dll = f"{loglik(task, ours['result'], d) - loglik(task, peer['result'], d):+.2e}"
            if task in SCORE_TASKS and "result" in ours and "result" in peer:
                gap = max(abs(ours["result"][k] / peer["result"][k] - 1) for k in ours["result"])
                dll = f"rel {gap:.0e}"
            label = {"score": "score BG/NBD", "score-mbgnbd": "score MBG/NBD"}.get(task, task)
            rows.append(
                f"{label:<14}{n:>10}{distinct:>9}  {_time(ours):<16}{_time(peer):<26}"
                f"{ratio:>9}  {_mem(ours):<18}{_mem(peer):<12}{dll:>10}"
            )
            print(rows[-1], flush=True)
    print()
    print("\n".join(rows))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sys.path.insert(0, str(ROOT))
        _, _, impl_, task_, data_, repeats_, budget_ = sys.argv
        worker(impl_, task_, Path(data_), int(repeats_), float(budget_))
    else:
        main()
