// `gpusim run` end to end: the JSON summary has every key of design.md's
// contract; --out writes summary.json, timeseries.csv and customers.csv whole,
// with one row per --every period; a scenario that fails writes nothing and
// exits 2 with FILE:LINE:COL.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

const std::string kCoreweave = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-utilization.yaml";

using testing::CommandResult;

class CliRun : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("gpusim_run_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs gpusim with `args`, capturing stdout, stderr and the exit status.
  CommandResult gpusim(const std::string& args) const { return testing::run_gpusim(dir_, args); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  fs::path dir_;
};

// Every key of design.md's JSON contract.
void expect_contract_keys(const nlohmann::json& j) {
  ASSERT_TRUE(j.is_object());
  EXPECT_TRUE(j.contains("scenario") && j["scenario"].is_string());
  const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
      {"time", {"start", "end", "hours", "steps"}},
      {"gpus",
       {"installed_avg", "installed_end", "gpu_hours_installed", "gpu_hours_available", "gpu_hours_billed",
        "gpu_hours_busy", "shortfall_gpu_hours"}},
      {"utilization", {"billed", "busy"}},
      {"power", {"it_avg_mw", "it_peak_mw", "facility_avg_mw", "facility_peak_mw"}},
      {"energy", {"it_kwh", "facility_kwh", "cost_usd"}},
      {"finance",
       {"revenue_usd", "energy_cost_usd", "colocation_usd", "opex_usd", "depreciation_usd", "operating_income_usd",
        "operating_margin", "interest_usd", "other_usd", "tax_usd", "net_income_usd", "net_margin", "ebitda_usd",
        "capex_usd", "npv_usd", "irr", "payback_years"}},
      {"solve", {"vary", "value", "target", "achieved"}},
  };
  for (const auto& [group, keys] : groups) {
    ASSERT_TRUE(j.contains(group) && j[group].is_object()) << group;
    for (const auto& key : keys) {
      EXPECT_TRUE(j[group].contains(key)) << group << "." << key;
      // Numbers (or null where undefined), except the solve's names and the dates.
      const auto& v = j[group][key];
      const bool text = (group == "solve" && (key == "vary" || key == "target")) ||
                        (group == "time" && (key == "start" || key == "end"));
      EXPECT_TRUE(text ? v.is_string() : (v.is_number() || v.is_null())) << group << "." << key;
    }
  }
  ASSERT_TRUE(j.contains("customers") && j["customers"].is_array());
  ASSERT_FALSE(j["customers"].empty());
  for (const auto& c : j["customers"]) {
    for (const char* key : {"name", "gpu_hours", "revenue_usd", "revenue_share"}) EXPECT_TRUE(c.contains(key)) << key;
  }
}

TEST_F(CliRun, JsonSummaryHasEveryContractKey) {
  const CommandResult r = gpusim("run " + kCoreweave + " --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  expect_contract_keys(j);
  // The values the article needs: 8,760 h, Microsoft 62%, billed ≈ 22%.
  EXPECT_EQ(j["time"]["start"], "2024-01-01");
  EXPECT_EQ(j["time"]["end"], "2024-12-31");
  EXPECT_EQ(j["time"]["hours"].get<double>(), 8760.0);
  EXPECT_EQ(j["time"]["steps"].get<double>(), 8760.0);
  EXPECT_EQ(j["solve"]["vary"], "contracts.Others.gpus");
  EXPECT_EQ(j["solve"]["target"], "customers.Microsoft.revenue_share");
  EXPECT_NEAR(j["solve"]["achieved"].get<double>(), 0.62, 1e-9);
  EXPECT_NEAR(j["utilization"]["billed"].get<double>(), 300e6 / 0.62 / 2.19e9, 1e-9);
  ASSERT_EQ(j["customers"].size(), 2u);
  EXPECT_EQ(j["customers"][0]["name"], "Microsoft");
  EXPECT_NEAR(j["customers"][0]["revenue_share"].get<double>() + j["customers"][1]["revenue_share"].get<double>(), 1.0,
              1e-12);
}

// Rows of a CSV (excluding the header), each split on commas.
std::vector<std::vector<std::string>> csv_rows(const std::string& text, std::vector<std::string>* header) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream l(line);
    while (std::getline(l, field, ',')) fields.push_back(field);
    if (first) {
      if (header) *header = fields;
      first = false;
    } else {
      rows.push_back(fields);
    }
  }
  return rows;
}

