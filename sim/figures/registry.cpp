#include "sim/figures/registry.hpp"

#include "sim/output/columns.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "sim/analysis/sweep.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/solve.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"
#include "sim/scenario/quantity.hpp"

namespace gpusim {

namespace {

struct DisplayUnit {
  const char* name;
  double to_summary;  // summary units per one of this unit
};
// Units a published value may carry, and how they map to the summary's units.
constexpr DisplayUnit kUnits[] = {
    {"%", 0.01},       {"USD", 1.0},        {"USD/gpu-h", 1.0}, {"USD/GW/y", 1.0}, {"USD/GW", 1.0},
    {"USD/y", 1.0},    {"gpu-h", 1.0},      {"gpus", 1.0},      {"kWh", 1.0},      {"MWh", 1e3},
    {"GWh", 1e6},      {"TWh", 1e9},        {"MW", 1.0},        {"GW", 1e3},       {"y", 1.0},
    {"t", 1.0},
};

struct Parsed {
  double value = 0.0;        // summary units
  double scale = 1.0;        // summary units per display unit
  std::string suffix;        // display unit with multiplier: "B gpu-h" is "B" + " gpu-h"
};

std::optional<Parsed> parse_published(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == ' ') t.pop_back();
  // Split number (with optional multiplier) from unit.
  std::size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.' || t[i] == '-' ||
                          t[i] == '+' || t[i] == ',' || t[i] == '_' || t[i] == 'e'))
    ++i;
  std::string number = t.substr(0, i);
  std::string rest = t.substr(i);
  double mult = 1.0;
  std::string mult_text;
  if (!rest.empty() && (rest[0] == 'k' || rest[0] == 'M' || rest[0] == 'B' || rest[0] == 'T') &&
      (rest.size() == 1 || rest[1] == ' ')) {
    mult = rest[0] == 'k' ? 1e3 : rest[0] == 'M' ? 1e6 : rest[0] == 'B' ? 1e9 : 1e12;
    mult_text = rest.substr(0, 1);
    rest = rest.substr(1);
  }
  while (!rest.empty() && rest.front() == ' ') rest.erase(rest.begin());
  const auto n = parse_plain_number(number);
  if (!n) return std::nullopt;
  double unit_factor = 1.0;
  if (!rest.empty()) {
    bool found = false;
    for (const auto& u : kUnits)
      if (rest == u.name) {
        unit_factor = u.to_summary;
        found = true;
      }
    if (!found) return std::nullopt;
  }
  Parsed p;
  p.value = *n * mult * unit_factor;
  p.scale = mult * unit_factor;
  p.suffix = mult_text + (rest.empty() ? "" : rest == "%" ? "%" : " " + rest);
  return p;
}

std::string units_list() {
  std::string out;
  for (const auto& u : kUnits) out += (out.empty() ? "" : ", ") + std::string(u.name);
  return out;
}

}  // namespace

