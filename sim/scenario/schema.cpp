#include "sim/scenario/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gpusim {

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

namespace {
// A path as its prefix up to and with the last '.' and the leaf after it.
std::pair<std::string_view, std::string_view> split_at_last_dot(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return {std::string_view(), path};
  return {path.substr(0, dot + 1), path.substr(dot + 1)};
}
}  // namespace

LocationIndex::LocationIndex(const LocationIndex& other) { *this = other; }

LocationIndex& LocationIndex::operator=(const LocationIndex& other) {
  if (this == &other) return *this;
  *this = LocationIndex();
  for (const Prefix& p : other.prefixes_) {
    std::string path(p.text);
    for (std::uint32_t e = p.first; e != 0; e = other.entries_[e - 1].next) {
      path.resize(p.text.size());
      path += other.entries_[e - 1].leaf;
      (*this)[path] = other.entries_[e - 1].second;
    }
  }
  return *this;
}

std::uint32_t LocationIndex::find_prefix(std::string_view prefix, std::size_t hash) const {
  if (slots_.empty()) return 0;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t s = slots_[i];
    if (s == 0) return 0;
    const Prefix& p = prefixes_[s - 1];
    if (p.hash == hash && p.text == prefix) return s;
  }
}

std::uint32_t LocationIndex::find_leaf(const Prefix& p, std::string_view leaf) const {
  if (p.by_leaf) {
    const auto it = p.by_leaf->find(leaf);
    return it == p.by_leaf->end() ? 0 : it->second;
  }
  for (std::uint32_t e = p.first; e != 0; e = entries_[e - 1].next)
    if (entries_[e - 1].leaf == leaf) return e;
  return 0;
}

const LocationIndex::Entry* LocationIndex::find(std::string_view path) const {
  const auto [prefix, leaf] = split_at_last_dot(path);
  std::uint32_t p = last_prefix_;
  if (p == 0 || p > prefixes_.size() || prefixes_[p - 1].text != prefix) p = find_prefix(prefix, std::hash<std::string_view>{}(prefix));
  if (p == 0) return nullptr;
  const std::uint32_t e = find_leaf(prefixes_[p - 1], leaf);
  return e == 0 ? nullptr : &entries_[e - 1];
}

