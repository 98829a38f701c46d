"""gpusim for Python: load a scenario, run it, and read the results as pandas.

The module calls the same C++ library as the ``gpusim`` command (the native
extension ``gpusim._gpusim``), so every number is the command's number, bit
for bit::

    import gpusim
    scenario = gpusim.load("scenarios/articles/coreweave-2024-utilization.yaml")
    result = scenario.run()
    result.summary["utilization"]["billed"]      # the 22%
    result.timeseries(every="month")             # a DataFrame indexed by time

``load`` takes a path, YAML text or a dict; ``sweep``, ``mc`` and ``solve`` are
the command's ``sweep``, ``mc`` and ``solve``; ``catalog`` lists the built-in
GPU models. A scenario that cannot be read or run raises ``ScenarioError``
with the command's message. See docs/python.md.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

import pandas as pd

from . import _gpusim
from ._gpusim import Diagnostic, ScenarioError

__version__: str = _gpusim.__version__

__all__ = [
    "Diagnostic",
    "Explanation",
    "MonteCarlo",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "catalog",
    "load",
    "mc",
    "solve",
    "sweep",
]

# `every=` of Result.timeseries: the spellings the notes use, and the command's.
_PERIODS = {"1h": "step", "hour": "step", "step": "step", "1d": "day", "day": "day",
            "month": "month", "quarter": "quarter", "year": "year"}


def _yaml_value(value: Any) -> str:
    """A Python value as YAML text for a PATH=VALUE override, as one would type it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "~"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(value)  # JSON is YAML's flow style
    raise TypeError(f"cannot write a Python {type(value).__name__} into a scenario: {value!r}")


def _overrides(set: Union[Mapping[str, Any], Iterable[str], None]) -> list[str]:
    if set is None:
        return []
    if isinstance(set, Mapping):
        return [f"{path}={_yaml_value(value)}" for path, value in set.items()]
    if isinstance(set, str):
        return [set]
    return [str(item) for item in set]


def _read_csv(text: str, **kwargs: Any) -> pd.DataFrame:
    # round_trip: each number parses to the double the command printed, exactly.
    return pd.read_csv(io.StringIO(text), float_precision="round_trip", **kwargs)


def _names_as_index(items: list[dict[str, Any]], columns: tuple[str, ...] = ()) -> pd.DataFrame:
    if not items and columns:  # no items (a scenario without contracts has no customers): the columns still
        return pd.DataFrame(columns=list(columns), index=pd.Index([], name="name"), dtype="float64")
    frame = pd.DataFrame(items)
    return frame.set_index("name") if "name" in frame.columns else frame


class Result:
    """The results of one run: what ``gpusim run --format json`` prints, and more.

    ``summary`` is the JSON summary as a dict; ``timeseries(every)`` the time
    series as a DataFrame; ``customers``, ``contracts``, ``pools`` and ``sites``
    DataFrames indexed by name; ``table`` the command's printed table.
    """

    def __init__(self, native: "_gpusim.NativeResult") -> None:
        self._native = native
        self._summary: Optional[dict[str, Any]] = None

    @property
    def summary(self) -> dict[str, Any]:
        """The JSON summary (``gpusim run --format json``) as a dict; USD, kWh, MW, fractions."""
        if self._summary is None:
            self._summary = json.loads(self._native.summary_json())
        return self._summary

    @property
    def table(self) -> str:
        """The summary as ``gpusim run`` prints it."""
        return self._native.table()

    def explain(self, path: str, depth: Optional[int] = None) -> "Explanation":
        """How the result at ``path`` came to be, as ``gpusim explain`` shows it.

        ``path`` is any numeric path of ``summary`` (``utilization.billed``,
        ``contracts.Microsoft.revenue_usd``, ...); ``depth`` limits the tree to
        that many levels below the root. The returned ``Explanation`` prints as
        the command's text; ``.tree`` is the command's ``--format json`` tree (nodes
        with path, label, value, unit, op, equation, anchor, source, notes,
        children). An unknown path raises ValueError with the command's message.
        """
        tree, text = self._native.explain(path, -1 if depth is None else depth)
        return Explanation(json.loads(tree), text)



    def timeseries(self, every: str = "month") -> pd.DataFrame:
        """The time series per period, as ``timeseries.csv`` of ``gpusim run --out``.

        ``every`` is ``"1h"`` (each step of an hourly scenario; ``"step"`` for any
        step), ``"1d"`` or ``"day"``, ``"month"``, ``"quarter"`` or ``"year"``. The
        DataFrame is indexed by ``period_start`` (a datetime); its columns are the
        CSV's, units at the end of their names (``it_power_mw``, ``revenue_usd``).
        """
        period = _PERIODS.get(every)
        if period is None:
            raise ValueError(f"every must be one of {', '.join(repr(k) for k in _PERIODS)}; got {every!r}")
        if every in ("1h", "hour") and self._native.step_hours != 1:
            raise ValueError(f"every={every!r} needs a 1 h step; this scenario steps "
                             f"{self._native.step_hours:g} h (use 'step')")
        frame = _read_csv(self._native.timeseries_csv(period), parse_dates=["period_start"],
                          index_col="period_start")
        return frame.astype("float64")

    @property
    def customers(self) -> pd.DataFrame:
        """Per customer: gpu_hours (billed), revenue_usd, revenue_share (0..1)."""
        return _names_as_index(self.summary["customers"], ("gpu_hours", "revenue_usd", "revenue_share"))

    @property
    def contracts(self) -> pd.DataFrame:
        """Per contract: customer, kind, pool, price (and whether it is derived from value), value, GPU-hours, revenue."""
        return _names_as_index(self.summary["contracts"])

    @property
    def pools(self) -> pd.DataFrame:
        """Per pool: GPU model, site, GPUs at the end, GPU-hours, capex, depreciation."""
        return _names_as_index(self.summary["pools"])

    @property
    def sites(self) -> pd.DataFrame:
        """Per site: peak IT and facility MW, kWh, energy cost, colocation."""
        return _names_as_index(self.summary["sites"])

    def __repr__(self) -> str:
        return f"<gpusim.Result of {self.summary['scenario']!r}>"

    def __str__(self) -> str:
        return self.table


