#include "sim/output/charts.hpp"

#include "sim/output/staged_output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string_view>
#include <system_error>

namespace gpusim {
namespace {

namespace fs = std::filesystem;

// Canvas sizes in pixels. Fan charts grow with their panels so each panel keeps
// a readable height.
constexpr int chart_width_px = 900;
constexpr int chart_height_px = 560;
constexpr int fan_chart_height_px[] = {560, 760, 960};

// Colour-blind-safe series colours (Okabe–Ito), in order of use; after the last
// one the cycle repeats with a dashed line.
constexpr const char* series_colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                          "#E69F00", "#56B4E9", "#000000", "#999933"};
constexpr const char* increase_colour = "#2E9E4F";
constexpr const char* decrease_colour = "#C8373A";
constexpr const char* total_colour = "#8C8C8C";
constexpr const char* bar_colour = "#4C78A8";
constexpr const char* band_colour = "#E69F00";
constexpr const char* annotation_colour = "#333333";
constexpr const char* fan_band_colour = "#9ECAE1";
constexpr const char* fan_median_colour = "#08519C";

// ---- text and numbers ----------------------------------------------------------

std::string quote_lines(const std::vector<std::string>& lines);

// A gnuplot single-quoted string: only '' is special inside it. Control
// characters (newlines included) become spaces so a label stays on one line and
// cannot end the command.

std::string quote(std::string_view text) {
  // gnuplot reads two quotes inside a single-quoted string as one quote, but
  // not four in a row: such text goes in double quotes instead.
  if (text.find("''") != std::string_view::npos) return quote_lines({std::string(text)});
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

// A gnuplot double-quoted string of several lines: backslash and double quote
// escaped, lines joined with gnuplot's \n escape.
std::string quote_lines(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t l = 0; l < lines.size(); ++l) {
    if (l) out += "\\n";
    for (char c : lines[l]) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        out += ' ';
      } else {
        out += c;
      }
    }
  }
  out += "\"";
  return out;
}

// Text split at the space nearest its middle, for a two-line tick label.
std::vector<std::string> split_in_two(const std::string& text) {
  std::size_t best = std::string::npos;
  const double middle = static_cast<double>(text.size()) / 2;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ' ') continue;
    if (best == std::string::npos ||
        std::fabs(static_cast<double>(i) - middle) < std::fabs(static_cast<double>(best) - middle)) {
      best = i;
    }
  }
  if (best == std::string::npos) return {text};
  return {text.substr(0, best), text.substr(best + 1)};
}

// Shortest round-trip form, independent of the C locale; "NaN" (missing to
// gnuplot) for non-finite values.
std::string num(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

// Tick labels for an axis whose values reach 100,000 or more, with K, M, B
// and T (thousand, million, billion, trillion) as money is written: 250K,
// 1.5M, -8B (gnuplot's own prefixes would print G for billions). A step of 1,
// 2 or 5 × 10^k gives at most 8 ticks over [lo, hi]. Nothing for smaller
// values (gnuplot's ticks read fine there).
std::string thousands_tics(const char* axis, std::pair<double, double> range) {
  const double lo = range.first, hi = range.second;
  const double largest = std::max(std::fabs(lo), std::fabs(hi));
  if (!(largest >= 1e5) || !(hi > lo) || !std::isfinite(hi - lo)) return "";
  double step = std::pow(10.0, std::floor(std::log10((hi - lo) / 8)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if ((hi - lo) / (step * m) <= 8) {
      step *= m;
      break;
    }
  }
  const std::pair<double, const char*> scales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  double scale = 1e3;
  const char* suffix = "K";
  for (const auto& [size, letter] : scales) {
    if (largest >= size) {
      scale = size;
      suffix = letter;
      break;
    }
  }
  // Decimals enough to tell neighbouring ticks apart: a step of 0.25B needs 2.
  int decimals = 0;
  while (decimals < 3 && std::fabs(std::round(step / scale * std::pow(10.0, decimals)) -
                                   step / scale * std::pow(10.0, decimals)) > 1e-6)
    ++decimals;
  std::string out = std::string("set ") + axis + "tics (";
  const double first = std::ceil(lo / step - 1e-9);
  for (int i = 0;; ++i) {
    const double tick = (first + i) * step;
    if (tick > hi + 1e-9 * step) break;
    std::string label = "0";
    if (std::fabs(tick) > 1e-9 * step) {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, tick / scale, std::chars_format::fixed, decimals);
      label = std::string(buf, res.ptr) + suffix;
    }
    out += (i ? ", " : "") + std::string("'") + label + "' " + num(tick);
  }
  return out + ")\n";
}


// Decimals for values printed on a chart, from the largest magnitude among
// them so one chart prints all its values alike: ≥ 100 → 0, ≥ 10 → 1, else 2.
int decimals_for(double largest_magnitude) {
  return largest_magnitude >= 100 ? 0 : largest_magnitude >= 10 ? 1 : 2;
}

// A value printed on a chart, with thousands separators, e.g. 1234.5 with 0
// decimals → "1,235", -0.456 with 2 → "-0.46".
std::string format_amount(double value, int decimals, bool with_plus_sign) {
  if (!std::isfinite(value)) return "n/a";
  const double magnitude = std::fabs(value);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::fixed, decimals);
  std::string digits(buf, res.ptr);
  const auto point = digits.find('.');
  const std::string integer_digits = digits.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : digits.substr(point);
  std::string whole;
  for (std::size_t i = 0; i < integer_digits.size(); ++i) {
    if (i && (integer_digits.size() - i) % 3 == 0) whole += ',';
    whole += integer_digits[i];
  }
  const bool is_zero = whole.find_first_not_of("0,") == std::string::npos &&
                       fraction.find_first_not_of(".0") == std::string::npos;
  std::string sign = is_zero ? "" : value < 0 ? "-" : with_plus_sign ? "+" : "";
  return sign + whole + fraction;
}

