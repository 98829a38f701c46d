// Sweeps (sim/analysis/sweep.*, `gpusim sweep`): parse_vary's ranges, lists,
// units and errors (each exact message); the grid's order (first axis slowest);
// each sweep row equals a direct run with the same --set; the CSV does not
// depend on --threads; --out writes sweep.csv whole, --plot sweep.svg; a sweep
// file works; a bad --vary exits 2 with its error.
//
// The base scenario is small (10 days at 1 d steps) so the whole file runs in
// well under a second.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "sim/analysis/sweep.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

// 100 T1 GPUs for 10 days; a reserved contract C of 60 GPUs at 2 USD/gpu-h.
const char* const kBase = R"(name: sweep base
time: {start: 2024-01-01, end: 2024-01-11, step: 1d}
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
sites: [{name: s, pue: 1.2, electricity: 0.1 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100, afr: 10%, repair: 2d}]
contracts: [{name: C, pool: p, gpus: 60, price: 2 USD/gpu-h}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 20, price: 3 USD/gpu-h, noise: 10%}]
)";

DocNode document_of(const std::string& text) {
  Diagnostics diags;
  DocNode doc = parse_yaml_text(text, "base.yaml", diags);
  diags.throw_if_any();
  return doc;
}

// The ScenarioError parse_vary throws, or a test failure.
Diagnostic vary_error(const std::string& spec) {
  try {
    parse_vary(document_of(kBase), spec);
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.diagnostics().front();
  }
  ADD_FAILURE() << spec << ": no ScenarioError";
  return {};
}

