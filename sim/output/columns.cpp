#include "sim/output/columns.hpp"

namespace gpusim {

// Terminal columns a UTF-8 string takes: East Asian wide characters take two.
std::size_t display_width(const std::string& s, std::size_t* byte_end, std::size_t max_width) {
  std::size_t width = 0, i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    char32_t cp = len == 1 ? c : static_cast<char32_t>(c & (0x7F >> len));
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
    const std::size_t w = wide ? 2 : 1;
    if (width + w > max_width) break;
    width += w;
    i += len;
  }
  if (byte_end) *byte_end = i;
  return width;
}

// Left-aligned in `width` columns, cut with "..." when longer.
std::string column(const std::string& s, std::size_t width) {
  if (display_width(s) <= width) return s + std::string(width - display_width(s), ' ');
  std::size_t end = 0;
  display_width(s, &end, width - 3);
  const std::string cut = s.substr(0, end) + "...";
  return cut + std::string(width - display_width(cut), ' ');
}

std::string left(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string right(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

}  // namespace gpusim
