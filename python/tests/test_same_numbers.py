"""The module's numbers are the command's, bit for bit, on every shipped scenario:
the JSON summary, the time series and customers CSVs, every sweep file's table
and the Monte Carlo's statistics and runs. CSVs are read here with the csv module
and float(), independently of the module's pandas reading."""

import csv
import io
import json
import math

import pytest

import gpusim
from conftest import SOURCE_DIR

SCENARIOS = sorted(str(p.relative_to(SOURCE_DIR)) for p in (SOURCE_DIR / "scenarios").glob("*/*.yaml")
                   if not p.name.endswith(".sweep.yaml"))
SWEEPS = sorted(str(p.relative_to(SOURCE_DIR)) for p in (SOURCE_DIR / "scenarios").glob("*/*.sweep.yaml"))


def test_every_shipped_scenario_is_covered():
    assert len(SCENARIOS) >= 20 and len(SWEEPS) >= 5
    assert "scenarios/bench/gigawatt.yaml" in SCENARIOS


def cell(text):
    return math.nan if text == "" else float(text)


def assert_same_table(frame, csv_text, index=None):
    """Every cell of the command's CSV equals the DataFrame's, bit for bit (NaN for empty cells)."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    header, rows = rows[0], rows[1:]
    table = frame.reset_index() if index else frame
    assert list(table.columns) == header
    assert len(table) == len(rows)
    for i, row in enumerate(rows):
        for name, text in zip(header, row):
            got = table[name].iloc[i]
            if name == index:
                continue
            if isinstance(got, str):
                assert got == text, (i, name)
                continue
            want = cell(text)
            assert (math.isnan(want) and math.isnan(got)) or float(got) == want, (i, name, got, text)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_run_summary_timeseries_and_customers(cli, tmp_path, scenario):
    cli("run", scenario, "--out", tmp_path, "--every", "month")
    result = gpusim.load(scenario).run()
    assert result.summary == json.loads((tmp_path / "summary.json").read_text())
    assert_same_table(result.timeseries(every="month"), (tmp_path / "timeseries.csv").read_text(), "period_start")
    customers = (tmp_path / "customers.csv").read_text()
    assert_same_table(result.customers[["gpu_hours", "revenue_usd", "revenue_share"]], customers, "name")


@pytest.mark.parametrize("sweep_file", SWEEPS)
def test_sweep_files(cli, sweep_file):
    _, out, _ = cli("sweep", sweep_file)
    assert_same_table(gpusim.sweep(sweep_file), out)


def test_monte_carlo(cli, tmp_path):
    scenario = "scenarios/whatif/coreweave-2024-mc.yaml"
    cli("mc", scenario, "--runs", 200, "--seed", 3, "--out", tmp_path)
    runs = gpusim.mc(scenario, runs=200, seed=3)
    assert runs.summary == json.loads((tmp_path / "mc.json").read_text())
    assert_same_table(runs.runs, (tmp_path / "runs.csv").read_text(), "run")

