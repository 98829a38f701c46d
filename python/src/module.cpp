// gpusim._gpusim: the native half of `import gpusim`, a thin layer over the
// gpusim_sim library. It loads scenarios (a file, YAML text or a Python dict)
// with the command's loader, runs, solves, sweeps and Monte-Carlos them with
// the command's functions, and hands back the command's own outputs (the JSON
// summary, the CSVs) for python/gpusim/__init__.py to turn into dicts and
// pandas DataFrames. The engine runs with the GIL released.
//
// Errors: a scenario error (or a model error, located at its key) raises
// gpusim.ScenarioError with the command's text and `.diagnostics`; any other
// C++ exception becomes a Python exception through pybind11, never a crash.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/locate.hpp"
#include "sim/explain/explain.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace py = pybind11;
using namespace gpusim;

namespace {

// A scenario error the module builds itself (a model error placed at its key):
// the diagnostics and the command's full text.
struct LocatedError {
  std::vector<Diagnostic> diagnostics;
  std::string text;
};

LocatedError model_error(Diagnostic d) {
  return {{d}, d.str() + "\n1 error; nothing was written"};
}

PyObject* scenario_error_type = nullptr;  // gpusim.ScenarioError, created once at import

void raise_scenario_error(const std::vector<Diagnostic>& diagnostics, std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  py::object diagnostic = py::module_::import("gpusim._gpusim").attr("Diagnostic");
  py::list items;
  for (const auto& d : diagnostics) {
    py::object file = d.loc.file ? py::object(py::str(*d.loc.file)) : py::object(py::none());
    py::object line = d.loc.line > 0 ? py::object(py::int_(d.loc.line)) : py::object(py::none());
    py::object col = d.loc.line > 0 ? py::object(py::int_(d.loc.col)) : py::object(py::none());
    items.append(diagnostic(file, line, col, d.path, d.message));
  }
  py::object error = py::reinterpret_borrow<py::object>(scenario_error_type)(text);
  error.attr("diagnostics") = items;
  PyErr_SetObject(scenario_error_type, error.ptr());
}

// ---- Python values → a scenario document -------------------------------------

struct DictReader {
  std::shared_ptr<const std::string> file;
  Diagnostics& diags;
  DocLimits limits;
  std::size_t nodes = 0;

  SourceLoc where() const { return {file, 0, 0}; }

  DocNode read(py::handle value, const std::string& path, int depth) {
    DocNode node;
    node.loc = where();
    if (++nodes > limits.max_nodes || depth > limits.max_depth) {
      if (nodes == limits.max_nodes + 1 || depth == limits.max_depth + 1)
        diags.error(where(), path,
                    depth > limits.max_depth
                        ? "values nested more than " + std::to_string(limits.max_depth) + " levels deep; a scenario needs a handful"
                        : "more than " + std::to_string(limits.max_nodes) + " values; a scenario needs far fewer");
      return node;
    }
    if (value.is_none()) return node;
    if (PyBool_Check(value.ptr())) {
      node.kind = DocNode::Kind::scalar;
      node.scalar = value.ptr() == Py_True ? "true" : "false";
    } else if (PyUnicode_Check(value.ptr())) {
      node.kind = DocNode::Kind::scalar;
      node.scalar = value.cast<std::string>();
    } else if (PyIndex_Check(value.ptr())) {
      node.kind = DocNode::Kind::scalar;
      node.scalar = py::str(py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())));
    } else if (PyFloat_Check(value.ptr()) || py::hasattr(value, "__float__")) {
      node.kind = DocNode::Kind::scalar;
      node.scalar = py::repr(py::float_(py::reinterpret_borrow<py::object>(value)));
    } else if (PyDict_Check(value.ptr()) || py::isinstance(value, py::module_::import("collections.abc").attr("Mapping"))) {
      node.kind = DocNode::Kind::map;
      for (auto item : py::reinterpret_borrow<py::object>(value).attr("items")()) {
        const auto pair = item.cast<py::tuple>();
        if (!PyUnicode_Check(pair[0].ptr())) {
          diags.error(where(), path,
                      "keys must be text; got " + std::string(py::str(py::repr(pair[0]))) + " (a Python " +
                          std::string(py::str(pair[0].get_type().attr("__name__"))) + ")");
          continue;
        }
        const std::string key = pair[0].cast<std::string>();
        node.keys.push_back(key);
        node.key_locs.push_back(where());
        node.children.push_back(read(pair[1], path.empty() ? key : path + "." + key, depth + 1));
      }
    } else if (PyList_Check(value.ptr()) || PyTuple_Check(value.ptr())) {
      node.kind = DocNode::Kind::seq;
      for (auto item : value) node.children.push_back(read(item, path, depth + 1));
    } else {
      diags.error(where(), path,
                  "expected a number, text, true/false, None, a list or a dict; got a Python " +
                      std::string(py::str(value.get_type().attr("__name__"))));
    }
    return node;
  }
};

