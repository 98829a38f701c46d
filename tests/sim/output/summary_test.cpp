// The writers of sim/output/summary.*: the table's Contracts block (issue 8:
// the deal's own numbers), the summary as CSV, the time series' price column,
// and results named in words for charts.
//
// The scenario: 100 GPUs of a test model for 10 days (240 h) at 1 d steps.
// Deal rents 60 of them for the whole run and is given by its value, 36,000
// USD for 60 × 240 = 14,400 GPU-h, so its price is 36,000 ÷ 14,400 = 2.5
// USD/gpu-h. Spot asks for 50 GPUs at
// 1 USD/gpu-h and gets the 40 left: billed 40 × 240 = 9,600 GPU-h, revenue
// 9,600 USD; its value (what it asked for at its price) is 50 × 240 × 1 =
// 12,000 USD.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/engine.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

const char* const kDeal = R"(name: deal
time: {start: 2024-01-01, end: 2024-01-11, step: 1d, year: 365d}
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: Deal, pool: p, gpus: 60, value: 36000 USD}]
demand: [{name: Spot, pool: p, kind: spot, gpus: 50, price: 1 USD/gpu-h}]
)";

Results run_text(const std::string& text, const std::vector<std::string>& sets = {}) {
  testing::TempDir dir;
  return run_scenario(load_scenario(dir.write("deal.yaml", text), sets).spec);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The table showed only customers' GPU-hours and revenue; a deal's headline
// (its price per GPU-hour, its value) was only in the JSON.
TEST(SummaryTable, RegressionContractsShowPriceValueGpuHoursAndRevenue) {
  const std::string table = summary_table(run_text(kDeal));
  const auto lines = lines_of(table);
  const auto at = std::find(lines.begin(), lines.end(), "Contracts");
  ASSERT_NE(at, lines.end()) << table;
  EXPECT_EQ(*(at + 1),
            "  name                        USD/gpu-h    value USD   contracted GPU-h       billed GPU-h  revenue USD");
  EXPECT_EQ(*(at + 2),
            "  Deal                           2.5000       36,000             14,400             14,400       36,000  "
            "price derived from value");
  EXPECT_EQ(*(at + 3),
            "  Spot                           1.0000       12,000             12,000              9,600        9,600");
}

// `--set contracts.X.gpus` on a value contract keeps the value and re-derives
// the price: 30 GPUs × 240 h = 7,200 GPU-h for 36,000 USD is 5 USD/gpu-h.
TEST(SummaryTable, GpusSetOnAValueContractRederivesThePrice) {
  const Results r = run_text(kDeal, {"contracts.Deal.gpus=30"});
  EXPECT_DOUBLE_EQ(r.contracts[0].price_usd_per_gpu_hour, 5.0);
  EXPECT_DOUBLE_EQ(r.contracts[0].value_usd, 36000.0);
  EXPECT_TRUE(r.contracts[0].price_derived_from_value);
  const Json j = summary_json(r);
  EXPECT_EQ(j["contracts"][0]["price_derived_from_value"], true);
  EXPECT_EQ(j["contracts"][0]["value_usd"].get<double>(), 36000.0);
  EXPECT_NE(summary_table(r).find("5.0000       36,000              7,200              7,200       36,000  "
                                  "price derived from value"),
            std::string::npos);
}

// `gpusim run --format csv`: every scalar of the JSON summary as metric,value.
TEST(SummaryCsv, EveryScalarAsMetricValue) {
  const Results r = run_text(kDeal);
  const auto lines = lines_of(summary_csv(r));
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines[0], "metric,value");
  const auto all = flatten_all(summary_json(r));
  ASSERT_EQ(lines.size(), all.size() + 1);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "finance.revenue_usd,45600"), lines.end());  // 36,000 + 9,600
  EXPECT_NE(std::find(lines.begin(), lines.end(), "contracts.Deal.price_usd_per_gpu_hour,2.5"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "finance.irr,"), lines.end());  // null: an empty value
}

