// SVG charts drawn by gnuplot from plain values.
//
// Each write_* function writes its data and a gnuplot script to a private
// temporary directory, runs `gnuplot -d script.gp` (no user init files), checks
// the exit status and the SVG, then copies it beside `path` (a uniquely named
// "<path>.<…>.tmp") and renames it over `path`: a failed call leaves `path` as
// it was and throws ChartError saying what failed (with gnuplot's stderr). The SVG depends only on the arguments and the gnuplot
// version: identical input gives byte-identical files.
//
// Text is drawn literally (gnuplot's enhanced mode is off, so `_`, `^`, `@` and
// quotes need no escaping by the caller). Non-finite data values are treated as
// missing (a gap in a line, an empty heatmap cell).
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gpusim {

// Thrown when a chart cannot be drawn: bad input, gnuplot missing or failing,
// or the target not writable.
class ChartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The data cannot be charted (one point, no finite value, a bad shape): the
// user's input, not the machine. The command exits 2 and writes nothing.
class ChartInputError : public ChartError {
 public:
  using ChartError::ChartError;
};

// Text around every chart. Labels carry units, e.g. "Price (USD/GPU-h)".
struct ChartText {
  std::string title;    // top of the chart; empty: none
  std::string x_label;  // under the x axis
  std::string y_label;  // left of the y axis
  std::string source;   // small line under the chart; "Source: " is prepended unless present
};

// A value marked on an axis: a vertical line at x = value or a horizontal line
// at y = value, in data units, with an optional label drawn next to it.
struct ReferenceLine {
  double value = 0;
  std::string label;
};

// A point in data units marked with a dot and a label, e.g. "article: 22%".
struct LabelledPoint {
  double x = 0;
  double y = 0;
  std::string label;
};

// --- Line chart ---------------------------------------------------------------

struct Series {
  std::string name;       // legend entry
  std::vector<double> x;  // same length as y; need not be sorted, drawn in order
  std::vector<double> y;
};

struct LineChartOptions {
  std::vector<ReferenceLine> vertical_lines;    // dashed, at x = value
  std::vector<ReferenceLine> horizontal_lines;  // dashed, at y = value
  std::vector<LabelledPoint> points;            // dots with labels, over the lines
};

void write_line_chart(const std::filesystem::path& path, const ChartText& text,
                      const std::vector<Series>& series, const LineChartOptions& options = {});

// --- Heatmap ------------------------------------------------------------------

struct HeatmapOptions {
  // A black contour line where z crosses this value, e.g. {0, "break-even"}.
  std::optional<ReferenceLine> contour;
  // A marked point in (x, y) data units, e.g. today's price and utilisation.
  std::optional<LabelledPoint> marked_point;
};

// z has one row per y value and one column per x value: z[j][i] is the value at
// (x[i], y[j]). x and y must be strictly increasing (spacing may vary) and hold
// at least 2 values each. Each cell between four neighbouring grid points is
// coloured by their mean z. With a contour value inside the z range the palette
// diverges there (red below, white at it, blue above); otherwise it is viridis.
void write_heatmap(const std::filesystem::path& path, const ChartText& text,
                   const std::vector<double>& x, const std::vector<double>& y,
                   const std::vector<std::vector<double>>& z, const std::string& z_label,
                   const HeatmapOptions& options = {});

// --- Bar chart ----------------------------------------------------------------

// An uncertainty range drawn as an error bar: low <= high, in y units.
struct ErrorRange {
  double low = 0;
  double high = 0;
};

// A shaded horizontal band across the chart, e.g. {1.70, 8.00, "H100 rental 2023–2026"}.
struct Band {
  double low = 0;
  double high = 0;
  std::string label;  // legend entry
};

struct BarChartOptions {
  std::vector<ErrorRange> error_ranges;  // empty, or one per bar
  std::optional<Band> band;
};

void write_bar_chart(const std::filesystem::path& path, const ChartText& text,
                     const std::vector<std::string>& categories, const std::vector<double>& values,
                     const BarChartOptions& options = {});

// --- Waterfall ----------------------------------------------------------------

// One bar of a waterfall. A step (is_total false) moves the running total by
// `amount`: green when positive, red when negative. A total (is_total true) is
// a grey bar from 0 to `amount`, and the running total continues from it, e.g.
// revenue (total) → costs → operating income (total) → interest → net (total).
struct WaterfallStep {
  std::string label;
  double amount = 0;  // in y units, e.g. USD millions
  bool is_total = false;
};

void write_waterfall(const std::filesystem::path& path, const ChartText& text,
                     const std::vector<WaterfallStep>& steps);

// --- Fan chart ----------------------------------------------------------------

// One panel of a fan chart: the median line in a shaded 5th–95th percentile
// band, each with one value per x label.
struct FanPanel {
  std::string title;    // above the panel, e.g. "Net income"; may be empty
  std::string y_label;  // e.g. "USD millions / month"; empty: ChartText::y_label
  std::vector<double> p5;
  std::vector<double> p50;
  std::vector<double> p95;
};

// 1 to 3 panels stacked vertically over the same x labels (e.g. "2026-01");
// when there are many labels only an evenly spaced subset is printed. The
// chart's title and source are drawn once; x_label goes under the last panel.
void write_fan_chart(const std::filesystem::path& path, const ChartText& text,
                     const std::vector<std::string>& x_labels, const std::vector<FanPanel>& panels);

// True when `gnuplot` can be run from PATH.
bool gnuplot_available();

}  // namespace gpusim