TEST_F(CliRun, OutWritesCompleteFilesWithRowsPerPeriod) {
  // 2024-01-01 + 365 d: 12 months, 4 quarters, 1 year, 365 days, 8,760 hourly steps.
  const std::vector<std::pair<std::string, std::size_t>> periods = {
      {"month", 12}, {"quarter", 4}, {"year", 1}, {"day", 365}, {"step", 8760}};
  for (const auto& [every, rows_expected] : periods) {
    SCOPED_TRACE(every);
    const fs::path out = dir_ / ("out-" + every);
    const CommandResult r = gpusim("run " + kCoreweave + " --out " + out.string() + " --every " + every + " --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* name : {"summary.json", "timeseries.csv", "customers.csv"}) EXPECT_TRUE(fs::exists(out / name)) << name;
    // Only the three files: no temporaries left behind.
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(out)) {
      (void)e;
      ++files;
    }
    EXPECT_EQ(files, 3u);
    // summary.json is the printed summary.
    const auto summary = nlohmann::json::parse(read(out / "summary.json"));
    expect_contract_keys(summary);
    EXPECT_EQ(summary, nlohmann::json::parse(r.out));
    // timeseries.csv: a header, one row per period, every row complete, GPU-hours adding up.
    std::vector<std::string> header;
    const auto rows = csv_rows(read(out / "timeseries.csv"), &header);
    ASSERT_EQ(rows.size(), rows_expected);
    ASSERT_FALSE(header.empty());
    EXPECT_EQ(header.front(), "period_start");
    EXPECT_EQ(header[header.size() - 2], "cumulative_cash_usd");
    EXPECT_EQ(header.back(), "price_usd_per_gpu_hour");
    std::size_t billed_col = 0, hours_col = 0;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "billed_gpu_hours") billed_col = i;
      if (header[i] == "hours") hours_col = i;
    }
    ASSERT_GT(billed_col, 0u);
    double billed = 0, hours = 0;
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), header.size());
      billed += std::stod(row[billed_col]);
      hours += std::stod(row[hours_col]);
    }
    EXPECT_EQ(rows.front().front(), "2024-01-01");
    EXPECT_NEAR(hours, 8760.0, 1e-9);
    const double summary_billed = summary["gpus"]["gpu_hours_billed"].get<double>();
    EXPECT_NEAR(billed, summary_billed, 1e-9 * summary_billed);
    // customers.csv: a row per customer, shares summing to 1.
    std::vector<std::string> customer_header;
    const auto customers = csv_rows(read(out / "customers.csv"), &customer_header);
    EXPECT_EQ(customer_header, (std::vector<std::string>{"name", "gpu_hours", "revenue_usd", "revenue_share"}));
    ASSERT_EQ(customers.size(), 2u);
    EXPECT_EQ(customers[0][0], "Microsoft");
    EXPECT_NEAR(std::stod(customers[0][3]) + std::stod(customers[1][3]), 1.0, 1e-12);
  }
}

TEST_F(CliRun, ScenarioErrorWritesNothingAndExits2) {
  // A key the format does not know: a validation error.
  const std::string bad = write("bad.yaml", R"(name: bad
time: {start: 2024-01-01, duration: 10d}
sites: [{name: s}]
fleet: [{name: p, gpu: H100-SXM, site: s, count: 10, colour: red}]
)");
  const fs::path out = dir_ / "out-bad";
  const CommandResult r = gpusim("run " + bad + " --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("bad.yaml:4:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out) && !fs::is_empty(out)) << "something was written to " << out;
}

TEST_F(CliRun, SiteOverItsCapExits2WithFileLineColumn) {
  // 1,000 H100s draw 1,000 × 1,275 W = 1.275 MW at full load, over a 1 MW cap.
  const std::string over = write("over.yaml", R"(name: over the cap
time: {start: 2024-01-01, duration: 10d}
sites:
  - name: dc
    it_power_cap: 1 MW
fleet: [{name: p, gpu: H100-SXM, site: dc, count: 1000}]
)");
  const fs::path out = dir_ / "out-over";
  const CommandResult r = gpusim("run " + over + " --out " + out.string() + " --format json");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(fs::exists(out) && !fs::is_empty(out)) << "something was written to " << out;
  // FILE:LINE:COL of the cap, the key path, the excess and the date.
  const std::regex located(R"(over\.yaml:5:\d+: error: sites\.dc\.it_power_cap: )");
  EXPECT_TRUE(std::regex_search(r.err, located)) << r.err;
  EXPECT_NE(r.err.find("1.275 MW exceeds it_power_cap 1.000 MW by 0.275 MW on 2024-01-01"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpusim
