"""import gpusim: loading, results as pandas, sweeps, Monte Carlo, goal-seek,
errors with the command's messages, the GIL, stubs and docstrings."""

import ast
import inspect
import json
import pathlib
import pydoc
import threading
import time

import pandas as pd
import pytest

import gpusim

COREWEAVE = "scenarios/articles/coreweave-2024-utilization.yaml"
WORKED = "scenarios/teaching/worked-example.yaml"
MC = "scenarios/whatif/coreweave-2024-mc.yaml"

# The README's scenario as a dict (scenarios/articles/coreweave-2024-utilization.yaml).
COREWEAVE_DICT = {
    "name": "CoreWeave 2024 — implied utilization",
    "time": {"start": "2024-01-01", "duration": "365d", "step": "1h", "year": "365d"},
    "sites": [{"name": "us", "it_power_cap": "360 MW", "pue": 1.3, "electricity": "0.0806 USD/kWh"}],
    "fleet": [{"name": "h100", "gpu": "H100-SXM", "site": "us", "count": "250k", "online": "2024-01-01"}],
    "contracts": [
        {"name": "Microsoft", "kind": "reserved", "pool": "h100", "gpu_hours": "300M", "price": "2.99 USD/gpu-h"},
        {"name": "Others", "kind": "reserved", "pool": "h100", "gpus": 20000, "price": "2.99 USD/gpu-h"},
    ],
    "solve": {"vary": "contracts.Others.gpus", "target": "customers.Microsoft.revenue_share",
              "equals": "62%", "low": 0, "high": "250k"},
}


def cli_error(cli, *args):
    status, _, err = cli(*args, check=False)
    assert status == 2, err
    return err.rstrip("\n")


# ---- the 22% ---------------------------------------------------------------

def test_the_22_percent_by_hand():
    r = gpusim.load(COREWEAVE).run()
    # Microsoft's 300M GPU-h at 2.99 USD are 62% of revenue at one price, so all
    # billed GPU-hours are 300M / 0.62 = 483,870,967.7; installed 250,000 × 8,760 h
    # = 2.19e9 GPU-h; billed share 483,870,967.7 / 2.19e9 = 0.2209456...
    assert r.summary["utilization"]["billed"] == pytest.approx(300e6 / 0.62 / 2.19e9, rel=1e-9)
    # Others: 483,870,967.7 − 300M = 183,870,967.7 GPU-h ÷ 8,760 h = 20,989.84 GPUs.
    assert r.summary["solve"]["value"] == pytest.approx((300e6 / 0.62 - 300e6) / 8760, rel=1e-9)


def test_a_path_a_pathlike_text_and_a_dict_load_the_same_scenario(source_dir):
    by_path = gpusim.load(COREWEAVE).run().summary
    assert gpusim.load(pathlib.Path(COREWEAVE)).run().summary == by_path
    text = (source_dir / COREWEAVE).read_text()
    assert gpusim.load(text).run().summary == by_path
    assert gpusim.load(COREWEAVE_DICT).run().summary == by_path


def test_scenario_knows_its_name_file_and_reads_back_as_validate_print(cli):
    s = gpusim.load(COREWEAVE)
    assert s.name == "CoreWeave 2024 — implied utilization"
    assert s.file == COREWEAVE and gpusim.load(COREWEAVE_DICT).file == "<dict>"
    _, out, _ = cli("validate", "--print", COREWEAVE)
    assert out == f"# {COREWEAVE} as gpusim reads it\n" + s.describe()


def test_set_overrides_keys_as_the_command_does(cli):
    _, out, _ = cli("run", COREWEAVE, "--set", "contracts.Microsoft.price=2.5", "--set", "sites.us.pue=1.2",
                    "--format", "json")
    expected = json.loads(out)
    assert gpusim.load(COREWEAVE, set={"contracts.Microsoft.price": 2.5, "sites.us.pue": "1.2"}).run().summary == expected
    assert gpusim.load(COREWEAVE).set({"contracts.Microsoft.price": "2.5 USD/gpu-h", "sites.us.pue": 1.2}) \
        .run().summary == expected
    assert gpusim.load(COREWEAVE, set=["contracts.Microsoft.price=2.5", "sites.us.pue=1.2"]).run().summary == expected