// ---- ranges --------------------------------------------------------------------

// The span of the finite values seen so far.
struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double value) {
    if (!std::isfinite(value)) return;
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  void add(const std::vector<double>& values) {
    for (double value : values) add(value);
  }
  bool empty() const { return lo > hi; }
};

// A tick step of 1, 2 or 5 × 10^k close to span / 6.
double nice_step(double span) {
  const double rough = span / 6;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (double factor : {1.0, 2.0, 5.0}) {
    if (rough <= factor * power) return factor * power;
  }
  return 10 * power;
}

// The extent widened by a little headroom and rounded out to tick steps, so
// the extreme bars, points and labels sit inside the frame.
std::pair<double, double> padded_range(Extent extent, double headroom = 0.04) {
  if (extent.empty()) return {0, 1};
  if (extent.hi == extent.lo) {
    const double half = extent.lo == 0 ? 1 : std::fabs(extent.lo) * 0.1;
    return {extent.lo - half, extent.hi + half};
  }
  const double span = extent.hi - extent.lo;
  double lo = extent.lo;
  double hi = extent.hi;
  if (lo != 0) lo -= span * headroom;
  if (hi != 0) hi += span * headroom;
  const double step = nice_step(hi - lo);
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step};
}

std::string range_command(const char* axis, std::pair<double, double> range) {
  return std::string("set ") + axis + "range [" + num(range.first) + ":" + num(range.second) +
         "]\n";
}

// ---- script pieces -------------------------------------------------------------

std::string source_line(const std::string& source) {
  if (source.empty() || source.starts_with("Source:")) return source;
  return "Source: " + source;
}

// Where the top of a chart goes, in pixels from the top edge: the title, then
// the legend in one row under it (where it covers no data), then the plot.
struct HeaderLayout {
  double title_px;
  double key_px;
  double plot_top_px;
};

HeaderLayout header_layout(const ChartText& text) {
  if (text.title.empty()) return {0, 20, 44};
  return {28, 58, 82};
}

std::string screen_y(double px_from_top, int height_px) {
  return num(1.0 - px_from_top / static_cast<double>(height_px));
}

// Terminal, fonts, title, legend place, axis labels, grid, source line:
// everything every chart shares. The output file name is relative to the
// scratch directory.
std::string preamble(const ChartText& text, int height_px, bool with_axis_labels = true) {
  const HeaderLayout header = header_layout(text);
  std::ostringstream gp;
  gp << "set encoding utf8\n"
     << "set terminal svg size " << chart_width_px << "," << height_px
     << " fixed noenhanced font 'Arial,13' background rgb 'white'\n"
     << "set output 'chart.svg'\n"
     << "set border 3 lc rgb '#666666'\n"
     << "set tics nomirror out scale 0.6 textcolor rgb '#222222'\n"
     << "set grid xtics ytics lt 1 lw 1 lc rgb '#E3E3E3'\n"
     << "set key noautotitle at screen 0.5, screen " << screen_y(header.key_px, height_px)
     << " center center horizontal noopaque nobox samplen 2.5 width 1 font ',12'\n"
     << "set tmargin at screen " << screen_y(header.plot_top_px, height_px) << "\n"
     << "set style textbox opaque noborder margins 1.5,1\n"
     << "set xzeroaxis lt 1 lw 1 lc rgb '#888888'\n"
     << "set rmargin 4\n";
  // A screen label rather than `set title`, which gnuplot puts above an outside legend.
  if (!text.title.empty()) {
    gp << "set label 9998 " << quote(text.title) << " at screen 0.5, screen "
       << screen_y(header.title_px, height_px) << " center font 'Arial Bold,16'\n";
  }
  if (with_axis_labels) {
    if (!text.x_label.empty()) gp << "set xlabel " << quote(text.x_label) << "\n";
    if (!text.y_label.empty()) gp << "set ylabel " << quote(text.y_label) << "\n";
  }
  const std::string source = source_line(text.source);
  if (!source.empty()) {
    gp << "set label 9999 " << quote(source)
       << " at screen 0.012, screen 0.018 left font ',10' textcolor rgb '#666666'\n"
       << "set bmargin 5\n";
  }
  return gp.str();
}

