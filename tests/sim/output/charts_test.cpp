#include "sim/output/charts.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace gpusim {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A fresh directory per test, removed afterwards.
class ChartsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("gpusim-charts-test-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

// ---- sample inputs, shaped like gpusim's own charts -------------------------------

ChartText price_text() {
  return {"H100 rental price_index vs. \"spot\" <2024>", "Month since launch",
          "Price (USD/GPU-h)", "gpusim scenario base.yaml"};
}

void draw_line_chart(const fs::path& path) {
  Series on_demand{"on-demand", {}, {}};
  Series reserved{"1-year reserved", {}, {}};
  for (int month = 0; month <= 36; ++month) {
    on_demand.x.push_back(month);
    on_demand.y.push_back(8.0 * std::exp(-month / 18.0) + 1.7);
    reserved.x.push_back(month);
    reserved.y.push_back(5.0 * std::exp(-month / 24.0) + 1.5);
  }
  LineChartOptions options;
  options.vertical_lines = {{12, "Blackwell ships"}, {30, "contract ends"}};
  options.horizontal_lines = {{2.2, "break-even 2.20"}};
  options.points = {{24, 2.9, "article: 22%"}};
  write_line_chart(path, price_text(), {on_demand, reserved}, options);
}

void draw_heatmap(const fs::path& path) {
  std::vector<double> price = {1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0};  // uneven spacing on purpose
  std::vector<double> utilisation = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  std::vector<std::vector<double>> npv;
  for (double u : utilisation) {
    std::vector<double> row;
    for (double p : price) row.push_back(p * u * 1000 - 1600);  // USD millions
    npv.push_back(row);
  }
  HeatmapOptions options;
  options.contour = ReferenceLine{0, "break-even (NPV = 0)"};
  options.marked_point = LabelledPoint{2.4, 0.72, "today"};
  write_heatmap(path,
                {"NPV by price and utilisation", "Price (USD/GPU-h)", "Utilisation (fraction)",
                 "gpusim sweep"},
                price, utilisation, npv, "NPV (USD millions)", options);
}

void draw_bar_chart(const fs::path& path) {
  BarChartOptions options;
  options.error_ranges = {{2.0, 2.6}, {2.5, 3.4}, {1.9, 2.4}, {3.0, 4.5}};
  options.band = Band{1.70, 8.00, "H100 rental 2023–2026"};
  write_bar_chart(path,
                  {"Break-even price by scenario", "", "Price (USD/GPU-h)", "gpusim scenarios"},
                  {"base", "high_power", "cheap_debt", "low utilisation"}, {2.3, 2.9, 2.1, 3.7}, options);
}

void draw_waterfall(const fs::path& path) {
  write_waterfall(path,
                  {"Year 1 income statement", "", "USD millions", "gpusim scenario base.yaml"},
                  {{"Revenue", 1250, true},
                   {"Power", -180, false},
                   {"Depreciation", -620, false},
                   {"Operations", -95, false},
                   {"Operating income", 355, true},
                   {"Interest", -210, false},
                   {"Tax credit", 15, false},
                   {"Net income", 160, true}});
}

void draw_fan_chart(const fs::path& path) {
  std::vector<std::string> months;
  FanPanel revenue{"Monthly revenue", "USD millions", {}, {}, {}};
  FanPanel net{"Net income", "USD millions", {}, {}, {}};
  FanPanel cash{"Cumulative cash", "USD millions", {}, {}, {}};
  double cumulative = -900;
  for (int m = 0; m < 60; ++m) {
    char label[16];
    std::snprintf(label, sizeof label, "%04d-%02d", 2026 + m / 12, 1 + m % 12);
    months.push_back(label);
    const double r = 100 - m * 0.8;
    revenue.p50.push_back(r);
    revenue.p5.push_back(r * (0.95 - m * 0.004));
    revenue.p95.push_back(r * (1.05 + m * 0.004));
    const double n = r - 80;
    net.p50.push_back(n);
    net.p5.push_back(n - 5 - m * 0.3);
    net.p95.push_back(n + 5 + m * 0.3);
    cumulative += n;
    cash.p50.push_back(cumulative);
    cash.p5.push_back(cumulative - 10 * m);
    cash.p95.push_back(cumulative + 10 * m);
  }
  write_fan_chart(path, {"Cash flow outlook, 1,000 Monte Carlo paths", "Month", "", "gpusim montecarlo"},
                  months, {revenue, net, cash});
}

struct ChartKind {
  const char* name;
  std::function<void(const fs::path&)> draw;
  const char* title;  // as it must appear in the SVG (XML-escaped)
};

const std::vector<ChartKind>& chart_kinds() {
  static const std::vector<ChartKind> kinds = {
      {"line", draw_line_chart, "H100 rental price_index vs. \"spot\" &lt;2024>"},
      {"heatmap", draw_heatmap, "NPV by price and utilisation"},
      {"bar", draw_bar_chart, "Break-even price by scenario"},
      {"waterfall", draw_waterfall, "Year 1 income statement"},
      {"fan", draw_fan_chart, "Cash flow outlook, 1,000 Monte Carlo paths"},
  };
  return kinds;
}

// ---- tests -------------------------------------------------------------------------

TEST_F(ChartsTest, EachKindWritesAnSvgWithItsTitle) {
  for (const auto& kind : chart_kinds()) {
    SCOPED_TRACE(kind.name);
    const fs::path path = dir_ / (std::string(kind.name) + ".svg");
    kind.draw(path);
    ASSERT_TRUE(fs::exists(path));
    const std::string svg = read_file(path);
    EXPECT_GT(svg.size(), 1000u);
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_NE(svg.find(kind.title), std::string::npos) << "title missing from " << path;
    EXPECT_NE(svg.find("Source: "), std::string::npos);
  }
  // Only the charts are left: no staging files beside them.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().extension(), ".svg") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, static_cast<int>(chart_kinds().size()));
}

TEST_F(ChartsTest, IdenticalInputGivesByteIdenticalSvg) {
  for (const auto& kind : chart_kinds()) {
    SCOPED_TRACE(kind.name);
    // Different target paths, so different scratch directories; the SVG must not care.
    const fs::path first = dir_ / (std::string(kind.name) + "-1.svg");
    const fs::path second = dir_ / (std::string(kind.name) + "-2.svg");
    kind.draw(first);
    kind.draw(second);
    EXPECT_EQ(read_file(first), read_file(second));
  }
}

TEST_F(ChartsTest, RedrawReplacesAnExistingChart) {
  const fs::path path = dir_ / "chart.svg";
  { std::ofstream(path) << "old"; }
  draw_bar_chart(path);
  EXPECT_NE(read_file(path), "old");
}

TEST_F(ChartsTest, MissingDirectoryThrowsAndLeavesNoFile) {
  for (const auto& kind : chart_kinds()) {
    SCOPED_TRACE(kind.name);
    const fs::path missing = dir_ / "no-such-dir";
    const fs::path path = missing / "chart.svg";
    try {
      kind.draw(path);
      ADD_FAILURE() << "no exception";
    } catch (const ChartError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
    }
    EXPECT_FALSE(fs::exists(missing));
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

// Puts a stand-in `gnuplot` first on PATH for one test, then restores PATH.
class FakeGnuplot {
 public:
  FakeGnuplot(const fs::path& dir, const std::string& shell_body) : old_path_(std::getenv("PATH")) {
    fs::create_directories(dir);
    { std::ofstream(dir / "gnuplot") << "#!/bin/sh\n" << shell_body << "\n"; }
    fs::permissions(dir / "gnuplot", fs::perms::owner_all);
    setenv("PATH", (dir.string() + ":" + old_path_).c_str(), 1);
  }
  ~FakeGnuplot() { setenv("PATH", old_path_.c_str(), 1); }

 private:
  std::string old_path_;
};

TEST_F(ChartsTest, GnuplotFailureReportsItsStderrAndLeavesNoFile) {
  const fs::path path = dir_ / "out" / "chart.svg";
  fs::create_directories(path.parent_path());
  FakeGnuplot fake(dir_ / "bin", "echo '\"chart.gp\" line 12: undefined variable: boom' >&2; exit 1");
  try {
    draw_line_chart(path);
    FAIL() << "no exception";
  } catch (const ChartError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("gnuplot failed (exit status 1)"), std::string::npos) << message;
    EXPECT_NE(message.find("line 12: undefined variable: boom"), std::string::npos) << message;
  }
  EXPECT_TRUE(fs::is_empty(path.parent_path()));
}

TEST_F(ChartsTest, GnuplotWritingNoSvgIsAnError) {
  const fs::path path = dir_ / "out" / "chart.svg";
  fs::create_directories(path.parent_path());
  FakeGnuplot fake(dir_ / "bin", "exit 0");
  try {
    draw_waterfall(path);
    FAIL() << "no exception";
  } catch (const ChartError& error) {
    EXPECT_NE(std::string(error.what()).find("gnuplot wrote no SVG"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_empty(path.parent_path()));
}

TEST_F(ChartsTest, MissingGnuplotIsNamed) {
  FakeGnuplot fake(dir_ / "bin", "exit 127");  // what the shell returns for an unknown command
  EXPECT_FALSE(gnuplot_available());
  try {
    draw_bar_chart(dir_ / "chart.svg");
    FAIL() << "no exception";
  } catch (const ChartError& error) {
    EXPECT_NE(std::string(error.what()).find("gnuplot not found on PATH"), std::string::npos) << error.what();
  }
}

TEST_F(ChartsTest, MismatchedSeriesLengthsAreRejected) {
  const fs::path path = dir_ / "line.svg";
  try {
    write_line_chart(path, {"t", "x", "y", ""}, {{"revenue", {1, 2, 3}, {1, 2}}});
    FAIL() << "no exception";
  } catch (const ChartError& error) {
    EXPECT_NE(std::string(error.what()).find("series 'revenue' has 3 x values but 2 y values"),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(ChartsTest, FanChartNeedsOneToThreePanels) {
  const std::vector<double> values = {1, 2};
  const FanPanel panel{"p", "", values, values, values};
  EXPECT_THROW(write_fan_chart(dir_ / "none.svg", {}, {"a", "b"}, {}), ChartError);
  EXPECT_THROW(write_fan_chart(dir_ / "four.svg", {}, {"a", "b"}, {panel, panel, panel, panel}), ChartError);
  write_fan_chart(dir_ / "one.svg", {"One panel", "", "USD", ""}, {"a", "b"}, {panel});
  EXPECT_TRUE(fs::exists(dir_ / "one.svg"));
}

TEST_F(ChartsTest, QuotesAndNewlinesInTextCannotBreakTheScript) {
  // A quote ends a gnuplot string and a newline ends a command: both must be defused.
  const fs::path path = dir_ / "quotes.svg";
  write_bar_chart(path, {"it's a 'test'\nset output '/tmp/evil.svg'", "", "", ""}, {"a'b"}, {1});
  const std::string svg = read_file(path);
  EXPECT_NE(svg.find("it's a 'test' set output '/tmp/evil.svg'"), std::string::npos);
}

TEST_F(ChartsTest, NonFiniteValuesAreGaps) {
  const fs::path path = dir_ / "gap.svg";
  write_line_chart(path, {"Gap", "x", "y", ""}, {{"s", {0, 1, 2, 3}, {1, NAN, INFINITY, 2}}});
  EXPECT_GT(fs::file_size(path), 0u);
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// The texts of an SVG written by gnuplot, in order.
std::vector<std::string> svg_texts(const std::string& svg) {
  std::vector<std::string> out;
  for (std::size_t at = svg.find("<text"); at != std::string::npos; at = svg.find("<text", at + 1)) {
    const auto start = svg.find('>', at) + 1;
    out.push_back(svg.substr(start, svg.find('<', start) - start));
  }
  return out;
}

bool has_text(const std::vector<std::string>& texts, const std::string& text) {
  return std::find(texts.begin(), texts.end(), text) != texts.end();
}

// Money in billions was labelled with SI prefixes (-8.0G): now K, M, B. A line
// from 0 to 3B has ticks every 0.5B (a step of 5 × 10⁸ gives at most 8 ticks);
// a heatmap's colour bar from −1.5M to 2M every 0.5M.
TEST_F(ChartsTest, RegressionLargeValuesUseKmbNotSi) {
  const fs::path line = dir_ / "line.svg";
  write_line_chart(line, {"NPV", "price", "NPV (USD)", "test"}, {{"NPV", {1, 2, 3, 4}, {0, 1e9, 2e9, 3e9}}});
  const auto texts = svg_texts(read_file(line));
  for (const char* tick : {"0", "0.5B", "1.0B", "1.5B", "2.0B", "2.5B", "3.0B"}) EXPECT_TRUE(has_text(texts, tick)) << tick;
  for (const auto& t : texts) EXPECT_EQ(t.find('G'), std::string::npos) << t;
  const fs::path heat = dir_ / "heat.svg";
  write_heatmap(heat, {"NPV", "x", "y", "test"}, {1, 2}, {1, 2}, {{-1.5e6, 0}, {1e6, 2e6}}, "NPV (USD)");
  const auto heat_texts = svg_texts(read_file(heat));
  for (const char* tick : {"-1.5M", "-1.0M", "-0.5M", "0", "0.5M", "1.0M", "1.5M", "2.0M"})
    EXPECT_TRUE(has_text(heat_texts, tick)) << tick;
  // Below 100,000 gnuplot's own ticks stay.
  const fs::path small = dir_ / "small.svg";
  write_line_chart(small, {"t", "x", "y", "s"}, {{"y", {1, 2}, {0, 50000}}});
  EXPECT_FALSE(has_text(svg_texts(read_file(small)), "50K"));
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// Two quotes in a row ended gnuplot's single-quoted string (a caption with a
// shell-quoted word, '\'' , failed to draw): such text is double-quoted.
TEST_F(ChartsTest, RegressionTwoQuotesInARowStillDraw) {
  const fs::path path = dir_ / "quotes.svg";
  write_line_chart(path, {"it''s \"quoted\" \\ here", "x", "y", "gpusim sweep 'a'\\''b'"}, {{"y", {1, 2}, {1, 2}}});
  const std::string svg = read_file(path);
  EXPECT_NE(svg.find(">it''s \"quoted\" \\ here<"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">Source: gpusim sweep 'a'\\''b'<"), std::string::npos) << svg;
}

}  // namespace
}  // namespace gpusim