std::vector<FigureSpec> load_registry(const std::string& path) {
  Diagnostics diags;
  const DocNode doc = load_document(path, diags);
  diags.throw_if_any();
  const std::string folder = std::filesystem::path(path).parent_path().string();
  std::vector<FigureSpec> out;
  const DocNode* list = doc.find("figures");
  if (!doc.is_map() || !list || !list->is_seq()) {
    diags.error(doc.loc, "figures", "expected a map with a list 'figures:' of {id, title, source, scenario, metric, published, tolerance}");
    diags.throw_if_any();
  }
  for (std::size_t k = 0; k < doc.keys.size(); ++k)
    if (doc.keys[k] != "figures")
      diags.error(doc.key_locs[k], doc.keys[k], "unknown key (valid keys: figures)");
  const std::vector<std::string> valid{"id", "title", "source", "scenario", "set", "metric", "published", "unit", "tolerance", "note", "label", "basis"};
  std::set<std::string> ids;
  for (const DocNode& item : list->children) {
    const DocNode* id = item.find("id");
    const std::string where = "figures." + (id && id->is_scalar() ? id->scalar : std::string("?"));
    if (!item.is_map()) {
      diags.error(item.loc, where, "expected a map with keys " + join_names(valid));
      continue;
    }
    for (std::size_t k = 0; k < item.keys.size(); ++k)
      if (std::find(valid.begin(), valid.end(), item.keys[k]) == valid.end())
        diags.error(item.key_locs[k], where + "." + item.keys[k],
                    "unknown key" + did_you_mean(item.keys[k], valid) + " (valid keys: " + join_names(valid) + ")");
    FigureSpec f;
    auto text = [&](const char* key, std::string& target, bool required) {
      const DocNode* n = item.find(key);
      if (!n) {
        if (required) diags.error(item.loc, where, std::string("missing required key '") + key + "'");
        return;
      }
      if (!n->is_scalar() || n->scalar.empty()) {
        diags.error(n->loc, where + "." + key, "expected text");
        return;
      }
      target = n->scalar;
    };
    text("id", f.id, true);
    text("title", f.title, true);
    text("source", f.source, true);
    text("scenario", f.scenario, true);
    text("metric", f.metric, true);
    text("note", f.note, false);
    text("label", f.label, false);
    if (f.label.empty()) f.label = f.id;
    text("basis", f.basis, false);
    if (f.basis != "computed" && f.basis != "target" && f.basis != "calibrated")
      diags.error(item.key_loc("basis"), where + ".basis",
                  "unknown basis '" + f.basis + "'" + did_you_mean(f.basis, {"computed", "target", "calibrated"}) +
                      " (expected computed, target or calibrated)");
    if (!f.id.empty() && !ids.insert(f.id).second) diags.error(item.key_loc("id"), where, "duplicate id '" + f.id + "'");
    if (!f.scenario.empty()) f.scenario = (std::filesystem::path(folder) / f.scenario).lexically_normal().string();
    if (const DocNode* s = item.find("set")) {
      if (!s->is_seq()) diags.error(s->loc, where + ".set", "expected a list of PATH=VALUE");
      else
        for (const auto& c : s->children) {
          if (c.is_scalar() && c.scalar.find('=') != std::string::npos) f.set.push_back(c.scalar);
          else diags.error(c.loc, where + ".set", "expected PATH=VALUE");
        }
    }
    if (const DocNode* p = item.find("published")) {
      if (p->is_seq() && p->children.size() == 2 && p->children[0].is_scalar() && p->children[1].is_scalar()) {
        const auto lo = parse_published(p->children[0].scalar), hi = parse_published(p->children[1].scalar);
        if (!lo || !hi || lo->value >= hi->value) {
          diags.error(p->loc, where + ".published", "expected a range [LOW, HIGH] with LOW < HIGH, each a number with one of: " + units_list());
        } else {
          f.published_low = lo->value;
          f.published_high = hi->value;
          f.display_scale = lo->scale;
          f.display_suffix = lo->suffix;
          f.published_text = p->children[0].scalar + " to " + p->children[1].scalar;
        }
      } else if (p->is_scalar()) {
        const auto v = parse_published(p->scalar);
        if (!v) {
          diags.error(p->loc, where + ".published", "'" + p->scalar + "' is not a number with a unit (units: " + units_list() + ")");
        } else {
          f.published = v->value;
          f.display_scale = v->scale;
          f.display_suffix = v->suffix;
          f.published_text = p->scalar;
        }
      } else {
        diags.error(p->loc, where + ".published", "expected a value such as 22% or 2.19B gpu-h, or a range [LOW, HIGH]");
      }
    }
    if (const DocNode* u = item.find("unit")) {
      // The display unit of a figure shown without a published value: "%", "B USD/GW/y", "y".
      const std::string unit = u->is_scalar() ? u->scalar : "";
      const bool attached = !unit.empty() && (unit[0] == 'k' || unit[0] == 'M' || unit[0] == 'B' || unit[0] == 'T' || unit == "%");
      const auto v = parse_published(unit.empty() ? "" : (attached ? "1" : "1 ") + unit);
      if (!v) diags.error(u->loc, where + ".unit", "'" + unit + "' is not a display unit (units: " + units_list() + ", optionally after k, M, B or T)");
      else if (!f.published && !f.published_low) {
        f.display_scale = v->scale;
        f.display_suffix = v->suffix;
      }
    }
    if (const DocNode* t = item.find("tolerance")) {
      // "1%": relative to the published value; "0.5 pp": percentage points;
      // "0.01 USD/gpu-h" (any published unit): absolute.
      std::string tol = t->is_scalar() ? t->scalar : "";
      const bool pp = tol.size() > 2 && tol.compare(tol.size() - 2, 2, "pp") == 0;
      if (pp) tol = tol.substr(0, tol.size() - 2);
      const auto v = parse_published(tol);
      if (!v || v->value < 0 || tol.empty()) {
        diags.error(t->loc, where + ".tolerance",
                    "expected a relative tolerance such as 1%, percentage points such as 0.5 pp, or an absolute "
                    "amount in the published unit");
      } else if (pp) {
        f.tolerance = v->value * 0.01;
        f.tolerance_absolute = true;
      } else if (tol.find('%') != std::string::npos) {
        f.tolerance = v->value;
      } else {
        f.tolerance = v->value;
        f.tolerance_absolute = true;
      }
      f.tolerance_given = true;
    }
    out.push_back(std::move(f));
  }
  diags.throw_if_any();
  return out;
}