// The monthly price: revenue ÷ billed GPU-hours, (36,000 + 9,600) ÷ 24,000 = 1.9.
TEST(Timeseries, PriceColumnIsRevenuePerBilledGpuHour) {
  const auto lines = lines_of(timeseries_csv(run_text(kDeal), Period::month));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ends_with(",cash_flow_usd,cumulative_cash_usd,price_usd_per_gpu_hour")) << lines[0];
  EXPECT_TRUE(lines[1].ends_with(",1.9")) << lines[1];
}

// summary_cells gives flatten_all(summary_json(r)) without the JSON: the same
// names in the same order and the same values, to the bit (null as nullopt).
// Each group of the JSON alone (`only`) is that group of the whole.
void expect_cells_of_the_json(const Results& r) {
  const Json json = summary_json(r);
  const auto expected = flatten_all(json);
  const SummaryCells cells = summary_cells(r);
  ASSERT_EQ(cells.size(), expected.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    ASSERT_EQ(cells.name(i), expected[i].first) << i;
    ASSERT_EQ(cells.values[i].has_value(), expected[i].second.has_value()) << expected[i].first;
    if (cells.values[i]) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(*cells.values[i]), std::bit_cast<std::uint64_t>(*expected[i].second))
          << expected[i].first;
    }
  }
  EXPECT_EQ(cells.pairs().size(), expected.size());
  for (auto it = json.begin(); it != json.end(); ++it) {
    Json group;
    group[it.key()] = it.value();
    EXPECT_EQ(summary_json(r, it.key()).dump(), group.dump()) << it.key();
  }
}

TEST(SummaryCells, TheDealsCellsByHand) {
  const Results r = run_text(kDeal);
  expect_cells_of_the_json(r);
  const SummaryCells cells = summary_cells(r);
  const auto value_of = [&](std::string_view name) -> std::optional<double> {
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (cells.name(i) == name) return cells.values[i];
    ADD_FAILURE() << name << " is not a cell";
    return std::nullopt;
  };
  // Texts and flags are not cells: time.start, scenario, contracts.Deal.price_derived_from_value.
  EXPECT_EQ(cells.name(0), "time.hours");
  EXPECT_EQ(value_of("time.hours"), 240.0);  // 10 days × 24 h
  EXPECT_EQ(value_of("time.steps"), 10.0);   // 10 daily steps
  EXPECT_EQ(value_of("contracts.Deal.price_usd_per_gpu_hour"), 2.5);  // 36,000 USD ÷ 14,400 GPU-h
  EXPECT_EQ(value_of("contracts.Spot.revenue_usd"), 9600.0);           // 40 GPUs × 240 h × 1 USD
  EXPECT_EQ(value_of("contracts.Deal.count_as_written"), 60.0);
  EXPECT_EQ(value_of("finance.irr"), std::nullopt);                  // null: no sign change
  EXPECT_EQ(value_of("pools.p.fitted_count"), std::nullopt);         // a count, not `fit`
  // Another run of the scenario has the same names: its values alone, those
  // of its cells. Without Spot, the names differ: none.
  const Results other = run_text(kDeal, {"contracts.Deal.gpus=30"});
  const auto values = summary_values_named_as(other, cells);
  ASSERT_TRUE(values);
  const SummaryCells other_cells = summary_cells(other);
  ASSERT_EQ(values->values.size(), other_cells.size());
  for (std::size_t i = 0; i < other_cells.size(); ++i) {
    SCOPED_TRACE(other_cells.name(i));
    if (other_cells.values[i]) EXPECT_EQ(values->values[i], *other_cells.values[i]);
    else EXPECT_TRUE(std::isnan(values->values[i]));  // a null: NaN (finance.irr here)
  }
  EXPECT_TRUE(values->finite);  // finance.irr is null, not a number that is not finite
  Results infinite = other;
  infinite.summary.revenue_usd = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(summary_values_named_as(infinite, cells)->finite);
  const std::string without_spot = std::string(kDeal).substr(0, std::string(kDeal).find("demand:"));
  EXPECT_FALSE(summary_values_named_as(run_text(without_spot), cells));
  // Spot renamed Spot2: as many cells, other names.
  std::string renamed = kDeal;
  renamed.replace(renamed.find("name: Spot"), 10, "name: Spot2");
  EXPECT_EQ(summary_cells(run_text(renamed)).size(), cells.size());
  EXPECT_FALSE(summary_values_named_as(run_text(renamed), cells));
  // Names next to each other in one prefix group share their prefix (up to
  // the last '.'), which summary_values_named_as compares once for the group.
  ASSERT_EQ(cells.prefix_groups.size(), cells.size());
  const auto prefix = [&](std::size_t i) { return cells.name(i).substr(0, cells.name(i).rfind('.') + 1); };
  std::size_t shared = 0;
  for (std::size_t i = 1; i < cells.size(); ++i)
    if (cells.prefix_groups[i] == cells.prefix_groups[i - 1]) {
      EXPECT_EQ(prefix(i), prefix(i - 1)) << cells.name(i);
      ++shared;
    }
  EXPECT_GT(shared, cells.size() / 2);
  // A shape without the groups (made by hand) has every prefix compared: the same answers.
  SummaryCells by_hand = cells;
  by_hand.prefix_groups.clear();
  by_hand.key_data.clear();
  EXPECT_EQ(summary_values_named_as(other, by_hand)->values.size(), cells.size());
  EXPECT_FALSE(summary_values_named_as(run_text(renamed), by_hand));
}