// ---- Scenarios and results ---------------------------------------------------

struct Scenario {
  std::shared_ptr<const LoadedScenario> loaded;
};

struct Result {
  std::shared_ptr<const Results> results;
  std::shared_ptr<const LoadedScenario> loaded;  // the scenario it ran, for explain
};

Scenario finish_loading(DocNode document, const std::string& name, const std::vector<std::string>& overrides) {
  py::gil_scoped_release release;
  return Scenario{std::make_shared<const LoadedScenario>(load_scenario_document(std::move(document), name, overrides))};
}

Scenario load_file(const std::string& path, const std::vector<std::string>& overrides) {
  py::gil_scoped_release release;
  return Scenario{std::make_shared<const LoadedScenario>(load_scenario(path, overrides))};
}

Scenario load_text(const std::string& text, const std::string& name, const std::string& base_dir,
                   const std::vector<std::string>& overrides) {
  Diagnostics diags;
  DocNode document = parse_yaml_text(text, name, diags);
  diags.throw_if_any();
  document = resolve_extends(std::move(document), base_dir, diags);
  diags.throw_if_any();
  return finish_loading(std::move(document), name, overrides);
}

Scenario load_dict(py::handle mapping, const std::string& name, const std::string& base_dir,
                   const std::vector<std::string>& overrides) {
  Diagnostics diags;
  DictReader reader{std::make_shared<const std::string>(name), diags, {}};
  DocNode document = reader.read(mapping, "", 0);
  diags.throw_if_any();
  document = resolve_extends(std::move(document), base_dir, diags);
  diags.throw_if_any();
  return finish_loading(std::move(document), name, overrides);
}

Result run(const Scenario& s) {
  py::gil_scoped_release release;
  try {
    return Result{std::make_shared<const Results>(run_document(s.loaded->document)), s.loaded};
  } catch (const ModelError& e) {
    throw model_error(locate_model_error(*s.loaded, e));
  }
}

Result solve(const Scenario& s, const std::string& vary, const std::string& target, const std::string& equals,
             const std::optional<std::string>& low, const std::optional<std::string>& high) {
  SolveRequest request;
  request.vary = vary;
  request.target = target;
  if (const auto error = set_solve_equals(request, equals)) throw std::invalid_argument("gpusim solve: " + *error);
  request.low = low;
  request.high = high;
  py::gil_scoped_release release;
  DocNode document = s.loaded->document;
  document.erase("solve");
  try {
    return Result{std::make_shared<const Results>(solve_scenario(document, request)), s.loaded};
  } catch (const ModelError& e) {
    throw model_error(locate_solve_error(*s.loaded, e));
  }
}

std::string sweep_points(const DocNode& document, const std::vector<std::string>& vary, unsigned threads) {
  if (vary.empty())
    throw std::invalid_argument(
        "gpusim sweep: nothing to vary (give --vary PATH=FROM:TO:STEP, or a sweep file with vary:)");
  py::gil_scoped_release release;
  std::vector<VaryAxis> axes;
  for (const auto& v : vary) axes.push_back(parse_vary(document, v));
  try {
    return sweep_csv(axes, run_points(document, grid_overrides(axes), threads));
  } catch (const ModelError& e) {
    throw LocatedError{{Diagnostic{SourceLoc{}, e.path(), e.what()}},
                       "gpusim sweep: error: " + e.path() + ": " + e.what() + "\n1 error; nothing was written"};
  }
}

std::string sweep_scenario(const Scenario& s, const std::vector<std::string>& vary, unsigned threads) {
  return sweep_points(s.loaded->document, vary, threads);
}

// A sweep file (top-level `sweep:`), its own vary: first, then `vary`.
std::string sweep_file(const std::string& path, const std::vector<std::string>& overrides,
                       const std::vector<std::string>& vary, unsigned threads) {
  SweepPlan plan;
  {
    py::gil_scoped_release release;
    Diagnostics diags;
    const DocNode raw = load_document(path, diags);
    diags.throw_if_any();
    plan = read_sweep_file(path, raw, overrides);
  }
  for (const auto& v : vary) plan.vary.push_back(v);
  return sweep_points(plan.document, plan.vary, threads);
}

bool is_sweep_path(const std::string& path) {
  py::gil_scoped_release release;
  Diagnostics diags;
  const DocNode raw = load_document(path, diags);
  return diags.empty() && is_sweep_file(raw);
}

struct MonteCarlo {
  std::shared_ptr<const MonteCarloResult> result;
};

MonteCarlo monte_carlo(const Scenario& s, std::size_t runs, std::uint64_t seed, unsigned threads) {
  if (const auto error = check_runs(runs)) throw std::invalid_argument("gpusim mc: " + *error);
  py::gil_scoped_release release;
  try {
    return MonteCarlo{std::make_shared<const MonteCarloResult>(run_monte_carlo(s.loaded->document, runs, seed, threads))};
  } catch (const ModelError& e) {
    throw model_error(locate_model_error(*s.loaded, e));
  }
}

Period period_named(const std::string& name) {
  const std::pair<const char*, Period> names[] = {{"step", Period::step}, {"day", Period::day}, {"month", Period::month},
                                                  {"quarter", Period::quarter}, {"year", Period::year}};
  for (const auto& [n, p] : names)
    if (name == n) return p;
  throw std::invalid_argument("every must be step, day, month, quarter or year");
}

}  // namespace