def test_extends_in_text_is_read_against_base_dir(cli, source_dir):
    text = "extends: worked-example.yaml\nname: renamed\n"
    _, out, _ = cli("run", WORKED, "--set", "name=renamed", "--format", "json")
    assert gpusim.load(text, base_dir=source_dir / "scenarios/teaching").run().summary == json.loads(out)
    # A dict too; without base_dir the working directory is the base.
    assert gpusim.load({"extends": "scenarios/teaching/worked-example.yaml", "name": "renamed"}).run().summary \
        == json.loads(out)
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(text)
    assert str(e.value) == ("<text>:1:10: error: extends: cannot read 'worked-example.yaml' (no such file, or "
                            "not readable)\n1 error; nothing was run")


# ---- results as pandas -----------------------------------------------------

def test_timeseries_is_the_csv_indexed_by_time(cli, tmp_path):
    r = gpusim.load(WORKED).run()
    cli("run", WORKED, "--out", tmp_path, "--every", "month")
    header = (tmp_path / "timeseries.csv").read_text().splitlines()[0].split(",")
    months = r.timeseries()
    assert months.index.name == "period_start" and list(months.columns) == header[1:]
    assert months.index[0] == pd.Timestamp("2025-01-01") and len(months) == 12
    # 2025 counted as 365 days of 1 h steps: 8,760 rows hourly, 365 daily, 1 a year.
    assert len(r.timeseries(every="1h")) == 8760
    assert len(r.timeseries(every="1d")) == 365
    year = r.timeseries(every="year")
    assert len(year) == 1 and year["revenue_usd"].iloc[0] == pytest.approx(r.summary["finance"]["revenue_usd"],
                                                                            rel=1e-12)
    assert (months.dtypes == "float64").all()


def test_timeseries_every_must_be_a_period():
    r = gpusim.load(WORKED).run()
    with pytest.raises(ValueError) as e:
        r.timeseries(every="fortnight")
    assert str(e.value) == ("every must be one of '1h', 'hour', 'step', '1d', 'day', 'month', 'quarter', 'year'; "
                            "got 'fortnight'")
    daily = gpusim.load(WORKED, set={"time.step": "1d"}).run()
    with pytest.raises(ValueError) as e:
        daily.timeseries(every="1h")
    assert str(e.value) == "every='1h' needs a 1 h step; this scenario steps 24 h (use 'step')"
    assert len(daily.timeseries(every="step")) == 365


def test_per_item_tables_are_the_summary_lists_by_name():
    r = gpusim.load(WORKED).run()
    assert list(r.customers.index) == [c["name"] for c in r.summary["customers"]]
    assert r.contracts.loc["Acme", "kind"] == "reserved"
    # Acme: 600 GPUs × 8,760 h billed at 2.00 USD = 10,512,000 USD.
    assert r.contracts.loc["Acme", "revenue_usd"] == pytest.approx(600 * 8760 * 2.00, rel=1e-12)
    assert r.pools.loc["h100", "gpu"] == "H100-SXM"
    assert r.sites.loc["dc", "it_kwh"] == r.summary["sites"][0]["it_kwh"]
    assert "Utilization ladder" in r.table and str(r) == r.table


def test_catalog_and_version_are_the_commands(cli):
    _, out, _ = cli("catalog", "--format", "json")
    expected = json.loads(out)
    frame = gpusim.catalog()
    assert list(frame.index) == [g["id"] for g in expected]
    # A model without racks has gpus_per_rack null in the JSON, NaN in the frame.
    records = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
               for row in frame.reset_index().to_dict("records")]
    assert records == expected
    assert pd.isna(frame.loc["H100-SXM", "gpus_per_rack"]) and frame.loc["GB300", "gpus_per_rack"] == 72
    _, version, _ = cli("--version")
    assert version.strip() == f"gpusim {gpusim.__version__}"


# ---- many runs ---------------------------------------------------------------