using testing::CommandResult;

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::vector<std::string> lines_of(const std::string& s) {
  auto lines = split(s, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool have_gnuplot() { return std::system("command -v gnuplot > /dev/null 2>&1") == 0; }

// ---------------------------------------------------------------------------
// parse_vary

TEST(ParseVary, RangeIncludesToWhenItFallsOnAStep) {
  const VaryAxis a = parse_vary(document_of(kBase), "contracts.C.price=1:2:0.5");
  EXPECT_EQ(a.path, "contracts.C.price");
  EXPECT_EQ(a.values, (std::vector<double>{1.0, 1.5, 2.0}));
  EXPECT_EQ(a.texts, (std::vector<std::string>{"1 USD/gpu-h", "1.5 USD/gpu-h", "2 USD/gpu-h"}));
  // TO off the grid: the last value is the last step at or below TO.
  EXPECT_EQ(parse_vary(document_of(kBase), "contracts.C.price=1:2.2:0.5").values,
            (std::vector<double>{1.0, 1.5, 2.0}));
  // 0.1 + 2 × 0.1 is 0.30000000000000004 in binary: TO = 0.3 still counts as on a step.
  const VaryAxis f = parse_vary(document_of(kBase), "contracts.C.price=0.1:0.3:0.1");
  ASSERT_EQ(f.values.size(), 3u);
  EXPECT_NEAR(f.values[2], 0.3, 1e-15);
  // FROM = TO: one point.
  EXPECT_EQ(parse_vary(document_of(kBase), "contracts.C.price=2:2:1").values, (std::vector<double>{2.0}));
  // Each text reads back as its value through the loader.
  for (std::size_t i = 0; i < f.texts.size(); ++i) {
    const QuantityResult q = parse_quantity(f.texts[i], UnitKind::gpu_hour_price, "price", "USD/gpu-h");
    ASSERT_TRUE(q.ok()) << q.error;
    EXPECT_EQ(q.value, f.values[i]);
  }
}

TEST(ParseVary, BareNumbersAreInTheKeysDefaultUnit) {
  const DocNode doc = document_of(kBase);
  // electricity: bare numbers in USD/kWh; values in the base unit USD/Wh (÷ 1,000).
  const VaryAxis e = parse_vary(doc, "sites.s.electricity=0.05:0.1:0.05");
  ASSERT_EQ(e.values.size(), 2u);
  EXPECT_DOUBLE_EQ(e.values[0], 0.05 / 1000);
  EXPECT_DOUBLE_EQ(e.values[1], 0.1 / 1000);
  // life: bare numbers in years, written back in years.
  const VaryAxis l = parse_vary(doc, "fleet.p.life=2:4:1");
  EXPECT_EQ(l.values, (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(l.texts, (std::vector<std::string>{"2y", "3y", "4y"}));
  // repair: bare numbers in hours.
  EXPECT_EQ(parse_vary(doc, "fleet.p.repair=24:72:24").texts, (std::vector<std::string>{"24h", "48h", "72h"}));
  // A count: bare, with a k suffix.
  EXPECT_EQ(parse_vary(doc, "fleet.p.count=1k:3k:1k").values, (std::vector<double>{1000, 2000, 3000}));
}

TEST(ParseVary, UnitsAreConvertedToTheBaseUnit) {
  const DocNode doc = document_of(kBase);
  // 50 to 100 USD/MWh = 0.05 to 0.1 USD/kWh = 5e-5 to 1e-4 USD/Wh.
  const VaryAxis e = parse_vary(doc, "sites.s.electricity=50 USD/MWh:100 USD/MWh:25 USD/MWh");
  ASSERT_EQ(e.values.size(), 3u);
  EXPECT_DOUBLE_EQ(e.values[0], 5e-5);
  EXPECT_DOUBLE_EQ(e.values[2], 1e-4);
  // Units may differ between FROM, TO and STEP: 1 d to 3 d by 24 h.
  const VaryAxis r = parse_vary(doc, "fleet.p.repair=1d:3d:24h");
  EXPECT_EQ(r.values, (std::vector<double>{24, 48, 72}));
  EXPECT_EQ(r.texts, (std::vector<std::string>{"24h", "48h", "72h"}));
  // A percentage.
  EXPECT_EQ(parse_vary(doc, "fleet.p.afr=0%:10%:5%").values.size(), 3u);
}

TEST(ParseVary, ListsKeepTheirTextsAsWritten) {
  const VaryAxis a = parse_vary(document_of(kBase), "contracts.C.price=1.5,2 USD/gpu-h,250 USD/gpu-h");
  EXPECT_EQ(a.texts, (std::vector<std::string>{"1.5", "2 USD/gpu-h", "250 USD/gpu-h"}));
  EXPECT_EQ(a.values, (std::vector<double>{1.5, 2.0, 250.0}));
  // One value is a list of one.
  EXPECT_EQ(parse_vary(document_of(kBase), "fleet.p.count=250").values, (std::vector<double>{250}));
}

TEST(ParseVary, ABadPathListsWhatExists) {
  const Diagnostic d = vary_error("contracts.X.price=1:2:1");
  EXPECT_EQ(d.loc.str(), "--vary contracts.X.price");
  EXPECT_EQ(d.path, "contracts.X.price");
  EXPECT_EQ(d.message, "'contracts.X.price': no item named 'X' in contracts (items: C)");
  // A key typo: a suggestion, then every key (their order is the schema's).
  const std::string typo = vary_error("contracts.C.prise=1:2:1").message;
  EXPECT_EQ(typo.rfind("'contracts.C.prise': a contract has no key 'prise'; did you mean 'price'? (keys: name, "
                       "customer, kind, pool, gpus, gpu_hours, price, value, ", 0),
            0u)
      << typo;
  EXPECT_NE(typo.find(", activity, "), std::string::npos) << typo;
  EXPECT_EQ(vary_error("sites.t.pue=1.2").message, "'sites.t.pue': no item named 't' in sites (items: s)");
  EXPECT_EQ(vary_error("fleet.p.gpu=1:2:1").message, "'fleet.p.gpu' is not a number that can be varied (it is text)");
  EXPECT_EQ(vary_error("contracts.C.price").message,
            "expected PATH=FROM:TO:STEP or PATH=V1,V2,... (e.g. contracts.Others.price=1.5:4:0.5)");
}

TEST(ParseVary, RangeErrors) {
  EXPECT_EQ(vary_error("contracts.C.price=1:2:0").message, "STEP must be more than 0");
  EXPECT_EQ(vary_error("contracts.C.price=1:2:-0.5").message, "STEP must be more than 0");
  EXPECT_EQ(vary_error("contracts.C.price=2:1:0.5").message, "TO must not be less than FROM");
  EXPECT_EQ(vary_error("contracts.C.price=1:2").message, "a range is FROM:TO:STEP (three values)");
  EXPECT_EQ(vary_error("fleet.p.count=1:1e9:1").message, "more than 1,000,000 values; use a larger STEP");
}

TEST(ParseVary, WrongUnit) {
  const Diagnostic d = vary_error("contracts.C.price=1 MW:2 MW:1 MW");
  EXPECT_EQ(d.path, "contracts.C.price");
  EXPECT_EQ(d.message, "'MW' is power; price is a price per GPU-hour: USD/gpu-h");
  EXPECT_EQ(vary_error("contracts.C.price=1,2 kWh").message,
            "'kWh' is energy; price is a price per GPU-hour: USD/gpu-h");
}

// Years and hours cannot share a range: 2 y to 30,000 h would otherwise count
// 2, 3, … 30,000 years.
TEST(ParseVary, RegressionYearsAndHoursInOneRange) {
  EXPECT_EQ(vary_error("fleet.p.life=2y:30000h:1y").message,
            "FROM, TO and STEP must all be in years (y) or all in h, d or w");
  EXPECT_EQ(vary_error("fleet.p.life=1000h:3y:1000h").message,
            "FROM, TO and STEP must all be in years (y) or all in h, d or w");
}

// ---------------------------------------------------------------------------
// The grid and the runs

TEST(Sweep, GridVariesTheFirstAxisSlowest) {
  const DocNode doc = document_of(kBase);
  const std::vector<VaryAxis> axes{parse_vary(doc, "contracts.C.price=1,2"),
                                   parse_vary(doc, "fleet.p.count=100,200,300")};
  const auto grid = grid_overrides(axes);
  const std::vector<std::vector<std::string>> expected{
      {"contracts.C.price=1", "fleet.p.count=100"}, {"contracts.C.price=1", "fleet.p.count=200"},
      {"contracts.C.price=1", "fleet.p.count=300"}, {"contracts.C.price=2", "fleet.p.count=100"},
      {"contracts.C.price=2", "fleet.p.count=200"}, {"contracts.C.price=2", "fleet.p.count=300"}};
  EXPECT_EQ(grid, expected);
  EXPECT_EQ(grid_overrides({}), (std::vector<std::vector<std::string>>{{}}));
}

// Each row of a sweep is exactly the run `gpusim run --set …` would give: every
// scalar of the summary, bit for bit.
TEST(Sweep, RowsEqualDirectRunsWithTheSameSet) {
  TempDir dir;
  const std::string file = dir.write("base.yaml", std::string(kBase) + "seed: 5\n");
  const LoadedScenario loaded = load_scenario(file);
  const std::vector<VaryAxis> axes{parse_vary(loaded.document, "contracts.C.price=1:3:1"),
                                   parse_vary(loaded.document, "fleet.p.count=80,120")};
  const auto points = grid_overrides(axes);
  const std::vector<Json> rows = run_points(loaded.document, points, 2);
  ASSERT_EQ(rows.size(), 6u);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Json direct = summary_json(run_document(load_scenario(file, points[i]).document));
    const auto a = flatten_scalars(rows[i]), b = flatten_scalars(direct);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].first, b[k].first);
      EXPECT_EQ(a[k].second, b[k].second) << i << ": " << a[k].first;
    }
  }
  // The points differ where they should: revenue from C is 60 GPUs × 240 h × price.
  EXPECT_EQ(*metric_value(rows[0], "customers.C.revenue_usd"), 60 * 240 * 1.0);
  EXPECT_EQ(*metric_value(rows[4], "customers.C.revenue_usd"), 60 * 240 * 3.0);
  EXPECT_EQ(*metric_value(rows[1], "gpus.gpu_hours_installed"), 120 * 240);
}

