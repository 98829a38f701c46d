// Explanation trees: the check that each node is what its operation gives
// from its children, and the text and JSON forms `gpusim explain` prints.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/explain/explain.hpp"
#include "sim/output/summary.hpp"

namespace gpusim::explain {

const char* op_name(Op op) {
  switch (op) {
    case Op::input: return "input";
    case Op::engine: return "engine";
    case Op::sum: return "sum";
    case Op::product: return "product";
    case Op::quotient: return "quotient";
    case Op::same: return "same";
  }
  return "?";
}

namespace {

// What the node's operation gives from its children, and the scale a rounding
// difference is measured against; nullopt for leaves and engine totals.
std::optional<std::pair<double, double>> recompute(const Node& n) {
  if (n.op == Op::input || n.op == Op::engine || n.children.empty()) return std::nullopt;
  for (const auto& c : n.children)
    if (!c.value) return std::nullopt;
  double v = 0.0, scale = 0.0;
  switch (n.op) {
    case Op::sum:
      for (const auto& c : n.children) {
        v += c.sign * *c.value;
        scale += std::fabs(*c.value);
      }
      break;
    case Op::product:
      v = 1.0;
      for (const auto& c : n.children) v *= *c.value;
      scale = std::fabs(v);
      break;
    case Op::quotient:
      v = n.children.size() == 2 && *n.children[1].value != 0 ? *n.children[0].value / *n.children[1].value : 0.0;
      scale = std::fabs(v);
      break;
    case Op::same:
      v = *n.children[0].value;
      scale = std::fabs(v);
      break;
    default: return std::nullopt;
  }
  return std::make_pair(n.factor * v, std::fabs(n.factor) * scale);
}

void check(const Node& n, std::vector<std::string>& problems) {
  if (n.value) {
    if (const auto got = recompute(n)) {
      const double tolerance = 1e-9 * std::max(1.0, got->second);
      if (!(std::fabs(*n.value - got->first) <= tolerance)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, ": holds %.17g but its %s of its children gives %.17g", *n.value,
                      op_name(n.op), got->first);
        problems.push_back((n.path.empty() ? n.label : n.path) + buf);
      }
    }
  }
  for (const auto& c : n.children) check(c, problems);
}

std::string value_text(const std::optional<double>& v, const std::string& unit) {
  if (!v) return "null";
  char buf[64];
  if (unit == "share") {
    std::snprintf(buf, sizeof buf, "%.6g%%", *v * 100);
    return buf;
  }
  const double a = std::fabs(*v);
  std::string text;
  if (a >= 1e6 || (a >= 1e3 && *v == std::floor(*v))) text = with_commas(*v, 0);
  else if (a >= 1e3) text = with_commas(*v, 2);
  else {
    std::snprintf(buf, sizeof buf, "%.6g", *v);
    text = buf;
  }
  return unit.empty() ? text : text + " " + unit;
}

void text(const Node& n, int level, int depth, std::ostringstream& o) {
  const std::string indent(static_cast<std::size_t>(2 * level), ' ');
  o << indent << (n.sign < 0 ? "− " : "") << (n.path.empty() ? n.label : n.path) << " = "
    << value_text(n.value, n.unit);
  if (n.op != Op::input) o << "  = " << n.equation;
  if (!n.source.empty() && n.op != Op::engine) o << "   " << n.source;
  if (!n.anchor.empty()) o << "   (" << n.anchor << ")";
  o << "\n";
  if (!n.path.empty() && !n.label.empty()) o << indent << "    — " << n.label << "\n";
  for (const auto& note : n.notes) o << indent << "    ↳ " << note << "\n";
  if (n.children.empty()) return;
  if (depth >= 0 && level >= depth) {
    o << indent << "  … " << n.children.size() << (n.children.size() == 1 ? " input" : " inputs")
      << " below (raise --depth)\n";
    return;
  }
  for (const auto& c : n.children) text(c, level + 1, depth, o);
}

Json json(const Node& n, int level, int depth) {
  Json j;
  j["path"] = n.path;
  j["label"] = n.label;
  j["value"] = n.value ? Json(*n.value) : Json(nullptr);
  j["unit"] = n.unit;
  j["op"] = op_name(n.op);
  if (n.factor != 1.0) j["factor"] = n.factor;
  if (n.sign != 1) j["sign"] = n.sign;
  j["equation"] = n.equation;
  j["anchor"] = n.anchor;
  j["source"] = n.source;
  j["notes"] = n.notes;
  Json children = Json::array();
  if (depth < 0 || level < depth)
    for (const auto& c : n.children) children.push_back(json(c, level + 1, depth));
  else if (!n.children.empty())
    j["truncated"] = true;
  j["children"] = children;
  return j;
}

}  // namespace

std::vector<std::string> check_tree(const Node& root) {
  std::vector<std::string> problems;
  check(root, problems);
  return problems;
}

std::string to_text(const Node& root, int depth) {
  std::ostringstream o;
  text(root, 0, depth, o);
  return o.str();
}

Json to_json(const Node& root, int depth) { return json(root, 0, depth); }

}  // namespace gpusim::explain