// Labels for category axes, one tic per index. A label too wide for its slot
// is split over two lines; if one is still too wide, all are rotated. Sets the
// bottom margin too: gnuplot does not make room for two-line or rotated tics.
std::string category_tics(const std::vector<std::string>& names, const ChartText& text) {
  // About 7 px per character at 13 pt against the plot's ~790 px width.
  const double slot_px = 790.0 / static_cast<double>(std::max<std::size_t>(names.size(), 1));
  const auto fits = [&](const std::string& line) { return static_cast<double>(line.size()) * 7.0 <= slot_px * 0.95; };
  std::vector<std::vector<std::string>> labels;
  bool rotate = false;
  for (const auto& name : names) {
    labels.push_back(fits(name) ? std::vector<std::string>{name} : split_in_two(name));
    for (const auto& line : labels.back()) rotate = rotate || !fits(line);
  }
  std::ostringstream gp;
  gp << "set xtics scale 0 (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    gp << (i ? ", " : "") << (rotate ? quote(names[i]) : quote_lines(labels[i])) << " " << i;
  }
  gp << ")" << (rotate ? " rotate by 30 right" : "") << "\n"
     << "set grid noxtics\n";
  // In character heights: the tic labels, then the x label and the source line.
  std::size_t longest = 0;
  std::size_t tic_lines = 1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    longest = std::max(longest, names[i].size());
    tic_lines = std::max(tic_lines, labels[i].size());
  }
  // A rotated label drops by its width × sin 30° (≈ 7 px per character, 16 px a line).
  const double tics_height = rotate ? 1 + static_cast<double>(longest) * 7.0 * 0.5 / 19 : static_cast<double>(tic_lines);
  const double margin = 1.5 + tics_height + (text.x_label.empty() ? 0 : 1.5) + (text.source.empty() ? 0 : 1.5);
  gp << "set bmargin " << num(std::ceil(margin)) << "\n";
  if (rotate) {
    // The first label reaches left of its tic by its width × cos 30°, less the
    // half slot before that tic; the left margin must hold it (≈ 7.5 px a character).
    const double overhang_px = static_cast<double>(names.front().size()) * 7.0 * 0.87 - slot_px / 2;
    gp << "set lmargin " << num(std::clamp(std::ceil(overhang_px / 7.5) + 1, 10.0, 40.0)) << "\n";
  }
  return gp.str();
}

// ---- running gnuplot -----------------------------------------------------------

// A private directory under the system temp directory, removed on scope exit.
// Its name mixes the target path, the process id and a random draw, so
// concurrent charts (threads or processes) never share one.
class ScratchDir {
 public:
  explicit ScratchDir(const fs::path& target) {
    std::random_device entropy;
    const auto target_hash = std::hash<std::string>{}(target.string());
    std::error_code error;
    const fs::path base = fs::temp_directory_path(error);
    if (error) throw ChartError("chart " + target.string() + ": no temporary directory: " + error.message());
    for (int attempt = 0; attempt < 16; ++attempt) {
      char name[96];
      std::snprintf(name, sizeof name, "gpusim-chart-%d-%016zx-%08x", static_cast<int>(::getpid()),
                    target_hash, static_cast<unsigned>(entropy()));
      fs::path candidate = base / name;
      if (fs::create_directory(candidate, error)) {
        path_ = std::move(candidate);
        cleanup_slot_ = register_cleanup_folder(path_);  // removed on SIGINT/SIGTERM too
        return;
      }
      if (error) break;
    }
    throw ChartError("chart " + target.string() + ": cannot create a scratch directory in " +
                     base.string() + (error ? ": " + error.message() : ""));
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
    release_cleanup_folder(cleanup_slot_);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  int cleanup_slot_ = -1;
};

// Runs `gnuplot -d chart.gp` in `folder` with its output in gnuplot.log, as a
// child process registered for cleanup on SIGINT/SIGTERM. Returns the wait
// status, or throws ChartError when gnuplot cannot be started.
int run_gnuplot(const fs::path& folder, const std::string& what) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (folder / "gnuplot.log").string();
  posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  char program[] = "gnuplot", flag[] = "-d", script[] = "chart.gp";
  char* argv[] = {program, flag, script, nullptr};
  pid_t child = 0;
  const int spawned = posix_spawnp(&child, program, &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned == ENOENT) throw ChartError(what + ": gnuplot not found on PATH (install gnuplot, e.g. gnuplot-nox)");
  if (spawned != 0) throw ChartError(what + ": cannot start gnuplot: " + std::strerror(spawned));
  const int slot = register_cleanup_child(child);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  release_cleanup_child(slot);
  return status;
}

