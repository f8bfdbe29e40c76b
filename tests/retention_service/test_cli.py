"""`clientela retention ...` on the CDNOW summary files and on bad files."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from clientela.retention.models import RetentionRun
from tests.processes.helpers import clientela, process_env

from .factories import simulated_shop

CDNOW = settings.BASE_DIR / "clientela" / "demo" / "data" / "cdnow"
SUMMARY = CDNOW / "cdnow_customers_summary.csv"
WITH_SPEND = CDNOW / "cdnow_customers_summary_with_transactions.csv"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("retention", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rounded(values: dict, digits: int) -> dict:
    return {k: round(v, digits) for k, v in values.items()}


@pytest.mark.parametrize("summary", [SUMMARY, WITH_SPEND])
def test_fit_prints_the_published_bgnbd_estimates_for_both_column_spellings(summary):
    result = json.loads(run("fit", "--model", "bgnbd", "--summary", str(summary), "--json")[0])
    assert result["model"] == "bgnbd" and result["customers"] == 2357
    assert rounded(result["parameters"], 3) == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(result["log_likelihood"], 1) == -9582.4


def test_fit_prints_the_published_gamma_gamma_estimates():
    out, _ = run("fit", "--model", "gammagamma", "--summary", str(WITH_SPEND), "--json")
    result = json.loads(out)
    assert result["customers"] == 946
    params = result["parameters"]
    assert (round(params["p"], 2), round(params["q"], 2)) == (6.25, 3.74)
    # Note 025 prints gamma = 15.44; the maximum of the likelihood is at 15.4477 (checked with
    # Nelder-Mead to 1e-12), so the note truncates: the published figure is matched to its digits.
    assert 15.44 <= params["gamma"] < 15.45


def test_fit_prints_the_published_pareto_nbd_estimates():
    out, _ = run("fit", "--model", "paretonbd", "--summary", str(SUMMARY), "--json")
    params = json.loads(out)["parameters"]
    # Fader, Hardie & Lee (2005) table 1: r 0.55, alpha 10.58, s 0.61, beta 11.67.
    assert rounded(params, 2) == {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}


def test_score_prints_p_alive_and_expected_purchases_per_row():
    out, _ = run("score", "--summary", str(SUMMARY), "--horizon", "39", "--json")
    rows = json.loads(out)["rows"]
    assert len(rows) == 2357 and rows[0]["id"] == "1"
    # Customer 1: x=2, t_x=30.43, T=38.86 (Lifetimes: 0.7266 and 1.2259).
    assert round(rows[0]["p_alive"], 4) == 0.7266
    assert round(rows[0]["expected_purchases"], 4) == 1.2259
    one_timer = next(r for r in rows if r["id"] == "5")  # x = 0: BG/NBD says alive
    assert one_timer["p_alive"] == 1.0
    total = sum(r["expected_purchases"] for r in rows)
    # Lifetimes 0.11.3 on the same file gives 1653.42 (the sample then made 1,882).
    assert round(total, 1) == 1653.4


def test_fit_prints_the_published_mbgnbd_estimates():
    out, _ = run("fit", "--model", "mbgnbd", "--summary", str(SUMMARY), "--json")
    result = json.loads(out)
    assert result["model"] == "mbgnbd" and result["customers"] == 2357
    # BTYDplus on CDNOW, as published in Lifetimes' tests (see tests/retention/test_mbgnbd.py).
    assert rounded(result["parameters"], 3) == {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    assert round(result["log_likelihood"], 2) == -9582.13


def test_score_with_mbgnbd_gives_one_time_buyers_a_chance_of_being_gone():
    out, _ = run("score", "--model", "mbgnbd", "--summary", str(SUMMARY), "--horizon", "39")
    lines = out.splitlines()
    assert lines[0] == "id\tp_alive\texpected_purchases" and len(lines) == 2358
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in lines[1:]}
    # Customer 1: x=2, t_x=30.43, T=38.86. Customer 5: x=0, T=38.86, alive by BG/NBD for
    # certain; here 1/(1 + a/b ((alpha+T)/alpha)^r) = 1/(1 + 0.5520 * 7.2850^0.525) = 0.3897.
    assert rows["1"] == ["0.7061", "1.2627"]
    assert rows["5"] == ["0.3897", "0.1540"]


def test_score_as_text_prints_one_line_per_row():
    lines = run("score", "--summary", str(SUMMARY), "--horizon", "39")[0].splitlines()
    assert len(lines) == 2358
    assert lines[:3] == [
        "id\tp_alive\texpected_purchases",
        "1\t0.7266\t1.2259",
        "2\t0.2122\t0.2033",
    ]
    assert lines[5] == "5\t1.0000\t0.1948"  # x = 0: BG/NBD says alive


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,x,t_x,T\n1,2,3,2\n", "line 2: t_x (3) is greater than T (2)"),
        ("id,x,t_x,T\n1,1,1,2\n2,-1,0,4\n", "line 3: x must not be negative, got -1"),
        ("ID,frequency,recency,T\n1,one,1,2\n", "line 2: frequency is not a number: 'one'"),
        ("id,x,t_x,T\n1,0,1,2\n", "line 2: t_x must be 0 when x is 0"),
        ("id,x,t_x,T\n1,1,1\n", "line 2: expected 4 fields, found 3"),
        ("id,freq,T\n1,2,3\n", "line 1: missing columns"),
        ("", "line 1: the file is empty"),
        ("id,x,t_x,T\n", "line 2: the file has a header but no rows"),
    ],
)
def test_fit_names_the_line_and_the_reason_of_a_bad_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        run("fit", "--summary", str(path), "--json")
    assert str(caught.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize("action", [("fit", "--model", "paretonbd"), ("score", "--horizon", "39")])
def test_the_console_script_reads_a_file_without_setting_django_up(tmp_path, action):
    # Settings that cannot be imported: had the command set Django up, it would fail on them.
    env = process_env(tmp_path, DJANGO_SETTINGS_MODULE="no.such.settings")
    args = ("retention", *action, "--summary", str(SUMMARY), "--json")
    assert clientela(*args, env=env) == run(*args[1:])[0]


def test_the_console_script_names_the_bad_line_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,x,t_x,T\n1,1,1,2\n2,1,3,2\n")
    done = subprocess.run(
        [sys.executable, "-m", "clientela.cli", "retention", "fit", "--summary", str(path)],
        env=process_env(tmp_path, DJANGO_SETTINGS_MODULE="no.such.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"CommandError: {path}: line 3: t_x (3) is greater than T (2)\n"


def test_gamma_gamma_needs_a_spend_column():
    with pytest.raises(CommandError, match="missing column: monetary_value"):
        run("fit", "--model", "gammagamma", "--summary", str(SUMMARY))


@pytest.mark.django_db
def test_refresh_scores_a_workspace_and_draws_progress_on_stderr(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 1, 1), end=dt.date.today())
    out, err = run("refresh", "--workspace", "alice")
    run_ = RetentionRun.objects.get(workspace=cast.shop)
    assert out.splitlines()[0] == f"run {run_.pk}: succeeded, 150 customers scored"
    assert "150/150" in err
    with pytest.raises(CommandError, match="No workspace 'nope'"):
        run("refresh", "--workspace", "nope")


@pytest.mark.django_db
def test_refresh_and_validate_take_the_mbgnbd_model(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
    out, _ = run("refresh", "--workspace", "alice", "--model", "mbgnbd")
    run_ = RetentionRun.objects.get(workspace=cast.shop)
    assert (run_.status, run_.model) == ("succeeded", "mbgnbd")
    assert out.splitlines()[1].startswith("mbgnbd: r = ")
    out, _ = run(
        "validate", "--workspace", "alice", "--calibration-end", "2024-09-01", "--model", "mbgnbd"
    )
    assert out.startswith("mbgnbd fitted on ")


@pytest.mark.django_db
def test_validate_refuses_a_calibration_end_after_the_last_purchase(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
    with pytest.raises(CommandError, match="no purchases after the end of the calibration"):
        run("validate", "--workspace", "alice", "--calibration-end", "2025-06-01")
    out, _ = run("validate", "--workspace", "alice", "--calibration-end", "2024-09-01", "--json")
    report = json.loads(out)
    assert report["calibration_end"] == "2024-09-01" and report["customers"] > 100