class Explanation:
    """A result's derivation: ``.tree`` (a dict, as ``gpusim explain --format
    json``), ``.text`` (as ``gpusim explain`` prints it) and ``.value`` (the
    root's value)."""

    def __init__(self, tree: dict[str, Any], text: str) -> None:
        self.tree = tree
        self.text = text

    @property
    def value(self) -> Optional[float]:
        """The explained result's value (None when it is null in this run)."""
        return self.tree.get("value")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


class Scenario:
    """A scenario read and validated by the command's loader; make one with ``gpusim.load``."""

    def __init__(self, native: "_gpusim.NativeScenario") -> None:
        self._native = native

    @property
    def name(self) -> str:
        """The scenario's ``name:``."""
        return self._native.name

    @property
    def file(self) -> str:
        """The file it was read from, or ``<text>`` / ``<dict>``."""
        return self._native.file

    def run(self) -> Result:
        """Runs the scenario (solving its ``solve:`` block, if any), as ``gpusim run``."""
        return Result(_gpusim.run(self._native))

    def set(self, set: Union[Mapping[str, Any], Iterable[str]]) -> "Scenario":
        """A copy with more overrides (``{path: value}``), as ``--set PATH=VALUE``."""
        return Scenario(self._native.with_overrides(_overrides(set)))

    def describe(self) -> str:
        """The scenario as gpusim reads it, defaults filled in (``gpusim validate --print``)."""
        return self._native.describe()

    def __repr__(self) -> str:
        return f"<gpusim.Scenario {self.name!r} from {self.file}>"


def _looks_like_yaml(text: str) -> bool:
    return "\n" in text or ": " in text or text.lstrip().startswith("{")


def load(source: Union[str, "os.PathLike[str]", Mapping[str, Any]],
         set: Union[Mapping[str, Any], Iterable[str], None] = None,
         base_dir: Union[str, "os.PathLike[str]", None] = None) -> Scenario:
    """Reads a scenario: a path, YAML text, or a dict of scenario keys.

    A str that names an existing file, or has no newline and no ``": "``, is a
    path; any other str is YAML text. ``set`` overrides keys as ``--set`` does:
    ``{"contracts.Microsoft.price": "2.5 USD/gpu-h"}`` (numbers are written in
    the key's bare-number unit). ``extends`` in a file is read against the
    file's folder; in text or a dict against ``base_dir`` (default: the working
    directory). Raises ``ScenarioError`` with the command's message.
    """
    overrides = _overrides(set)
    folder = os.fspath(base_dir) if base_dir is not None else ""
    if isinstance(source, Mapping):
        return Scenario(_gpusim.load_dict(source, "<dict>", folder, overrides))
    if isinstance(source, os.PathLike):
        return Scenario(_gpusim.load_file(os.fspath(source), overrides))
    if not isinstance(source, str):
        raise TypeError(f"load() takes a path, YAML text or a dict; got a Python {type(source).__name__}")
    if os.path.isfile(source) or not _looks_like_yaml(source):
        return Scenario(_gpusim.load_file(source, overrides))
    return Scenario(_gpusim.load_text(source, "<text>", folder, overrides))