void write_text_file(const fs::path& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw ChartError("cannot write " + file.string());
}

std::string read_text_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string tail(std::string text, std::size_t max_chars) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > max_chars) text = "…" + text.substr(text.size() - max_chars);
  return text;
}

// A data file the script refers to by its name inside the scratch directory.
struct DataFile {
  std::string name;
  std::string content;
};

// Runs the script in a scratch directory and moves its chart.svg to `target`
// via a sibling temporary file and a rename, so `target` is either the whole
// new chart or untouched.
void render(const fs::path& target, const std::string& script,
            const std::vector<DataFile>& data_files) {
  const std::string what = "chart " + target.string();
  if (target.empty() || !target.has_filename()) throw ChartError(what + ": not a file path");
  const fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw ChartError(what + ": directory " + directory.string() +
                     (fs::exists(directory, error) ? " is not a directory" : " does not exist"));
  }

  ScratchDir scratch(target);
  for (const auto& data : data_files) write_text_file(scratch.path() / data.name, data.content);
  write_text_file(scratch.path() / "chart.gp", script);

  const int status = run_gnuplot(scratch.path(), what);
  const std::string log = tail(read_text_file(scratch.path() / "gnuplot.log"), 2000);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 127) {
      throw ChartError(what + ": gnuplot not found on PATH (install gnuplot, e.g. gnuplot-nox)");
    }
    throw ChartError(what + ": gnuplot failed (exit status " + std::to_string(code) +
                     "): " + (log.empty() ? "no output" : log));
  }
  const fs::path svg = scratch.path() / "chart.svg";
  if (!fs::exists(svg, error) || fs::file_size(svg, error) == 0 || error) {
    throw ChartError(what + ": gnuplot wrote no SVG" + (log.empty() ? "" : ": " + log));
  }

  // The sibling name is unique too, so two writers of one target cannot collide.
  const fs::path staging = fs::path(target.string() + "." + scratch.path().filename().string() + ".tmp");
  fs::copy_file(svg, staging, fs::copy_options::overwrite_existing, error);
  if (!error) fs::rename(staging, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(staging, ignored);
    throw ChartError(what + ": cannot write: " + error.message());
  }
}

// ---- input checks --------------------------------------------------------------

void require(bool condition, const std::string& chart_kind, const std::string& message) {
  if (!condition) throw ChartInputError(chart_kind + ": " + message);
}

}  // namespace

// ---- line chart ----------------------------------------------------------------

void write_line_chart(const fs::path& path, const ChartText& text,
                      const std::vector<Series>& series, const LineChartOptions& options) {
  const std::string kind = "line chart " + path.string();
  require(!series.empty(), kind, "no series");
  Extent x_extent;
  Extent y_extent;
  std::ostringstream data;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const auto& one = series[s];
    require(one.x.size() == one.y.size(), kind,
            "series '" + one.name + "' has " + std::to_string(one.x.size()) + " x values but " +
                std::to_string(one.y.size()) + " y values");
    if (s) data << "\n\n";
    data << "# " << s << "\n";
    for (std::size_t i = 0; i < one.x.size(); ++i) {
      data << num(one.x[i]) << " " << num(one.y[i]) << "\n";
      if (std::isfinite(one.x[i]) && std::isfinite(one.y[i])) {
        x_extent.add(one.x[i]);
        y_extent.add(one.y[i]);
      }
    }
    if (one.x.empty()) data << "NaN NaN\n";  // keeps the block so `index s` exists
  }
  require(!x_extent.empty(), kind, "no finite data points");
  for (const auto& line : options.vertical_lines) x_extent.add(line.value);
  for (const auto& line : options.horizontal_lines) y_extent.add(line.value);
  for (const auto& point : options.points) {
    x_extent.add(point.x);
    y_extent.add(point.y);
  }

  std::ostringstream gp;
  gp << preamble(text, chart_height_px);
  const auto x_range = x_extent.lo == x_extent.hi ? padded_range(x_extent) : std::pair{x_extent.lo, x_extent.hi};
  const auto y_range = padded_range(y_extent, 0.06);
  gp << range_command("x", x_range) << range_command("y", y_range);
  // Large values read better as 1.5M or -8B than as 8e+09.
  gp << thousands_tics("y", y_range);

  for (std::size_t i = 0; i < options.vertical_lines.size(); ++i) {
    const auto& line = options.vertical_lines[i];
    gp << "set arrow from first " << num(line.value) << ", graph 0 to first " << num(line.value)
       << ", graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' back\n";
    if (!line.label.empty()) {
      // Staggered downwards so neighbouring lines' labels do not overprint.
      const bool near_right = (line.value - x_range.first) > 0.75 * (x_range.second - x_range.first);
      gp << "set label " << quote(line.label) << " at first " << num(line.value)
         << ", graph 1 " << (near_right ? "right offset -0.6," : "left offset 0.6,")
         << num(-1.0 - 1.2 * static_cast<double>(i % 3)) << " font ',11' textcolor rgb '"
         << annotation_colour << "' boxed front\n";
    }
  }
  for (const auto& line : options.horizontal_lines) {
    gp << "set arrow from graph 0, first " << num(line.value) << " to graph 1, first "
       << num(line.value) << " nohead dt 2 lw 1.5 lc rgb '#555555' back\n";
    if (!line.label.empty()) {
      gp << "set label " << quote(line.label) << " at graph 0.99, first "
         << num(line.value) << " right offset 0,0.7 font ',11' textcolor rgb '" << annotation_colour
         << "' boxed front\n";
    }
  }
  for (const auto& point : options.points) {
    const bool near_right = (point.x - x_range.first) > 0.7 * (x_range.second - x_range.first);
    gp << "set label " << quote(point.label) << " at first " << num(point.x)
       << ", first " << num(point.y) << (near_right ? " right offset -1,1" : " left offset 1,1")
       << " point pt 7 ps 1.3 lc rgb '#000000' font ',12' textcolor rgb '#000000' boxed front\n";
  }

  gp << "plot ";
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::size_t palette_size = std::size(series_colours);
    gp << (s ? ", \\\n     " : "") << "'series.dat' index " << s << " using 1:2 with lines lw 2.5 lc rgb '"
       << series_colours[s % palette_size] << "' dt " << (1 + s / palette_size) << " title "
       << quote(series[s].name);
  }
  gp << "\n";
  render(path, gp.str(), {{"series.dat", data.str()}});
}