// A point that fails throws the first error in point order, whatever the threads.
TEST(Sweep, ThrowsTheFirstErrorInPointOrder) {
  const DocNode doc = document_of(kBase);
  const std::vector<std::vector<std::string>> points{
      {"fleet.p.count=10"}, {"sites.s.pue=0.5"}, {"fleet.p.count=-1"}, {"sites.s.pue=0.7"}};
  for (unsigned threads : {1u, 2u}) {
    try {
      run_points(doc, points, threads);
      ADD_FAILURE() << "no error";
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find("pue"), std::string::npos) << e.what();
    }
  }
}

TEST(Sweep, ParallelForRunsEveryJobOnce) {
  for (unsigned threads : {0u, 1u, 2u, 7u}) {
    std::vector<int> hits(100, 0);
    std::size_t last_done = 0;
    parallel_for(
        hits.size(), threads, [&](std::size_t i) { ++hits[i]; },
        [&](std::size_t done, std::size_t total) {
          EXPECT_EQ(total, 100u);
          last_done = std::max(last_done, done);
        });
    EXPECT_EQ(hits, std::vector<int>(100, 1));
    EXPECT_EQ(last_done, 100u);
  }
  parallel_for(0, 2, [](std::size_t) { ADD_FAILURE(); });
}

// ---------------------------------------------------------------------------
// `gpusim sweep`