TEST(SummaryCells, EveryShippedScenarioAsWrittenAndUnderASeedGivesTheJsonsCells) {
  const auto files = testing::shipped_scenarios();
  ASSERT_GE(files.size(), 35u);
  for (const auto& file : files) {
    for (const std::vector<std::string>& sets : {std::vector<std::string>{}, std::vector<std::string>{"seed=20261130"}}) {
      SCOPED_TRACE(file.string() + (sets.empty() ? "" : " under a seed"));
      expect_cells_of_the_json(run_document(load_scenario(file.string(), sets).document));
    }
  }
}

TEST(SummaryCells, RandomScenariosGiveTheJsonsCells) {
  testing::SplitMix64 rng(1530);
  int compared = 0;
  for (int i = 0; i < 40; ++i) {
    testing::GenerateOptions opts;
    opts.deal_terms = i % 2 == 0;
    opts.any_hour = i % 4 == 1;
    opts.seed = i % 3 == 0;
    const testing::Generated g = testing::generate(rng, opts);
    SCOPED_TRACE("scenario " + std::to_string(i) + ":\n" + g.yaml);
    Diagnostics diags;
    const DocNode doc = parse_yaml_text(testing::with_step(g.yaml, i % 2 ? "1h" : "1d"), "random.yaml", diags);
    ASSERT_TRUE(diags.empty());
    try {
      expect_cells_of_the_json(run_document(doc));
      ++compared;
    } catch (const ModelError&) {
      // a `value` with no GPU-hours in the run: not run
    }
  }
  EXPECT_GE(compared, 30);
}

TEST(MetricWords, ResultsInWords) {
  const auto words = [](const std::string& path) { return metric_words(path).with_unit(); };
  EXPECT_EQ(words("finance.npv_usd"), "NPV (USD)");
  EXPECT_EQ(metric_words("finance.npv_usd").words, "NPV");
  EXPECT_EQ(words("finance.operating_margin"), "Operating margin");
  EXPECT_EQ(words("finance.payback_years"), "Payback (years)");
  EXPECT_EQ(words("utilization.billed"), "Billed utilization");
  EXPECT_EQ(words("customers.Microsoft.revenue_share"), "Microsoft: revenue share");
  EXPECT_EQ(words("contracts.C.price_usd_per_gpu_hour"), "C: price (USD/GPU-h)");
  EXPECT_EQ(words("power.it_avg_mw"), "Power, IT average (MW)");
  EXPECT_EQ(words("finance.revenue_per_gpu_hour_usd"), "Revenue (USD/GPU-h)");
}

}  // namespace
}  // namespace gpusim