def test_sweep_takes_lists_and_ranges_and_matches_the_command(cli):
    _, out, _ = cli("sweep", COREWEAVE, "--vary", "contracts.Microsoft.price=1.5:2.5:0.5",
                    "--vary", "sites.us.pue=1.2,1.4")
    from_range = gpusim.sweep(COREWEAVE, vary={"contracts.Microsoft.price": "1.5:2.5:0.5",
                                                "sites.us.pue": [1.2, 1.4]}, threads=1)
    assert from_range.to_csv(index=False).splitlines()[0] == out.splitlines()[0]
    assert list(from_range["contracts.Microsoft.price"]) == [1.5, 1.5, 2, 2, 2.5, 2.5]
    from_list = gpusim.sweep(gpusim.load(COREWEAVE), vary={"contracts.Microsoft.price": [1.5, 2, 2.5],
                                                           "sites.us.pue": ["1.2", "1.4"]}, threads=2)
    pd.testing.assert_frame_equal(from_range, from_list, check_exact=True)


def test_monte_carlo_is_the_same_on_any_thread_count_and_matches_the_command(cli):
    one = gpusim.mc(MC, runs=40, seed=7, threads=1)
    two = gpusim.mc(gpusim.load(MC), runs=40, seed=7, threads=2)
    assert one.summary == two.summary
    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)
    _, out, _ = cli("mc", MC, "--runs", 40, "--seed", 7, "--format", "json")
    assert one.summary == json.loads(out)
    assert one.stats.loc["utilization.billed", "mean"] == one.summary["metrics"]["utilization.billed"]["mean"]
    assert len(one.runs) == 40 and one.runs.index.name == "run"
    assert list(one.bands.columns) == [f"{m}_{p}" for m in ("revenue_usd", "net_income_usd", "cumulative_cash_usd")
                                       for p in ("p5", "p50", "p95")]
    assert "40 runs, seed 7" in one.table


def test_monte_carlo_without_uncertain_inputs_warns_as_the_command_notes(cli):
    _, _, err = cli("mc", WORKED, "--runs", 2)
    with pytest.warns(UserWarning) as caught:
        gpusim.mc(WORKED, runs=2)
    assert str(caught[0].message) == err.strip()


def test_solve_matches_the_command(cli):
    _, out, _ = cli("solve", COREWEAVE, "--vary", "contracts.Others.price", "--target", "finance.net_income_usd=0",
                    "--format", "json")
    r = gpusim.solve(COREWEAVE, vary="contracts.Others.price", target="finance.net_income_usd", equals=0)
    assert r.summary == json.loads(out)
    _, out, _ = cli("solve", COREWEAVE, "--vary", "contracts.Others.gpus", "--target",
                    "customers.Microsoft.revenue_share=60%", "--low", "0", "--high", "300k", "--format", "json")
    r = gpusim.solve(gpusim.load(COREWEAVE), "contracts.Others.gpus", "customers.Microsoft.revenue_share", "60%",
                     low=0, high="300k")
    assert r.summary == json.loads(out)


def test_the_gil_is_released_while_the_engine_runs():
    scenario = gpusim.load("scenarios/bench/gigawatt.yaml")
    ticks = []
    done = threading.Event()

    def work():
        scenario.run()
        done.set()

    worker = threading.Thread(target=work)
    start = time.monotonic()
    worker.start()
    while not done.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.001)
    worker.join()
    end = time.monotonic()
    # With the GIL held for the whole run, this loop could not tick in its middle.
    middle = [t for t in ticks if start + 0.25 * (end - start) < t < end - 0.25 * (end - start)]
    assert end - start > 0.2 and len(middle) > 5


# ---- bad input: Python exceptions with the command's messages ----------------

def test_a_path_that_does_not_exist(cli):
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load("no/such/scenario.yaml")
    assert str(e.value) == cli_error(cli, "run", "no/such/scenario.yaml")
    assert e.value.diagnostics == [gpusim.Diagnostic("no/such/scenario.yaml", None, None, "",
                                                     "cannot read the file (no such file, or not readable)")]
    assert isinstance(e.value, ValueError)