// ---- heatmap -------------------------------------------------------------------

void write_heatmap(const fs::path& path, const ChartText& text, const std::vector<double>& x,
                   const std::vector<double>& y, const std::vector<std::vector<double>>& z,
                   const std::string& z_label, const HeatmapOptions& options) {
  const std::string kind = "heatmap " + path.string();
  require(x.size() >= 2 && y.size() >= 2, kind, "needs at least 2 x and 2 y values");
  for (std::size_t i = 1; i < x.size(); ++i) require(x[i] > x[i - 1], kind, "x values must be strictly increasing");
  for (std::size_t j = 1; j < y.size(); ++j) require(y[j] > y[j - 1], kind, "y values must be strictly increasing");
  require(z.size() == y.size(), kind,
          "z has " + std::to_string(z.size()) + " rows but there are " + std::to_string(y.size()) + " y values");
  Extent z_extent;
  std::ostringstream data;
  for (std::size_t j = 0; j < y.size(); ++j) {
    require(z[j].size() == x.size(), kind,
            "z row " + std::to_string(j) + " has " + std::to_string(z[j].size()) + " values but there are " +
                std::to_string(x.size()) + " x values");
    if (j) data << "\n";
    for (std::size_t i = 0; i < x.size(); ++i) {
      data << num(x[i]) << " " << num(y[j]) << " " << num(z[j][i]) << "\n";
      z_extent.add(z[j][i]);
    }
  }
  require(!z_extent.empty(), kind, "no finite z values");
  double z_lo = z_extent.lo;
  double z_hi = z_extent.hi;
  if (z_lo == z_hi) {
    z_lo -= 1;
    z_hi += 1;
  }

  // Room on the left for the y tick labels (gnuplot's %g of each y value, about
  // 9 px a character at this font) and the y label beside them.
  std::size_t widest = 1;
  for (double v : y) {
    char tick[32];
    std::snprintf(tick, sizeof tick, "%g", v);
    widest = std::max(widest, std::strlen(tick));
  }
  const double left_margin = std::min(0.3, 0.06 + 9.0 * static_cast<double>(widest) / 900.0);
  // splot's automatic margins waste a third of the canvas: place everything.
  const double plot_top = 1.0 - header_layout(text).plot_top_px / chart_height_px;
  const double plot_bottom = text.source.empty() ? 0.13 : 0.16;
  std::ostringstream gp;
  gp << preamble(text, chart_height_px);
  gp << "set xrange [" << num(x.front()) << ":" << num(x.back()) << "]\n"
     << "set yrange [" << num(y.front()) << ":" << num(y.back()) << "]\n"
     << "set cbrange [" << num(z_lo) << ":" << num(z_hi) << "]\n"
     << "set cblabel " << quote(z_label) << "\n"
     << thousands_tics("cb", {z_lo, z_hi})
     << "set lmargin at screen " << num(left_margin) << "\n"
     << "set rmargin at screen 0.82\n"
     << "set bmargin at screen " << num(plot_bottom) << "\n"
     << "set colorbox user origin screen 0.85, screen " << num(plot_bottom) << " size screen 0.025, screen "
     << num(plot_top - plot_bottom) << "\n"
     << "set grid noxtics noytics\n"
     << "set tics front\n";
  const bool diverging = options.contour && options.contour->value > z_lo && options.contour->value < z_hi;
  if (diverging) {
    // Red below the contour value, white at it, blue above: the sign reads at a glance.
    gp << "set palette defined (" << num(z_lo) << " '#B2182B', " << num(options.contour->value)
       << " '#F7F7F7', " << num(z_hi) << " '#2166AC')\n";
  } else {
    gp << "set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21918C', 0.75 '#5EC962', 1 '#FDE725')\n";
  }
  gp << "set view map\n"
     << "set pm3d map corners2color mean\n";

  std::vector<DataFile> files = {{"grid.dat", data.str()}};
  if (options.contour) {
    // Contour lines traced by gnuplot into a table, then drawn over the colours.
    gp << "set contour base\n"
       << "set cntrparam linear levels discrete " << num(options.contour->value) << "\n"
       << "unset surface\n"
       << "set table 'contour.dat'\n"
       << "splot 'grid.dat' using 1:2:3 with lines notitle\n"
       << "unset table\n"
       << "unset contour\n"
       << "set surface\n";
  }
  if (options.marked_point) {
    const auto& point = *options.marked_point;
    const bool near_right = (point.x - x.front()) > 0.7 * (x.back() - x.front());
    gp << "set label " << quote(point.label) << " at " << num(point.x) << ", " << num(point.y) << ", "
       << num(z_hi) << (near_right ? " right offset -1,1" : " left offset 1,1")
       << " point pt 7 ps 1.5 lc rgb '#000000' font 'Arial Bold,12' textcolor rgb '#000000' boxed front\n";
  }
  gp << "splot 'grid.dat' using 1:2:3 with pm3d notitle";
  if (options.contour) {
    const std::string title = options.contour->label.empty()
                                  ? z_label + " = " + format_amount(options.contour->value, decimals_for(std::fabs(options.contour->value)), false)
                                  : options.contour->label;
    gp << ", \\\n      'contour.dat' using 1:2:(" << num(z_hi)
       << ") with lines lw 3 lc rgb '#000000' title " << quote(title);
  }
  gp << "\n";
  render(path, gp.str(), files);
}