std::string display_value(const FigureSpec& spec, double v) {
  const double shown = v / spec.display_scale;
  char buf[64];
  const double a = std::fabs(shown);
  const int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  std::snprintf(buf, sizeof buf, "%s", with_commas(shown, decimals).c_str());
  return std::string(buf) + spec.display_suffix;
}

std::string difference_text(const FigureResult& r) {
  if (!r.difference) return "";
  char buf[64];
  if (!r.spec.tolerance_absolute) {
    std::snprintf(buf, sizeof buf, "%+.2f%%", *r.difference * 100);
  } else if (r.spec.display_suffix == "%") {
    std::snprintf(buf, sizeof buf, "%+.2f pp", *r.difference * 100);  // percentage points
  } else {
    return (*r.difference >= 0 ? "+" : "") + display_value(r.spec, *r.difference);
  }
  return buf;
}

std::vector<FigureResult> run_figures(const std::vector<FigureSpec>& specs, const std::vector<std::string>& only,
                                      unsigned threads, const EngineOptions& engine) {
  std::vector<const FigureSpec*> chosen;
  for (const auto& id : only) {
    if (std::none_of(specs.begin(), specs.end(), [&](const FigureSpec& f) { return f.id == id; })) {
      std::vector<std::string> ids;
      for (const auto& f : specs) ids.push_back(f.id);
      Diagnostic d;
      d.loc.file = std::make_shared<const std::string>("--only");
      d.path = id;
      d.message = "no figure with id '" + id + "'" + did_you_mean(id, ids) + " (ids: " + join_names(ids) + ")";
      throw ScenarioError({d});
    }
  }
  for (const auto& f : specs)
    if (only.empty() || std::find(only.begin(), only.end(), f.id) != only.end()) chosen.push_back(&f);
  // One run per distinct (scenario, overrides).
  std::vector<std::pair<std::string, std::vector<std::string>>> runs;
  std::vector<std::size_t> run_of(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const std::pair<std::string, std::vector<std::string>> key{chosen[i]->scenario, chosen[i]->set};
    auto it = std::find(runs.begin(), runs.end(), key);
    if (it == runs.end()) {
      runs.push_back(key);
      it = runs.end() - 1;
    }
    run_of[i] = static_cast<std::size_t>(it - runs.begin());
  }
  std::vector<Json> summaries(runs.size());
  parallel_for(runs.size(), threads, [&](std::size_t i) {
    const LoadedScenario loaded = load_scenario(runs[i].first, runs[i].second);
    summaries[i] = summary_json(run_document(loaded.document, engine));
  });
  std::vector<FigureResult> out;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const FigureSpec& f = *chosen[i];
    const auto v = metric_value(summaries[run_of[i]], f.metric);
    if (!v)
      throw ModelError("figures." + f.id + ".metric", "figure " + f.id + ": '" + f.metric + "' is not a result of " +
                                                          f.scenario + did_you_mean(f.metric, metric_names(summaries[run_of[i]])));
    FigureResult r;
    r.spec = f;
    r.reproduced = *v;
    if (f.published) {
      r.checked = true;
      const double diff = *v - *f.published;
      if (f.tolerance_absolute) {
        r.difference = diff;
        r.ok = std::fabs(diff) <= f.tolerance;
      } else {
        r.difference = *f.published != 0 ? diff / std::fabs(*f.published) : diff;
        r.ok = std::fabs(*r.difference) <= f.tolerance;
      }
    } else if (f.published_low) {
      // A range: inside it, give or take the tolerance (absolute, or relative to
      // the nearer end; a goal-seek landing on an end by rounding counts as in).
      r.checked = true;
      const double relative = f.tolerance_given ? f.tolerance : 1e-9;
      const double slack_lo = f.tolerance_absolute ? f.tolerance : relative * std::fabs(*f.published_low);
      const double slack_hi = f.tolerance_absolute ? f.tolerance : relative * std::fabs(*f.published_high);
      r.ok = *v >= *f.published_low - slack_lo && *v <= *f.published_high + slack_hi;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string figures_table(const std::vector<FigureResult>& results) {
  std::ostringstream o;
  o << column("id", 20) << " " << column("figure", 50) << " " << right("published", 18) << " "
    << right("reproduced", 18) << " " << right("diff", 9) << "  ok\n";
  int failed = 0, checked = 0, targets = 0, calibrated = 0;
  for (const auto& r : results) {
    const std::string published = r.spec.published_text.empty() ? "-" : r.spec.published_text;
    o << column(r.spec.id, 20) << " " << column(r.spec.title, 50) << " " << right(published, 18) << " "
      << right(display_value(r.spec, r.reproduced), 18) << " " << right(difference_text(r), 9) << "  "
      << (!r.checked ? "(shown)" : r.ok ? "ok" : "OUT OF TOLERANCE")
      << (r.spec.basis == "computed" || !r.checked ? "" : " (" + r.spec.basis + ")") << "\n";
    checked += r.checked ? 1 : 0;
    failed += r.checked && !r.ok ? 1 : 0;
    targets += r.checked && r.spec.basis == "target" ? 1 : 0;
    calibrated += r.checked && r.spec.basis == "calibrated" ? 1 : 0;
  }
  o << "\n" << checked - failed << " of " << checked << " checked figures within tolerance";
  if (failed) o << "; " << failed << " out of tolerance";
  if (targets || calibrated)
    o << " (of the checked: " << checked - targets - calibrated << " computed from inputs, " << targets
      << (targets == 1 ? " goal-seek target, " : " goal-seek targets, ") << calibrated << " calibrated)";
  o << "\n";
  return o.str();
}

Json figures_json(const std::vector<FigureResult>& results) {
  Json arr = Json::array();
  for (const auto& r : results) {
    Json j;
    j["id"] = r.spec.id;
    j["title"] = r.spec.title;
    j["metric"] = r.spec.metric;
    if (r.spec.published) j["published"] = *r.spec.published;
    else if (r.spec.published_low) j["published"] = Json::array({*r.spec.published_low, *r.spec.published_high});
    else j["published"] = nullptr;
    j["reproduced"] = r.reproduced;
    j["tolerance"] = r.spec.tolerance;
    j["tolerance_kind"] = r.spec.tolerance_absolute ? "absolute" : "relative";
    j["ok"] = r.ok;
    j["checked"] = r.checked;
    j["basis"] = r.spec.basis;
    j["scenario"] = r.spec.scenario;
    arr.push_back(j);
  }
  return arr;
}

std::string figures_csv(const std::vector<FigureResult>& results) {
  std::ostringstream o;
  o << "id,title,metric,published,reproduced,tolerance,ok\n";
  for (const auto& r : results) {
    std::string title = r.spec.title;
    for (auto& c : title)
      if (c == '"') c = '\'';
    o << r.spec.id << ",\"" << title << "\"," << r.spec.metric << ","
      << (r.spec.published ? format_number(*r.spec.published)
          : r.spec.published_low ? format_number(*r.spec.published_low) + ".." + format_number(*r.spec.published_high)
                                 : std::string())
      << "," << format_number(r.reproduced) << ","
      << format_number(r.spec.tolerance) << ","
      << (r.ok ? "true" : "false") << "\n";
  }
  return o.str();
}

}  // namespace gpusim
