// Text columns for tables a person reads: widths in terminal columns of UTF-8
// text (an East Asian wide character takes two), never cutting a character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gpusim {

// Terminal columns `s` takes; with `byte_end`, the byte offset where the
// first `max_width` columns end (a whole character).
std::size_t display_width(const std::string& s, std::size_t* byte_end = nullptr, std::size_t max_width = SIZE_MAX);
// Left-aligned in `width` columns, cut with "..." when longer.
std::string column(const std::string& s, std::size_t width);
// Left-aligned, padded to `width` columns; longer text is kept whole.
std::string left(const std::string& s, std::size_t width);
// Right-aligned, padded to `width` columns; longer text is kept whole.
std::string right(const std::string& s, std::size_t width);

}  // namespace gpusim