// ---- bar chart -----------------------------------------------------------------

void write_bar_chart(const fs::path& path, const ChartText& text, const std::vector<std::string>& categories,
                     const std::vector<double>& values, const BarChartOptions& options) {
  const std::string kind = "bar chart " + path.string();
  require(!categories.empty(), kind, "no categories");
  require(categories.size() == values.size(), kind,
          std::to_string(categories.size()) + " categories but " + std::to_string(values.size()) + " values");
  require(options.error_ranges.empty() || options.error_ranges.size() == values.size(), kind,
          std::to_string(options.error_ranges.size()) + " error ranges for " + std::to_string(values.size()) +
              " bars (give none or one per bar)");
  Extent y_extent;
  y_extent.add(0);
  y_extent.add(values);
  std::ostringstream data;
  for (std::size_t i = 0; i < values.size(); ++i) {
    data << i << " " << num(values[i]);
    if (!options.error_ranges.empty()) {
      const auto& range = options.error_ranges[i];
      require(range.low <= range.high, kind, "error range of '" + categories[i] + "' has low > high");
      data << " " << num(range.low) << " " << num(range.high);
      y_extent.add(range.low);
      y_extent.add(range.high);
    }
    data << "\n";
  }
  if (options.band) {
    require(options.band->low <= options.band->high, kind, "band low > high");
    y_extent.add(options.band->low);
    y_extent.add(options.band->high);
  }

  std::ostringstream gp;
  gp << preamble(text, chart_height_px) << category_tics(categories, text)
     << "set xrange [-0.6:" << num(static_cast<double>(values.size()) - 0.4) << "]\n"
     << range_command("y", padded_range(y_extent, 0.08))
     << "set boxwidth 0.6\n"
     << (options.error_ranges.empty() && !options.band ? "set key off\n" : "");
  std::string band_plot;
  if (options.band) {
    gp << "set object 1 rectangle from graph 0, first " << num(options.band->low) << " to graph 1, first "
       << num(options.band->high) << " behind fillcolor rgb '" << band_colour
       << "' fillstyle transparent solid 0.18 noborder\n";
    band_plot = ", \\\n     NaN with boxes fillcolor rgb '" + std::string(band_colour) +
                "' fillstyle transparent solid 0.18 noborder title " + quote(options.band->label);
  }
  gp << "plot 'bars.dat' using 1:2 with boxes fillcolor rgb '" << bar_colour
     << "' fillstyle solid 0.9 noborder notitle";
  if (!options.error_ranges.empty()) {
    gp << ", \\\n     'bars.dat' using 1:3:(0):($4-$3) with vectors heads size screen 0.008,90 lw 1.5 lc rgb '#222222' title 'range'";
  }
  gp << band_plot << "\n";
  render(path, gp.str(), {{"bars.dat", data.str()}});
}