TEST(SweepCli, ThreadsDoNotChangeTheCsv) {
  TempDir dir;
  const std::string file = dir.write("base.yaml", std::string(kBase) + "seed: 3\n");
  const std::string args = "sweep " + file + " --vary contracts.C.price=1:4:0.5 --vary demand.od.gpus=10,30";
  const CommandResult one = gpusim(dir, args + " --threads 1");
  const CommandResult two = gpusim(dir, args + " --threads 2");
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(lines_of(one.out).size(), 1u + 7 * 2);
  EXPECT_EQ(one.out, two.out);
}

TEST(SweepCli, OutWritesTheWholeCsv) {
  TempDir dir;
  const std::string file = dir.write("base.yaml", kBase);
  const fs::path out = dir.path() / "out";
  const CommandResult r = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:3:1 --vary fleet.p.count=80,120 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Table: " + out.string() + "/sweep.csv (6 rows)\n");
  // Only sweep.csv: no temporary files left behind.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"sweep.csv"}));
  const auto lines = lines_of(read_file(out / "sweep.csv"));
  ASSERT_EQ(lines.size(), 7u);
  // Header: the varied paths, then every scalar of the JSON summary in its order,
  // including those that are null here (an IRR without a sign change), whose cells are empty.
  const Json summary = summary_json(run_document(load_scenario(file).document));
  std::string header = "contracts.C.price,fleet.p.count";
  for (const auto& name : metric_names(summary)) header += "," + name;
  EXPECT_EQ(lines[0], header);
  // Rows: first axis slowest; the varied values in the key's base unit; every
  // value equals the direct run's (format_number prints the shortest exact form).
  const auto names_row = split(lines[0], ',');
  const std::vector<std::pair<std::string, std::string>> firsts{{"1", "80"}, {"1", "120"}, {"2", "80"},
                                                                {"2", "120"}, {"3", "80"}, {"3", "120"}};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto cells = split(lines[i], ',');
    ASSERT_EQ(cells.size(), names_row.size());
    EXPECT_EQ(cells[0], firsts[i - 1].first);
    EXPECT_EQ(cells[1], firsts[i - 1].second);
    const Json direct = summary_json(run_document(
        load_scenario(file, {"contracts.C.price=" + cells[0], "fleet.p.count=" + cells[1]}).document));
    for (std::size_t k = 2; k < cells.size(); ++k) {
      const auto v = metric_value(direct, names_row[k]);
      if (!v) {
        EXPECT_EQ(cells[k], "") << names_row[k];
        continue;
      }
      EXPECT_EQ(std::strtod(cells[k].c_str(), nullptr), *v) << names_row[k] << " row " << i;
    }
  }
  // Without --out the same CSV goes to stdout.
  const CommandResult s = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:3:1 --vary fleet.p.count=80,120");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out, read_file(out / "sweep.csv"));
}

TEST(SweepCli, PlotWritesSweepSvg) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  const std::string file = dir.write("base.yaml", kBase);
  const fs::path out = dir.path() / "out";
  const CommandResult line = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:3:1 --plot finance.net_income_usd --out " + out.string());
  ASSERT_EQ(line.status, 0) << line.err;
  EXPECT_NE(line.out.find("Chart: " + (out / "sweep.svg").string()), std::string::npos) << line.out;
  const std::string svg = read_file(out / "sweep.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  // Two varied keys: a heatmap.
  const fs::path out2 = dir.path() / "out2";
  const CommandResult heat = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:3:1 --vary fleet.p.count=80,120 --plot utilization.billed --out " + out2.string());
  ASSERT_EQ(heat.status, 0) << heat.err;
  EXPECT_NE(read_file(out2 / "sweep.svg").find("</svg>"), std::string::npos);
  // A result that does not exist is an error, with a suggestion.
  const CommandResult bad = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:3:1 --plot finance.net_incom_usd --out " + (dir.path() / "out3").string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "gpusim sweep: --plot 'finance.net_incom_usd' is not a result; did you mean 'finance.net_income_usd'?\n");
  EXPECT_FALSE(fs::exists(dir.path() / "out3"));
}

