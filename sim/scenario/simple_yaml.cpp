#include "sim/scenario/simple_yaml.hpp"

#include <cstring>
#include <vector>

namespace gpusim {

namespace {

struct Decline {};  // the text is outside the subset: yaml-cpp reads it

// One line that holds something besides blanks and a comment.
struct Line {
  std::size_t begin = 0;  // offset of the line's first byte
  std::size_t end = 0;    // offset past its content (comment and trailing blanks cut)
  int indent = 0;         // leading spaces
  int number = 0;         // 1-based
};

bool is_null_word(const char* s, std::size_t n) {
  // yaml-cpp's IsNullString: a plain scalar that reads as null.
  return (n == 1 && s[0] == '~') || (n == 4 && (std::memcmp(s, "null", 4) == 0 || std::memcmp(s, "Null", 4) == 0 ||
                                                std::memcmp(s, "NULL", 4) == 0));
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '/';
}

class Reader {
 public:
  Reader(const std::string& text, const std::shared_ptr<const std::string>& file, const DocLimits& limits)
      : t_(text), file_(file), limits_(limits) {}

  DocNode read() {
    split_lines();
    if (lines_.empty() || lines_[0].indent != 0) throw Decline{};
    const Line& first = lines_[0];
    if (lines_.size() == 1 && key_end(first, first.begin) == std::string::npos && !dash_at(first, first.begin)) {
      // One value on one line (a --set's VALUE): a scalar, or a flow map or list.
      DocNode value = inline_value(first, first.begin, 0);
      li_ = 1;
      return value;
    }
    DocNode root = block(0, 0);
    if (!root.is_map() || li_ != lines_.size()) throw Decline{};
    return root;
  }

 private:
  const std::string& t_;
  std::shared_ptr<const std::string> file_;
  const DocLimits& limits_;
  std::vector<Line> lines_;
  std::size_t li_ = 0;  // the current line
  std::size_t nodes_ = 0;

  void split_lines() {
    const std::size_t n = t_.size();
    // No line breaks but '\n' ('\r' is one too) and no tabs or other
    // control characters, so that lines split where yaml-cpp splits them.
    for (const char c : t_) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\n') || u == 0x7F) throw Decline{};
    }
    int number = 0;
    for (std::size_t begin = 0; begin < n;) {
      std::size_t end = t_.find('\n', begin);
      if (end == std::string::npos) end = n;
      ++number;
      Line l;
      l.begin = begin;
      l.number = number;
      // The content: up to a comment ('#' first or after a blank), blanks cut.
      std::size_t stop = end;
      for (std::size_t i = begin; i < end; ++i) {
        if (t_[i] == '#' && (i == begin || t_[i - 1] == ' ')) {
          stop = i;
          break;
        }
        // Text other than ASCII only in comments: columns then count characters.
        if (static_cast<unsigned char>(t_[i]) >= 0x80) throw Decline{};
      }
      while (stop > begin && t_[stop - 1] == ' ') --stop;
      std::size_t first = begin;
      while (first < stop && t_[first] == ' ') ++first;
      if (first < stop) {
        // Document markers and directives belong to yaml-cpp.
        if (first == begin && (t_[first] == '%' || t_.compare(first, 3, "---") == 0 ||
                               t_.compare(first, 3, "...") == 0))
          throw Decline{};
        l.end = stop;
        l.indent = static_cast<int>(first - begin);
        lines_.push_back(l);
      }
      begin = end + 1;
    }
  }

  SourceLoc at(const Line& l, std::size_t offset) const {
    return {file_, l.number, static_cast<int>(offset - l.begin) + 1};
  }

  void count(int depth) {
    if (++nodes_ > limits_.max_nodes || depth > limits_.max_depth) throw Decline{};
  }

  bool dash_at(const Line& l, std::size_t p) const { return t_[p] == '-' && (p + 1 == l.end || t_[p + 1] == ' '); }

  // A block node whose first line is lines_[li_], at its indent.
  DocNode block(int indent, int depth) {
    const Line& l = lines_[li_];
    const std::size_t p = l.begin + static_cast<std::size_t>(indent);
    if (dash_at(l, p)) return sequence(indent, depth);
    return map(indent, p, depth);
  }

  // Where the key at `p` ends (its ':'), or npos when the line holds no key there.
  std::size_t key_end(const Line& l, std::size_t p) const {
    std::size_t i = p;
    while (i < l.end && is_name_char(t_[i])) ++i;
    if (i == p || i >= l.end || t_[i] != ':' || (i + 1 < l.end && t_[i + 1] != ' ')) return std::string::npos;
    return i;
  }