// ---- waterfall -----------------------------------------------------------------

void write_waterfall(const fs::path& path, const ChartText& text, const std::vector<WaterfallStep>& steps) {
  const std::string kind = "waterfall " + path.string();
  require(!steps.empty(), kind, "no steps");
  // Columns: index, bottom, top; one block per colour so each gets a legend entry.
  std::ostringstream increases, decreases, totals, connectors;
  bool has_increase = false, has_decrease = false, has_total = false;
  Extent y_extent;
  y_extent.add(0);
  double running = 0;
  double largest_amount = 0;
  for (const auto& step : steps) largest_amount = std::max(largest_amount, std::fabs(step.amount));
  const int decimals = decimals_for(largest_amount);
  std::vector<std::string> labels;
  std::ostringstream value_labels;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    require(std::isfinite(step.amount), kind, "step '" + step.label + "' has a non-finite amount");
    labels.push_back(step.label);
    double bottom = 0, top = 0;
    if (step.is_total) {
      bottom = 0;
      top = step.amount;
      running = step.amount;
      totals << i << " " << num(bottom) << " " << num(top) << "\n";
      has_total = true;
    } else {
      bottom = running;
      top = running + step.amount;
      running = top;
      (step.amount >= 0 ? increases : decreases) << i << " " << num(bottom) << " " << num(top) << "\n";
      (step.amount >= 0 ? has_increase : has_decrease) = true;
    }
    y_extent.add(bottom);
    y_extent.add(top);
    const double x = static_cast<double>(i);
    if (i + 1 < steps.size()) connectors << num(x + 0.3) << " " << num(running) << " " << num(x + 0.7) << "\n";
    // The amount above a rising bar, below a falling one.
    const bool goes_down = step.is_total ? step.amount < 0 : step.amount < 0;
    value_labels << "set label " << quote(format_amount(step.amount, decimals, !step.is_total))
                 << " at " << i << ", " << num(goes_down ? std::min(bottom, top) : std::max(bottom, top))
                 << " center offset 0," << (goes_down ? "-0.8" : "0.8") << " font ',11' textcolor rgb '"
                 << annotation_colour << "' front\n";
  }
  const auto y_range = padded_range(y_extent, 0.10);

  std::ostringstream gp;
  gp << preamble(text, chart_height_px) << category_tics(labels, text)
     << "set xrange [-0.6:" << num(static_cast<double>(steps.size()) - 0.4) << "]\n"
     << range_command("y", y_range) << value_labels.str();
  const auto block = [](const std::ostringstream& rows) {
    return rows.str().empty() ? std::string("NaN NaN NaN\n") : rows.str();
  };
  const std::string bars = "using 1:($2+$3)/2:($1-0.3):($1+0.3):2:3 with boxxyerror fillstyle solid 0.9 noborder";
  gp << "plot 'increase.dat' " << bars << " fillcolor rgb '" << increase_colour << "' "
     << (has_increase ? "title 'increase'" : "notitle") << ", \\\n"
     << "     'decrease.dat' " << bars << " fillcolor rgb '" << decrease_colour << "' "
     << (has_decrease ? "title 'decrease'" : "notitle") << ", \\\n"
     << "     'total.dat' " << bars << " fillcolor rgb '" << total_colour << "' "
     << (has_total ? "title 'total'" : "notitle") << ", \\\n"
     << "     'connectors.dat' using 1:2:($3-$1):(0) with vectors nohead dt 2 lc rgb '#777777' notitle\n";
  render(path, gp.str(),
         {{"increase.dat", block(increases)},
          {"decrease.dat", block(decreases)},
          {"total.dat", block(totals)},
          {"connectors.dat", connectors.str().empty() ? "NaN NaN NaN\n" : connectors.str()}});
}

// ---- fan chart -----------------------------------------------------------------