def _scenario(scenario: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def _vary_specs(vary: Union[Mapping[str, Any], Iterable[str], None]) -> list[str]:
    """{path: [v1, v2, …] or "FROM:TO:STEP"} → the command's PATH=… specs."""
    if vary is None:
        return []
    if isinstance(vary, Mapping):
        specs = []
        for path, values in vary.items():
            if isinstance(values, str):
                specs.append(f"{path}={values}")
            else:
                specs.append(f"{path}=" + ",".join(_yaml_value(v) for v in values))
        return specs
    if isinstance(vary, str):
        return [vary]
    return [str(v) for v in vary]


def sweep(scenario: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]],
          vary: Union[Mapping[str, Any], Iterable[str], None] = None,
          threads: int = 0) -> pd.DataFrame:
    """Runs a grid of points, as ``gpusim sweep``: one row per point, as sweep.csv.

    ``vary`` maps a key path to its values, a list (``[1.5, 2, 2.5]``) or the
    command's ``"FROM:TO:STEP"`` text; two keys make a grid, the first varying
    slowest. ``scenario`` may also be a sweep file's path (``*.sweep.yaml``),
    whose own ``vary:`` comes first. Columns: the varied paths (in each key's
    bare-number unit), then every scalar of the summary (NaN where null).
    ``threads`` 0 uses every core; the numbers do not depend on it.
    """
    specs = _vary_specs(vary)
    if isinstance(scenario, (str, os.PathLike)) and os.path.isfile(scenario) \
            and _gpusim.is_sweep_file(os.fspath(scenario)):
        csv = _gpusim.sweep_file(os.fspath(scenario), [], specs, threads)
    else:
        csv = _gpusim.sweep_scenario(_scenario(scenario)._native, specs, threads)
    return _read_csv(csv)


class MonteCarlo:
    """The runs of ``gpusim mc``: statistics per result, each run, monthly bands.

    ``summary`` is mc.json as a dict; ``stats`` a DataFrame indexed by result
    path with mean, sd, p5, p50, p95 and count; ``runs`` runs.csv (the inputs
    drawn, as numbers in their units, and each run's headline results);
    ``bands`` the monthly p5/p50/p95 of revenue and net income per day (each
    month's total ÷ its days) and of the cumulative cash at the month's end.
    """

    def __init__(self, native: "_gpusim.NativeMonteCarlo") -> None:
        self._native = native
        self.summary: dict[str, Any] = json.loads(native.json())

    @property
    def stats(self) -> pd.DataFrame:
        """Per result path: mean, sd, p5, p50, p95 and count (runs where it was defined)."""
        frame = pd.DataFrame.from_dict(self.summary["metrics"], orient="index")
        frame.index.name = "metric"
        return frame

    @property
    def runs(self) -> pd.DataFrame:
        """runs.csv: per run, the uncertain inputs drawn (numbers in their units), then the headline results."""
        return _read_csv(self._native.runs_csv(), index_col="run")

    @property
    def bands(self) -> pd.DataFrame:
        """Per month: p5, p50 and p95 of revenue and net income per day, and cumulative cash (USD)."""
        return pd.DataFrame(self._native.bands()).set_index("month")

    @property
    def table(self) -> str:
        """The statistics as ``gpusim mc`` prints them."""
        return self._native.table()

    def __repr__(self) -> str:
        return f"<gpusim.MonteCarlo of {self.summary['runs']} runs, seed {self.summary['seed']}>"


def mc(scenario: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]],
       runs: int = 1000, seed: int = 1, threads: int = 0) -> MonteCarlo:
    """Monte Carlo over the scenario's ``uncertain:`` inputs, noise and failures, as ``gpusim mc``.

    Run i draws from streams of (seed, i) only: same seed, same numbers, on any
    number of ``threads`` (0: every core).
    """
    loaded = _scenario(scenario)
    if loaded._native.uncertain_count == 0:
        warnings.warn(f"gpusim mc: note: {loaded.file} has no uncertain: inputs; runs differ only by "
                      "demand noise and drawn failures, if any", stacklevel=2)
    return MonteCarlo(_gpusim.monte_carlo(loaded._native, runs, seed, threads))


def solve(scenario: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]],
          vary: str, target: str, equals: Union[float, str],
          low: Union[float, str, None] = None, high: Union[float, str, None] = None) -> Result:
    """Goal-seek, as ``gpusim solve --vary VARY --target TARGET=EQUALS``.

    Varies the key ``vary`` until the result ``target`` equals ``equals`` (a
    number, text with a unit such as ``"62%"``, or another result's path); the
    scenario's own ``solve:`` block is ignored. Returns the final run, with
    ``summary["solve"]`` saying the value found.
    """
    def text(value: Union[float, str, None]) -> Optional[str]:
        return None if value is None else _yaml_value(value)

    return Result(_gpusim.solve(_scenario(scenario)._native, vary, target, _yaml_value(equals), text(low), text(high)))


def catalog() -> pd.DataFrame:
    """The built-in GPU models (``gpusim catalog``), indexed by id: tdp_w, idle_w, overhead_w, price_usd, gpus_per_server, gpus_per_rack (NaN where none), source."""
    return pd.DataFrame(json.loads(_gpusim.catalog_json())).set_index("id")