TEST(SweepCli, SweepFileWorks) {
  TempDir dir;
  dir.write("base.yaml", kBase);
  const std::string sweep_file = dir.write("sweeps/price.yaml", R"(sweep:
  scenario: ../base.yaml
  set: [fleet.p.count=120]
  vary: [contracts.C.price=1:3:1]
)");
  const CommandResult from_file = gpusim(dir, "sweep " + sweep_file);
  ASSERT_EQ(from_file.status, 0) << from_file.err;
  const CommandResult direct = gpusim(dir, "sweep " + (dir.path() / "base.yaml").string() +
                                               " --set fleet.p.count=120 --vary contracts.C.price=1:3:1");
  ASSERT_EQ(direct.status, 0) << direct.err;
  EXPECT_EQ(from_file.out, direct.out);
  EXPECT_EQ(lines_of(from_file.out).size(), 4u);
  // A --vary on the command line adds an axis to the file's.
  const CommandResult more = gpusim(dir, "sweep " + sweep_file + " --vary demand.od.gpus=0,10");
  ASSERT_EQ(more.status, 0) << more.err;
  EXPECT_EQ(lines_of(more.out).size(), 7u);
  EXPECT_EQ(lines_of(more.out)[0].rfind("contracts.C.price,demand.od.gpus,", 0), 0u);
}

TEST(SweepCli, BadVaryExits2WithTheError) {
  TempDir dir;
  const std::string file = dir.write("base.yaml", kBase);
  const fs::path out = dir.path() / "out";
  const CommandResult r = gpusim(dir, "sweep " + file + " --vary contracts.X.price=1:2:1 --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "--vary contracts.X.price: error: contracts.X.price: 'contracts.X.price': no item named 'X' in contracts "
            "(items: C)\n1 error; nothing was run\n");
  EXPECT_FALSE(fs::exists(out));
  const CommandResult step = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1:2:0");
  EXPECT_EQ(step.status, 2);
  EXPECT_EQ(step.err, "--vary contracts.C.price: error: contracts.C.price: STEP must be more than 0\n1 error; nothing was run\n");
  const CommandResult none = gpusim(dir, "sweep " + file);
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.err, "gpusim sweep: nothing to vary (give --vary PATH=FROM:TO:STEP, or a sweep file with vary:)\n");
  // A value the scenario rejects (a PUE below 1) is the scenario's error, located at --set.
  const CommandResult pue = gpusim(dir, "sweep " + file + " --vary sites.s.pue=0.5,1.2 --out " + out.string());
  EXPECT_EQ(pue.status, 2);
  EXPECT_NE(pue.err.find("pue"), std::string::npos) << pue.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// 1.5 + 14 × 0.1 is 2.9000000000000004 in binary: the grid wrote that into
// the scenario and the CSV. Now each value is the decimal the range means.
TEST(ParseVary, RegressionRangeValuesAreTheShortestDecimal) {
  const VaryAxis axis = parse_vary(document_of(kBase), "contracts.C.price=1.5:3:0.1");
  ASSERT_EQ(axis.values.size(), 16u);
  EXPECT_EQ(axis.texts[14], "2.9 USD/gpu-h");
  EXPECT_EQ(axis.display(14), 2.9);
  EXPECT_EQ(axis.values[14], 2.9);  // USD/gpu-h is the base unit
  // In a unit with a factor (USD/kWh is 10⁻³ USD/Wh): 0.05 + 3 × 0.01 = 0.08.
  const VaryAxis tariff = parse_vary(document_of(kBase), "sites.s.electricity=0.05:0.1:0.01");
  EXPECT_EQ(tariff.texts[3], "0.08 USD/kWh");
  EXPECT_EQ(tariff.display(3), 0.08);
}