void write_fan_chart(const fs::path& path, const ChartText& text, const std::vector<std::string>& x_labels,
                     const std::vector<FanPanel>& panels) {
  const std::string kind = "fan chart " + path.string();
  require(!panels.empty() && panels.size() <= 3, kind,
          "needs 1 to 3 panels, got " + std::to_string(panels.size()));
  require(x_labels.size() >= 2, kind, "needs at least 2 x labels");
  const std::size_t count = x_labels.size();
  std::vector<DataFile> files;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto& panel = panels[p];
    const std::string name = panel.title.empty() ? "panel " + std::to_string(p + 1) : "'" + panel.title + "'";
    require(panel.p5.size() == count && panel.p50.size() == count && panel.p95.size() == count, kind,
            name + " needs " + std::to_string(count) + " values in p5, p50 and p95 (one per x label), got " +
                std::to_string(panel.p5.size()) + ", " + std::to_string(panel.p50.size()) + " and " +
                std::to_string(panel.p95.size()));
    std::ostringstream data;
    for (std::size_t i = 0; i < count; ++i) {
      data << i << " " << num(panel.p5[i]) << " " << num(panel.p50[i]) << " " << num(panel.p95[i]) << "\n";
    }
    files.push_back({"panel" + std::to_string(p) + ".dat", data.str()});
  }

  // Evenly spaced x labels: a step of whole months/years where it can be, few
  // enough that the longest label fits between neighbours.
  std::size_t longest = 1;
  for (const auto& label : x_labels) longest = std::max(longest, label.size());
  const std::size_t max_labels =
      std::clamp<std::size_t>(static_cast<std::size_t>(760.0 / (static_cast<double>(longest) * 7.5 + 24)), 2, 13);
  std::size_t step = 1;
  for (std::size_t candidate : {1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120, 240, 600, 1200}) {
    step = candidate;
    if ((count - 1) / candidate + 1 <= max_labels) break;
  }
  while ((count - 1) / step + 1 > max_labels) step *= 2;
  std::ostringstream tics, blank_tics;
  for (std::size_t i = 0; i < count; i += step) {
    tics << (i ? ", " : "") << quote(x_labels[i]) << " " << i;
    blank_tics << (i ? ", " : "") << "'' " << i;
  }

  // Screen layout in pixels, top to bottom: title, legend, panels (each with a
  // title line), x tic labels, x label and source line.
  const int height_px = fan_chart_height_px[panels.size() - 1];
  const double top_px = header_layout(text).plot_top_px + 22;  // room for the panel's title
  const double bottom_px = 92;
  const double panel_gap_px = 44;
  const double panel_px =
      (height_px - top_px - bottom_px - panel_gap_px * static_cast<double>(panels.size() - 1)) /
      static_cast<double>(panels.size());

  // Labels are drawn with every panel of a multiplot: the title (label 9998) and
  // legend go with the first panel only, the source line with the last.
  ChartText shared = text;
  shared.source.clear();
  std::ostringstream gp;
  gp << preamble(shared, height_px, false)
     << "set xrange [0:" << count - 1 << "]\n"
     << "set lmargin at screen 0.11\n"
     << "set rmargin at screen 0.96\n"
     << "set multiplot\n";
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto& panel = panels[p];
    const bool last = p + 1 == panels.size();
    const double top = top_px + static_cast<double>(p) * (panel_px + panel_gap_px);
    Extent y_extent;
    y_extent.add(panel.p5);
    y_extent.add(panel.p50);
    y_extent.add(panel.p95);
    gp << "set tmargin at screen " << screen_y(top, height_px) << "\n"
       << "set bmargin at screen " << screen_y(top + panel_px, height_px) << "\n"
       << "set xtics (" << (last ? tics.str() : blank_tics.str()) << ")\n"
       << "set title " << quote(panel.title) << " font 'Arial Bold,13' offset 0,-0.3\n"
       << "set ylabel " << quote(panel.y_label.empty() ? text.y_label : panel.y_label) << "\n"
       << range_command("y", padded_range(y_extent, 0.05));
    const std::string y_tics = thousands_tics("y", padded_range(y_extent, 0.05));
    gp << (y_tics.empty() ? "set ytics autofreq\n" : y_tics);
    if (last && !text.x_label.empty()) gp << "set xlabel " << quote(text.x_label) << "\n";
    if (p == 1) gp << "set key off\n";  // the first panel's legend serves all
    if (last) {  // the source line once, under the last panel
      const std::string source = source_line(text.source);
      if (!source.empty()) {
        gp << "set label 9999 " << quote(source)
           << " at screen 0.012, screen 0.018 left font ',10' textcolor rgb '#666666'\n";
      }
    }
    if (p == 1) gp << "unset label 9998\n";
    gp << "plot 'panel" << p << ".dat' using 1:2:4 with filledcurves fillcolor rgb '" << fan_band_colour
       << "' fillstyle solid 0.7 noborder title '5th–95th percentile', \\\n"
       << "     '' using 1:3 with lines lw 2.5 lc rgb '" << fan_median_colour << "' title 'median'\n";
  }
  gp << "unset multiplot\n";
  render(path, gp.str(), files);
}

bool gnuplot_available() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

}  // namespace gpusim