  // A key: a plain name (letters, digits, _ - . /), starting with a letter,
  // digit or underscore, not a null word.
  void check_key(std::size_t p, std::size_t end) const {
    const char c = t_[p];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      throw Decline{};
    if (end - p > 1000 || is_null_word(t_.data() + p, end - p)) throw Decline{};
  }

  static void add(DocNode& map, std::string key, const SourceLoc& key_loc, DocNode value) {
    for (const auto& k : map.keys)
      if (k == key) throw Decline{};  // a duplicate: yaml-cpp's reader reports it
    // An empty value carries its key's place (as document.cpp's converter sets it).
    if (value.is_null()) value.loc = key_loc;
    map.keys.push_back(std::move(key));
    map.key_locs.push_back(key_loc);
    map.children.push_back(std::move(value));
  }

  // A block map whose keys start at column `indent`; the first at offset `p`
  // of the current line (after "- " for a list item's map).
  DocNode map(int indent, std::size_t p, int depth) {
    count(depth);
    DocNode out;
    out.kind = DocNode::Kind::map;
    out.loc = at(lines_[li_], p);
    while (true) {
      const Line& l = lines_[li_];
      const std::size_t colon = key_end(l, p);
      if (colon == std::string::npos) throw Decline{};
      check_key(p, colon);
      const SourceLoc key_loc = at(l, p);
      std::string key = t_.substr(p, colon - p);
      std::size_t v = colon + 1;
      while (v < l.end && t_[v] == ' ') ++v;
      DocNode value;
      if (v < l.end) {
        value = inline_value(l, v, depth + 1);
        ++li_;
      } else {
        ++li_;
        if (li_ < lines_.size() && lines_[li_].indent > indent) {
          value = block(lines_[li_].indent, depth + 1);
        } else if (li_ < lines_.size() && lines_[li_].indent == indent &&
                   dash_at(lines_[li_], lines_[li_].begin + static_cast<std::size_t>(indent))) {
          value = sequence(indent, depth + 1);  // a list at its key's indent
        } else {
          count(depth + 1);  // an empty value: null
        }
      }
      add(out, std::move(key), key_loc, std::move(value));
      if (li_ == lines_.size() || lines_[li_].indent < indent) return out;
      if (lines_[li_].indent > indent) throw Decline{};  // a continued value, or malformed
      p = lines_[li_].begin + static_cast<std::size_t>(indent);
      if (dash_at(lines_[li_], p)) {
        // A list item at a map's indent ends the map only when the map is
        // itself a list item's ("- a: 1" then "- a: 2" at the dash's column).
        throw Decline{};
      }
    }
  }

  // A block list whose dashes are at column `indent`.
  DocNode sequence(int indent, int depth) {
    count(depth);
    DocNode out;
    out.kind = DocNode::Kind::seq;
    out.loc = at(lines_[li_], lines_[li_].begin + static_cast<std::size_t>(indent));
    while (true) {
      const Line& l = lines_[li_];
      std::size_t v = l.begin + static_cast<std::size_t>(indent) + 1;
      while (v < l.end && t_[v] == ' ') ++v;
      if (v == l.end || dash_at(l, v)) throw Decline{};  // an empty item, or a list in a list
      if (t_[v] != '{' && t_[v] != '[' && key_end(l, v) != std::string::npos) {
        out.children.push_back(map(static_cast<int>(v - l.begin), v, depth + 1));
      } else {
        DocNode item = inline_value(l, v, depth + 1);
        if (item.is_null()) throw Decline{};
        out.children.push_back(std::move(item));
        ++li_;
      }
      if (li_ == lines_.size() || lines_[li_].indent < indent) return out;
      if (lines_[li_].indent > indent) throw Decline{};
      if (!dash_at(lines_[li_], lines_[li_].begin + static_cast<std::size_t>(indent))) return out;  // the parent map's next key
    }
  }

  // The rest of a line from `p`: a one-line flow map or list, or a plain scalar.
  DocNode inline_value(const Line& l, std::size_t p, int depth) {
    if (t_[p] == '{' || t_[p] == '[') {
      DocNode out = flow(l, p, depth);
      if (p != l.end) throw Decline{};  // something after the closing bracket
      return out;
    }
    // A block-context plain scalar up to the line's end.
    check_scalar_start(p, l.end);
    for (std::size_t i = p; i < l.end; ++i) {
      const char c = t_[i];
      if (c == ':' && (i + 1 == l.end || t_[i + 1] == ' ')) throw Decline{};  // a key inside a value
      if (c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == '\'') throw Decline{};
    }
    count(depth);
    return scalar(l, p, l.end);
  }