def test_a_dict_with_a_wrong_type_reports_what_the_file_would(cli, tmp_path):
    bad = dict(COREWEAVE_DICT, fleet=[dict(COREWEAVE_DICT["fleet"][0], count="many")], sites=5)
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(bad)
    (tmp_path / "bad.yaml").write_text(json.dumps(bad, indent=2))  # JSON is YAML
    err = cli_error(cli, "run", tmp_path / "bad.yaml")
    # The same errors; a file lists them in reading order, a dict (no lines) as found.
    assert sorted((d.key, d.message) for d in e.value.diagnostics) == \
        sorted(tuple(line.split(": error: ", 1)[1].split(": ", 1)) for line in err.splitlines()[:-1])
    assert str(e.value).splitlines()[0].startswith("<dict>: error: sites: ")
    assert str(e.value).endswith(err.splitlines()[-1])


def test_file_errors_carry_line_and_column(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    lines = pathlib.Path(COREWEAVE).read_text().replace("count: 250k", "count: 250 MW").splitlines(keepends=True)
    path.write_text("".join(lines))
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(path)
    assert str(e.value) == cli_error(cli, "run", path)
    (d,) = e.value.diagnostics
    line = next(i + 1 for i, text in enumerate(lines) if "250 MW" in text)
    assert (d.file, d.line, d.column, d.key) == (str(path), line, lines[line - 1].index("250 MW") + 1,
                                                 "fleet.h100.count")


def test_a_set_key_that_is_not_a_scenario_path(cli):
    for key in ("contracts.Nobody.price=2", "fleet.h100.lfie=3"):
        with pytest.raises(gpusim.ScenarioError) as e:
            gpusim.load(COREWEAVE, set=[key])
        assert str(e.value) == cli_error(cli, "run", COREWEAVE, "--set", key)
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(COREWEAVE, set={"fleet.h100.lfie": 3})
    assert e.value.diagnostics[0].file == "--set fleet.h100.lfie"


def test_a_model_error_is_placed_at_its_key(cli):
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(COREWEAVE, set={"sites.us.it_power_cap": "1 MW"}).run()
    assert str(e.value) == cli_error(cli, "run", COREWEAVE, "--set", "sites.us.it_power_cap=1 MW")
    assert e.value.diagnostics[0].key == "sites.us.it_power_cap"


def test_runs_zero(cli):
    with pytest.raises(ValueError) as e:
        gpusim.mc(MC, runs=0)
    assert str(e.value) == cli_error(cli, "mc", MC, "--runs", 0)


def test_solve_errors(cli):
    with pytest.raises(ValueError) as e:
        gpusim.solve(COREWEAVE, "contracts.Others.price", "finance.revenue_usd", "abc")
    assert str(e.value) == cli_error(cli, "solve", COREWEAVE, "--vary", "contracts.Others.price",
                                     "--target", "finance.revenue_usd=abc")
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.solve(COREWEAVE, "contracts.Others.price", "finance.revenue_usd", -5)
    assert str(e.value) == cli_error(cli, "solve", COREWEAVE, "--vary", "contracts.Others.price",
                                     "--target", "finance.revenue_usd=-5")
    assert e.value.diagnostics[0].file == "--target"


def test_sweep_errors(cli):
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.sweep(COREWEAVE, vary={"contracts.Nobody.price": "1:2:0.5"})
    assert str(e.value) == cli_error(cli, "sweep", COREWEAVE, "--vary", "contracts.Nobody.price=1:2:0.5")
    with pytest.raises(ValueError) as e:
        gpusim.sweep(COREWEAVE)
    assert str(e.value) == cli_error(cli, "sweep", COREWEAVE)


def test_malformed_yaml_text():
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load("name: x\ntime: {start: 2024-01-01\n")
    assert e.value.diagnostics[0].file == "<text>" and "malformed YAML" in str(e.value)


def test_python_values_a_scenario_cannot_hold_never_crash():
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(dict(COREWEAVE_DICT, name={"a", "b"}))
    assert str(e.value) == ("<dict>: error: name: expected a number, text, true/false, None, a list or a dict; "
                            "got a Python set\n1 error; nothing was run")
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(dict(COREWEAVE_DICT, time={"start": "2024-01-01", 1: 2}))
    assert str(e.value) == "<dict>: error: time: keys must be text; got 1 (a Python int)\n1 error; nothing was run"
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(gpusim.ScenarioError) as e:
        gpusim.load(deep)
    # The same limit and words as a file nested too deep; the key is the path down to level 65.
    assert e.value.diagnostics == [gpusim.Diagnostic("<dict>", None, None, ".".join(["x"] * 65),
                                                     "values nested more than 64 levels deep; a scenario needs a handful")]
    with pytest.raises(gpusim.ScenarioError):
        gpusim.load("- 1\n- 2\n")
    with pytest.raises(TypeError):
        gpusim.load(42)
    with pytest.raises(TypeError):
        gpusim.mc(MC, runs=-1)
    with pytest.raises(TypeError):
        gpusim.load(COREWEAVE, set={"name": object()})


# ---- stubs, docstrings, help() ---------------------------------------------

def _stub(name):
    return ast.parse((pathlib.Path(gpusim.__file__).parent / name).read_text())


def test_the_stub_declares_every_public_name_with_the_same_parameters():
    stub = _stub("__init__.pyi")
    functions = {n.name: n for n in stub.body if isinstance(n, ast.FunctionDef)}
    classes = {n.name: n for n in stub.body if isinstance(n, ast.ClassDef)}
    for name in gpusim.__all__:
        obj = getattr(gpusim, name)
        if inspect.isfunction(obj):
            assert [a.arg for a in functions[name].args.args] == list(inspect.signature(obj).parameters), name
        elif inspect.isclass(obj) and name in classes:
            members = {n.name for n in classes[name].body if isinstance(n, ast.FunctionDef)} | \
                      {n.target.id for n in classes[name].body if isinstance(n, ast.AnnAssign)}
            public = {m for m in vars(obj) if not m.startswith("_")}
            assert public <= members, (name, public - members)
    assert set(functions) == {n for n in gpusim.__all__ if inspect.isfunction(getattr(gpusim, n))}
    # Classes of the package itself; Diagnostic and ScenarioError come from _gpusim.pyi.
    assert set(classes) == {n for n in gpusim.__all__ if inspect.isclass(getattr(gpusim, n))
                            and getattr(gpusim._gpusim, n, None) is not getattr(gpusim, n)}
    native = _stub("_gpusim.pyi")
    declared = {n.name for n in native.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert declared >= {n for n in dir(gpusim._gpusim) if not n.startswith("_")}


def test_every_public_name_has_a_docstring_and_help_renders():
    for name in gpusim.__all__:
        obj = getattr(gpusim, name)
        if callable(obj):
            assert inspect.getdoc(obj), name
    for cls in (gpusim.Result, gpusim.Scenario, gpusim.MonteCarlo):
        for member, value in vars(cls).items():
            if not member.startswith("_") and callable(getattr(value, "fget", value)):
                assert inspect.getdoc(value), f"{cls.__name__}.{member}"
    page = pydoc.render_doc(gpusim, renderer=pydoc.plaintext)
    assert "load(source" in page and "ScenarioError" in page


def test_explain_is_the_commands_tree_of_this_run(cli):
    # gpusim explain SCENARIO PATH prints the same text; --format json the same tree.
    r = gpusim.load(COREWEAVE).run()
    e = r.explain("utilization.billed")
    _, text, _ = cli("explain", COREWEAVE, "utilization.billed")
    _, tree, _ = cli("explain", COREWEAVE, "utilization.billed", "--format", "json")
    assert str(e) == text and e.text == text
    assert e.tree == json.loads(tree)
    # The root is the summary's value: 300M ÷ 0.62 ÷ 2.19e9 = 0.2209456...
    assert e.value == r.summary["utilization"]["billed"]
    assert e.value == pytest.approx(300e6 / 0.62 / 2.19e9, rel=1e-9)
    _, shallow, _ = cli("explain", COREWEAVE, "utilization.billed", "--depth", "1")
    assert r.explain("utilization.billed", depth=1).text == shallow


def test_explain_of_a_solve_and_of_an_unknown_path(cli):
    r = gpusim.solve(COREWEAVE, vary="contracts.Others.price", target="finance.net_income_usd", equals=0)
    assert r.explain("finance.net_income_usd").value == r.summary["finance"]["net_income_usd"]
    status, _, err = cli("explain", COREWEAVE, "utilization.biled", check=False)
    assert status == 2
    with pytest.raises(ValueError) as caught:
        gpusim.load(COREWEAVE).run().explain("utilization.biled")
    assert str(caught.value) + "\n" == err