// Words in an SVG's texts.
bool svg_has(const std::string& svg, const std::string& text) { return svg.find(">" + text + "<") != std::string::npos; }

// A chart made from command-line flags: its caption is the command that makes
// it; its default title names the result in words (it was the path); --title
// sets it; a contour's legend says what the line is.
TEST(SweepCli, RegressionChartCaptionTitleAndContourLegend) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  const std::string file = dir.write("base.yaml", kBase);
  const fs::path out = dir.path() / "out";
  const std::string command = "sweep " + file + " --set fleet.p.count=120 --vary contracts.C.price=1:3:1 --plot "
                                                "finance.npv_usd --out " + out.string();
  const CommandResult r = gpusim(dir, command + " --threads 2");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string svg = read_file(out / "sweep.svg");
  EXPECT_TRUE(svg_has(svg, "Source: gpusim " + command)) << svg;  // not --threads: it changes nothing
  EXPECT_TRUE(svg_has(svg, "NPV (USD)"));
  const CommandResult titled = gpusim(dir, command + " --title \"What's the price's effect\"");
  ASSERT_EQ(titled.status, 0) << titled.err;
  const std::string titled_svg = read_file(out / "sweep.svg");
  EXPECT_TRUE(svg_has(titled_svg, "What's the price's effect")) << titled_svg;
  // The options in a fixed order, a word with a quote in double quotes.
  EXPECT_TRUE(svg_has(titled_svg, "Source: gpusim sweep " + file + " --set fleet.p.count=120 --vary "
                                  "contracts.C.price=1:3:1 --plot finance.npv_usd --title \"What's the "
                                  "price's effect\" --out " + out.string()))
      << titled_svg;
  // A sweep file's contour: "NPV = 0" on a line chart; on a heatmap a share's
  // in percent: billed utilization is (60 + 20) ÷ 80 = 100% at 80 GPUs and
  // 80 ÷ 120 = 67% at 120, so a contour at 75% crosses the grid.
  const std::string sweep_file = dir.write("npv.sweep.yaml", R"(sweep:
  scenario: base.yaml
  vary: [contracts.C.price=1:3:1]
  plot: {metric: finance.npv_usd, contour: 0}
)");
  ASSERT_EQ(gpusim(dir, "sweep " + sweep_file + " --out " + out.string()).status, 0);
  EXPECT_TRUE(svg_has(read_file(out / "sweep.svg"), "NPV = 0"));
  const std::string share_file = dir.write("share.sweep.yaml", R"(sweep:
  scenario: base.yaml
  vary:
    - contracts.C.price=1:3:1
    - fleet.p.count=80,120
  plot: {metric: utilization.billed, contour: 75%}
)");
  ASSERT_EQ(gpusim(dir, "sweep " + share_file + " --out " + out.string()).status, 0);
  const std::string share_svg = read_file(out / "sweep.svg");
  EXPECT_TRUE(svg_has(share_svg, "Billed utilization = 75%")) << share_svg;
  EXPECT_TRUE(svg_has(share_svg, "Source: gpusim sweep " + share_file + " --out " + out.string()));
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// `--vary contracts.C.price` on a contract given by `value` failed with "give
// price or value, not both" at the file's line: each point's price replaces
// the value. C's 60 GPUs × 240 h = 14,400 GPU-h at 1 and 2 USD/gpu-h.
TEST(SweepCli, RegressionVaryPriceOfAValueContract) {
  TempDir dir;
  std::string text = kBase;
  text.replace(text.find("price: 2 USD/gpu-h}]\ndemand"), std::string("price: 2 USD/gpu-h").size(), "value: 30000 USD");
  const std::string file = dir.write("value.yaml", text);
  const CommandResult r = gpusim(dir, "sweep " + file + " --vary contracts.C.price=1,2");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u);
  const auto names = split(lines[0], ',');
  const auto column = std::find(names.begin(), names.end(), "contracts.C.revenue_usd") - names.begin();
  EXPECT_EQ(split(lines[1], ',')[column], "14400");
  EXPECT_EQ(split(lines[2], ',')[column], "28800");
}

}  // namespace
}  // namespace gpusim
