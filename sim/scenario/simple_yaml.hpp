// A fast reader for the plain subset of YAML that scenario files are written
// in: block maps and lists, one-line flow maps and lists, plain scalars,
// comments. It builds the same document tree, with the same file:line:col of
// every key and value, that yaml-cpp's reader (document.cpp) builds, about ten
// times faster (a 2,000-contract scenario: yaml-cpp's scanner alone took
// 70 ms).
//
// It accepts only what it is sure of and declines everything else (quotes,
// anchors, tags, block scalars, multi-line values, tabs, non-ASCII text
// outside comments, `---`, duplicate keys, empty items, anything malformed):
// parse_yaml_text then reads the file with yaml-cpp, which reports the errors.
// So every message stays yaml-cpp's; tests/sim/scenario/simple_yaml_test.cpp
// compares both readers on every shipped file and on mutated ones.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sim/scenario/document.hpp"

namespace gpusim {

// The document, or nullopt when the text is outside the subset (or is not
// valid YAML, or exceeds `limits`' nesting or size).
std::optional<DocNode> parse_simple_yaml(const std::string& text, const std::shared_ptr<const std::string>& file,
                                         const DocLimits& limits);

}  // namespace gpusim