  // The first character of a plain scalar: not an indicator; '-' only before a digit.
  void check_scalar_start(std::size_t p, std::size_t end) const {
    const char c = t_[p];
    if (c == '-') {
      if (p + 1 >= end || t_[p + 1] < '0' || t_[p + 1] > '9') throw Decline{};
      return;
    }
    if (std::strchr("?:,[]{}#&*!|>'\"%@`~", c)) {
      // '~' alone is null; anything else starting with an indicator is yaml-cpp's.
      if (!(c == '~' && p + 1 == end)) throw Decline{};
    }
  }

  DocNode scalar(const Line& l, std::size_t p, std::size_t end) const {
    DocNode out;
    out.loc = at(l, p);
    if (is_null_word(t_.data() + p, end - p)) return out;  // null (its place: yaml-cpp's mark)
    out.kind = DocNode::Kind::scalar;
    out.scalar.assign(t_, p, end - p);
    return out;
  }

  void skip_blanks(const Line& l, std::size_t& p) const {
    while (p < l.end && t_[p] == ' ') ++p;
  }

  // A flow map or list that closes on this line; `p` ends past it.
  DocNode flow(const Line& l, std::size_t& p, int depth) {
    count(depth);
    DocNode out;
    out.loc = at(l, p);
    const bool is_map = t_[p] == '{';
    out.kind = is_map ? DocNode::Kind::map : DocNode::Kind::seq;
    const char close = is_map ? '}' : ']';
    ++p;
    skip_blanks(l, p);
    if (p < l.end && t_[p] == close) {
      ++p;
      skip_blanks(l, p);
      return out;
    }
    while (true) {
      if (p >= l.end) throw Decline{};
      if (is_map) {
        const std::size_t key_start = p;
        while (p < l.end && is_name_char(t_[p])) ++p;
        if (p == key_start || p + 1 >= l.end || t_[p] != ':' || t_[p + 1] != ' ') throw Decline{};
        check_key(key_start, p);
        const SourceLoc key_loc = at(l, key_start);
        std::string key = t_.substr(key_start, p - key_start);
        p += 1;
        skip_blanks(l, p);
        DocNode value = flow_value(l, p, depth + 1);
        add(out, std::move(key), key_loc, std::move(value));
      } else {
        DocNode item = flow_value(l, p, depth + 1);
        if (item.is_null()) throw Decline{};
        out.children.push_back(std::move(item));
      }
      skip_blanks(l, p);
      if (p >= l.end) throw Decline{};
      if (t_[p] == close) {
        ++p;
        skip_blanks(l, p);
        return out;
      }
      if (t_[p] != ',') throw Decline{};
      ++p;
      skip_blanks(l, p);
      if (p < l.end && (t_[p] == '}' || t_[p] == ']')) throw Decline{};  // a trailing comma
    }
  }

  // A value inside a flow collection: a nested one, or a plain scalar up to
  // ',', '}' or ']'.
  DocNode flow_value(const Line& l, std::size_t& p, int depth) {
    if (p >= l.end) throw Decline{};
    if (t_[p] == '{' || t_[p] == '[') return flow(l, p, depth);
    const std::size_t start = p;
    while (p < l.end && t_[p] != ',' && t_[p] != '}' && t_[p] != ']') {
      const char c = t_[p];
      if (c == '{' || c == '[' || c == '"' || c == '\'' || c == '?' || c == '#') throw Decline{};
      if (c == ':' && (p + 1 == l.end || std::strchr(" ,]}", t_[p + 1]))) throw Decline{};
      ++p;
    }
    std::size_t end = p;
    while (end > start && t_[end - 1] == ' ') --end;
    if (end == start) throw Decline{};  // an empty value
    check_scalar_start(start, end);
    count(depth);
    return scalar(l, start, end);
  }
};

}  // namespace

std::optional<DocNode> parse_simple_yaml(const std::string& text, const std::shared_ptr<const std::string>& file,
                                         const DocLimits& limits) {
  try {
    return Reader(text, file, limits).read();
  } catch (const Decline&) {
    return std::nullopt;
  }
}

}  // namespace gpusim