SourceLoc& LocationIndex::operator[](std::string_view path) {
  const auto [prefix, leaf] = split_at_last_dot(path);
  std::uint32_t p = last_prefix_;
  if (p == 0 || p > prefixes_.size() || prefixes_[p - 1].text != prefix) {
    const std::size_t hash = std::hash<std::string_view>{}(prefix);
    p = find_prefix(prefix, hash);
    if (p == 0) {
      if ((prefixes_.size() + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
      prefixes_.push_back({store(prefix), hash});
      p = static_cast<std::uint32_t>(prefixes_.size());
      const std::size_t mask = slots_.size() - 1;
      std::size_t i = hash & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = p;
    }
  }
  last_prefix_ = p;
  Prefix& pre = prefixes_[p - 1];
  if (const std::uint32_t e = find_leaf(pre, leaf)) return entries_[e - 1].second;
  entries_.push_back({store(leaf), {}, 0});
  const auto added = static_cast<std::uint32_t>(entries_.size());
  if (pre.last != 0) entries_[pre.last - 1].next = added;
  else pre.first = added;
  pre.last = added;
  if (pre.by_leaf) {
    pre.by_leaf->emplace(entries_.back().leaf, added);
  } else if (++pre.count > kChainedLeaves) {
    pre.by_leaf = std::make_shared<std::unordered_map<std::string_view, std::uint32_t>>();
    for (std::uint32_t e = pre.first; e != 0; e = entries_[e - 1].next) pre.by_leaf->emplace(entries_[e - 1].leaf, e);
  }
  return entries_.back().second;
}

std::string_view LocationIndex::store(std::string_view text) {
  if (arena_.empty() || arena_used_ + text.size() > arena_size_) {
    // Chunks from 1 KiB, doubling to 64 KiB: a small scenario allocates little.
    arena_size_ = std::max<std::size_t>(text.size(), std::min<std::size_t>(64 * 1024, std::max<std::size_t>(1024, 2 * arena_size_)));
    arena_.push_back(std::unique_ptr<char[]>(new char[arena_size_]));  // not zeroed: written before read
    arena_used_ = 0;
  }
  char* at = arena_.back().get() + arena_used_;
  std::copy(text.begin(), text.end(), at);
  arena_used_ += text.size();
  return {at, text.size()};
}

void LocationIndex::rehash(std::size_t slots) {
  slots_.assign(slots, 0);
  const std::size_t mask = slots - 1;
  for (std::size_t k = 0; k < prefixes_.size(); ++k) {
    std::size_t i = prefixes_[k].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(k + 1);
  }
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& valid) {
  // `{count: 1,056 racks}`: inside { } or [ ] YAML reads the comma as the end
  // of the entry, and "056 racks" as the next key. No key starts with a digit.
  if (!key.empty() && key[0] >= '0' && key[0] <= '9')
    return "; inside { } or [ ] a comma ends the entry: write the number without its thousands separator (1056) "
           "or in quotes ('1,056 racks')";
  // Never the name the user already wrote.
  if (std::find(valid.begin(), valid.end(), key) != valid.end()) return "";
  std::string best;
  std::size_t best_d = 3;
  for (const auto& v : valid) {
    const std::size_t d = edit_distance(key, v);
    if (d < best_d || (d == best_d && best.empty() && key.size() >= 3 && v.rfind(key, 0) == 0)) {
      best = v;
      best_d = d;
    }
  }
  if (best.empty()) {
    for (const auto& v : valid)
      if (key.size() >= 3 && v.rfind(key, 0) == 0) return "; did you mean '" + v + "'?";
    return "";
  }
  return "; did you mean '" + best + "'?";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

bool check_range(ReadContext& ctx, const DocNode& node, double value, double lo, double hi,
                 const std::string& what) {
  if (value < lo || value > hi) {
    ctx.error(node.loc, "'" + node.scalar + "' is out of range (expected " + what + ")");
    return false;
  }
  return true;
}

std::optional<double> read_number_as(ReadContext& ctx, const DocNode& node, UnitKind kind,
                                     const std::string& default_unit) {
  if (!node.is_scalar() && !node.is_null()) {
    ctx.error(node.loc, "expected " + unit_kind_noun(kind) + " (" + unit_kind_choices(kind) +
                            "), found " + Section<int>::describe(node));
    return std::nullopt;
  }
  const std::string key = ctx.path.substr(ctx.path.rfind('.') == std::string::npos ? 0 : ctx.path.rfind('.') + 1);
  // A key written without a value ("price:") is null: the same "missing value" as "".
  const QuantityResult r = parse_quantity(node.is_null() ? std::string() : node.scalar, kind, key, default_unit);
  if (!r.ok()) {
    ctx.error(node.loc, r.error);
    return std::nullopt;
  }
  return r.value;
}

std::optional<Span> read_span(ReadContext& ctx, const DocNode& node, const std::string& default_unit) {
  if (!node.is_scalar() && !node.is_null()) {
    ctx.error(node.loc, "expected a duration (h, d, w or y), found " + Section<int>::describe(node));
    return std::nullopt;
  }
  const std::string key = ctx.path.substr(ctx.path.rfind('.') == std::string::npos ? 0 : ctx.path.rfind('.') + 1);
  const QuantityResult r =
      parse_quantity(node.is_null() ? std::string() : node.scalar, UnitKind::duration, key, default_unit);
  if (!r.ok()) {
    ctx.error(node.loc, r.error);
    return std::nullopt;
  }
  if (r.span.amount < 0) {
    ctx.error(node.loc, "'" + node.scalar + "' is negative (expected a duration of 0 or more)");
    return std::nullopt;
  }
  const double years = r.span.unit == Span::Unit::years ? r.span.amount : r.span.amount / 8760.0;
  if (years > 1000) {
    ctx.error(node.loc, "'" + node.scalar + "' is out of range (expected at most 1000 years)");
    return std::nullopt;
  }
  return r.span;
}

std::string parse_date(const std::string& text, HourStamp& out) {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0;
  char tail = 0;
  int n = 0;
  // YYYY-MM-DD, nearly every date: read directly (sscanf reads it the same way).
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digit(0) && digit(1) && digit(2) && digit(3) &&
      digit(5) && digit(6) && digit(8) && digit(9)) {
    const auto two = [&](std::size_t i) { return (text[i] - '0') * 10 + (text[i + 1] - '0'); };
    y = two(0) * 100 + two(2);
    m = two(5);
    d = two(8);
    n = 3;
  } else {
    n = std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail);
  }
  bool ok = false;
  if (n == 3 && text.size() == 10) {
    ok = true;
  } else if (n == 4 && (tail == 'T' || tail == ' ') && text.size() == 16) {
    char c1 = 0;
    if (std::sscanf(text.c_str() + 11, "%2d:%2d%c", &hh, &mm, &c1) == 2) ok = true;
  }
  if (!ok) return "'" + text + "' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:00)";
  if (y < 1900 || y > 2200) return "'" + text + "': year out of range (expected 1900 to 2200)";
  if (m < 1 || m > 12) return "'" + text + "': month out of range (expected 01 to 12)";
  if (d < 1 || d > days_in_month(y, m))
    return "'" + text + "': day out of range (that month has " + std::to_string(days_in_month(y, m)) +
           " days)";
  if (hh < 0 || hh > 23) return "'" + text + "': hour out of range (expected 00 to 23)";
  if (mm != 0) return "'" + text + "': steps are whole hours (expected minutes :00)";
  out = to_hours({y, m, d, hh});
  return "";
}

std::optional<HourStamp> read_date(ReadContext& ctx, const DocNode& node) {
  if (!node.is_scalar()) {
    ctx.error(node.loc, "expected a date (YYYY-MM-DD), found " + Section<int>::describe(node));
    return std::nullopt;
  }
  HourStamp h = 0;
  const std::string err = parse_date(node.scalar, h);
  if (!err.empty()) {
    ctx.error(node.loc, err);
    return std::nullopt;
  }
  return h;
}

std::optional<std::string> read_text(ReadContext& ctx, const DocNode& node) {
  if (!node.is_scalar()) {
    ctx.error(node.loc, "expected a text value, found " + Section<int>::describe(node));
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<bool> read_bool(ReadContext& ctx, const DocNode& node) {
  if (node.is_scalar()) {
    const std::string& s = node.scalar;
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  ctx.error(node.loc, "expected true or false, found " + Section<int>::describe(node));
  return std::nullopt;
}

namespace {
// The word after a count: servers or racks of the pool's model (converted to
// GPUs by the loader's cross-checks, which know the model), else GPUs.
CountUnit strip_count_unit(std::string& text) {
  const std::pair<const char*, CountUnit> words[] = {{"servers", CountUnit::servers}, {"server", CountUnit::servers},
                                                     {"racks", CountUnit::racks}, {"rack", CountUnit::racks}};
  while (!text.empty() && text.back() == ' ') text.pop_back();
  for (const auto& [word, unit] : words) {
    const std::string w = word;
    if (text.size() > w.size() && text.compare(text.size() - w.size(), w.size(), w) == 0 &&
        text[text.size() - w.size() - 1] == ' ') {
      text.resize(text.size() - w.size());
      return unit;
    }
  }
  return CountUnit::gpus;
}

std::optional<double> read_count_value(ReadContext& ctx, const DocNode& node, CountUnit& unit) {
  unit = CountUnit::gpus;
  std::optional<double> v;
  if (node.is_scalar()) {
    std::string text = node.scalar;
    unit = strip_count_unit(text);
    DocNode number = node;
    number.scalar = text;
    v = read_number_as(ctx, number, UnitKind::count, "");
  } else {
    v = read_number_as(ctx, node, UnitKind::count, "");
  }
  if (!v) return std::nullopt;
  if (*v < 0) {
    ctx.error(node.loc, "'" + node.scalar + "' is negative (expected a count of 0 or more)");
    return std::nullopt;
  }
  if (*v > 1e12) {
    ctx.error(node.loc, "'" + node.scalar + "' is out of range (expected at most 1T)");
    return std::nullopt;
  }
  if (unit != CountUnit::gpus && *v != std::floor(*v)) {
    const char* what = unit == CountUnit::racks ? "racks" : "servers";
    ctx.error(node.loc, "'" + node.scalar + "' is not a whole number of " + what + " (write a part of one in GPUs)");
    return std::nullopt;
  }
  return v;
}
}  // namespace

std::optional<std::vector<RampPoint>> read_ramp(ReadContext& ctx, const DocNode& node, CountUnit& unit) {
  unit = CountUnit::gpus;
  if (!node.is_seq() || node.children.empty()) {
    ctx.error(node.loc, "expected a ramp: a list of {at: DATE, count: N}, found " +
                            Section<int>::describe(node));
    return std::nullopt;
  }
  std::vector<RampPoint> out;
  bool ok = true;
  const std::string base = ctx.path;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const DocNode& p = node.children[i];
    ctx.path = base + "[" + std::to_string(i) + "]";
    if (!p.is_map()) {
      ctx.error(p.loc, "expected {at: DATE, count: N}, found " + Section<int>::describe(p));
      ok = false;
      continue;
    }
    for (std::size_t k = 0; k < p.keys.size(); ++k) {
      if (p.keys[k] != "at" && p.keys[k] != "count") {
        ctx.diags.error(p.key_locs[k], ctx.path + "." + p.keys[k],
                        "unknown key" + did_you_mean(p.keys[k], {"at", "count"}) +
                            " (valid keys: at, count)");
        ok = false;
      }
    }
    const DocNode* at = p.find("at");
    const DocNode* count = p.find("count");
    if (!at || !count) {
      ctx.error(p.loc, std::string("missing required key '") + (at ? "count" : "at") +
                           "' (a ramp point is {at: DATE, count: N})");
      ok = false;
      continue;
    }
    const std::string point = ctx.path;
    ctx.path = point + ".at";
    auto when = read_date(ctx, *at);
    ctx.path = point + ".count";
    CountUnit point_unit = CountUnit::gpus;
    auto n = read_count_value(ctx, *count, point_unit);
    if (!when || !n) {
      ok = false;
      continue;
    }
    if (i == 0) {
      unit = point_unit;
    } else if (point_unit != unit) {
      ctx.error(count->loc, "'" + count->scalar + "' counts in " + count_unit_name(point_unit) +
                                " but the ramp's first point counts in " + count_unit_name(unit) +
                                " (a ramp counts in one unit)");
      ok = false;
      continue;
    }
    if (!out.empty() && *when <= out.back().at) {
      ctx.path = point + ".at";
      ctx.error(at->loc, "'" + at->scalar + "' is not after the previous point (" +
                             format_date(out.back().at) + "); ramp dates must increase");
      ok = false;
      continue;
    }
    out.push_back({*when, *n});
  }
  ctx.path = base;
  if (!ok) return std::nullopt;
  return out;
}

std::optional<CountSchedule> read_count_schedule(ReadContext& ctx, const DocNode& node, bool* fit,
                                                 bool* all) {
  CountSchedule s;
  if (node.is_scalar() && (node.scalar == "fit" || node.scalar == "all")) {
    bool* flag = node.scalar == "fit" ? fit : all;
    if (!flag) {
      ctx.error(node.loc, node.scalar == "fit"
                              ? "'fit' is only for a fleet's count (expected a number of GPUs or a ramp)"
                              : "'all' is only for a contract's gpus (expected a number of GPUs or a ramp)");
      return std::nullopt;
    }
    *flag = true;
    return s;
  }
  if (node.is_seq()) {
    auto ramp = read_ramp(ctx, node, s.unit);
    if (!ramp) return std::nullopt;
    s.ramp = std::move(*ramp);
    return s;
  }
  auto v = read_count_value(ctx, node, s.unit);
  if (!v) return std::nullopt;
  s.constant = *v;
  return s;
}

}  // namespace gpusim