PYBIND11_MODULE(_gpusim, m) {
  m.doc() = "The native half of gpusim: the command's library, called from Python. Use `import gpusim`.";
  m.attr("__version__") = GPUSIM_VERSION;
  m.attr("Diagnostic") = py::module_::import("collections").attr("namedtuple")(
      "Diagnostic", py::make_tuple("file", "line", "column", "key", "message"));
  m.attr("Diagnostic").attr("__module__") = "gpusim";
  m.attr("Diagnostic").attr("__doc__") =
      "One scenario error: file (or None), line and column (1-based, None when not in a file), "
      "key path, message.";
  scenario_error_type = PyErr_NewExceptionWithDoc(
      "gpusim.ScenarioError",
      "A scenario that cannot be read or run. str(error) is the command's text "
      "(FILE:LINE:COL: error: KEY: message, then 'N errors; nothing was run'); "
      "`.diagnostics` lists each error as a Diagnostic(file, line, column, key, message).",
      PyExc_ValueError, nullptr);
  m.add_object("ScenarioError", py::handle(scenario_error_type));

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ScenarioError& e) {
      raise_scenario_error(e.diagnostics(), e.report());
    } catch (const LocatedError& e) {
      raise_scenario_error(e.diagnostics, e.text);
    } catch (const ModelError& e) {
      raise_scenario_error({Diagnostic{SourceLoc{}, e.path(), e.what()}},
                           "error: " + e.path() + ": " + e.what() + "\n1 error; nothing was written");
    }
  });

  py::class_<Scenario>(m, "NativeScenario")
      .def_property_readonly("name", [](const Scenario& s) { return s.loaded->spec.name; })
      .def_property_readonly("file", [](const Scenario& s) { return s.loaded->file; })
      .def_property_readonly("uncertain_count", [](const Scenario& s) { return s.loaded->spec.uncertain.size(); })
      .def("describe", [](const Scenario& s) { return print_scenario(s.loaded->spec); })
      .def("with_overrides", [](const Scenario& s, const std::vector<std::string>& overrides) {
        return finish_loading(s.loaded->document, s.loaded->file, overrides);
      });

  py::class_<Result>(m, "NativeResult")
      .def("summary_json", [](const Result& r) { return summary_json(*r.results).dump(); })
      .def("table", [](const Result& r) { return summary_table(*r.results); })
      .def("timeseries_csv", [](const Result& r, const std::string& every) {
        const Period period = period_named(every);
        py::gil_scoped_release release;
        return timeseries_csv(*r.results, period);
      })
      .def_property_readonly("step_hours", [](const Result& r) { return r.results->time.step_hours; })
      .def("explain", [](const Result& r, const std::string& path, int depth) {
        // `gpusim explain`'s tree of this run: (JSON text, the command's text).
        explain::Node root;
        {
          py::gil_scoped_release release;
          const explain::Context ctx = explain::make_context(*r.loaded, *r.results);
          try {
            root = explain::explain_path(ctx, path);
          } catch (const explain::UnknownPath& e) {
            throw std::invalid_argument(std::string("gpusim explain: error: ") + e.what());
          }
        }
        return std::make_pair(explain::to_json(root, depth).dump(), explain::to_text(root, depth));
      }, py::arg("path"), py::arg("depth") = -1);

  py::class_<MonteCarlo>(m, "NativeMonteCarlo")
      .def("json", [](const MonteCarlo& mc) { return monte_carlo_json(*mc.result).dump(); })
      .def("table", [](const MonteCarlo& mc) { return monte_carlo_table(*mc.result); })
      .def("runs_csv", [](const MonteCarlo& mc) { return monte_carlo_runs_csv(*mc.result); })
      .def("bands", [](const MonteCarlo& mc) {
        const auto& r = *mc.result;
        py::dict out;
        out["month"] = r.monthly.empty() ? std::vector<std::string>{} : r.monthly.front().months;
        for (const MonthlyBand& band : r.monthly) {  // the fan chart's default series; flows per day
          out[py::str(band.name + "_p5")] = band.p5;
          out[py::str(band.name + "_p50")] = band.p50;
          out[py::str(band.name + "_p95")] = band.p95;
        }
        return out;
      });

  m.def("load_file", &load_file, py::arg("path"), py::arg("overrides"));
  m.def("load_text", &load_text, py::arg("text"), py::arg("name"), py::arg("base_dir"), py::arg("overrides"));
  m.def("load_dict", &load_dict, py::arg("mapping"), py::arg("name"), py::arg("base_dir"), py::arg("overrides"));
  m.def("run", &run, py::arg("scenario"));
  m.def("solve", &solve, py::arg("scenario"), py::arg("vary"), py::arg("target"), py::arg("equals"),
        py::arg("low"), py::arg("high"));
  m.def("sweep_scenario", &sweep_scenario, py::arg("scenario"), py::arg("vary"), py::arg("threads"));
  m.def("sweep_file", &sweep_file, py::arg("path"), py::arg("overrides"), py::arg("vary"), py::arg("threads"));
  m.def("is_sweep_file", &is_sweep_path, py::arg("path"));
  m.def("monte_carlo", &monte_carlo, py::arg("scenario"), py::arg("runs"), py::arg("seed"), py::arg("threads"));
  m.def("catalog_json", [] { return catalog_json().dump(); });
}
