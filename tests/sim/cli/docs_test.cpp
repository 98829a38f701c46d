// The documentation stays true to the code: docs/scenario-format.md is exactly
// what the key declarations generate, and docs/cli.md has a section for every
// command that `gpusim --help` lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"

namespace gpusim {
namespace {

const char* const kRegenerate =
    "docs/scenario-format.md is out of date. Regenerate it from the key declarations in "
    "sim/scenario/loader.cpp:\n"
    "  cmake --build BUILD_DIR --target gpusim\n"
    "  ./BUILD_DIR/sim/gpusim docs scenario-format > docs/scenario-format.md\n";

std::string read_doc(const std::string& relative) {
  const std::string path = std::string(GPUSIM_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `command` in a shell and returns what it printed on stdout.
std::string run_command(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    status = -1;
    return out;
  }
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  status = pclose(pipe);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line where two texts differ, 1-based, for a readable failure.
std::string first_difference(const std::string& expected, const std::string& actual) {
  const auto a = lines_of(expected), b = lines_of(actual);
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string x = i < a.size() ? a[i] : "<end of text>";
    const std::string y = i < b.size() ? b[i] : "<end of file>";
    if (x != y)
      return "first difference at line " + std::to_string(i + 1) + ":\n  generated: " + x +
             "\n  in file:   " + y + "\n";
  }
  return "the texts differ only in line endings or a final newline\n";
}

TEST(ScenarioFormatDoc, MatchesTheKeyDeclarationsByteForByte) {
  const std::string generated = scenario_format_markdown();
  const std::string written = read_doc("docs/scenario-format.md");
  if (written != generated) {
    ADD_FAILURE() << kRegenerate << first_difference(generated, written);
  }
}

TEST(ScenarioFormatDoc, NamesEveryTopLevelKeyAndSection) {
  const std::string generated = scenario_format_markdown();
  const std::string written = read_doc("docs/scenario-format.md");

  // Sections: every "## TITLE" heading of the generated text.
  std::vector<std::string> sections;
  for (const auto& line : lines_of(generated))
    if (line.rfind("## ", 0) == 0) sections.push_back(line);
  ASSERT_FALSE(sections.empty()) << "the generated reference has no sections";
  for (const auto& heading : sections)
    EXPECT_NE(written.find(heading + "\n"), std::string::npos)
        << "docs/scenario-format.md lacks the section '" << heading << "'\n"
        << kRegenerate;

  // Top-level keys: the `key` column of the "## top level" table.
  std::vector<std::string> top_keys;
  bool in_top = false;
  for (const auto& line : lines_of(generated)) {
    if (line.rfind("## ", 0) == 0) in_top = line == "## top level";
    if (in_top && line.rfind("| `", 0) == 0) {
      const auto end = line.find('`', 3);
      if (end != std::string::npos) top_keys.push_back(line.substr(3, end - 3));
    }
  }
  for (const char* key : {"name", "time", "sites", "fleet", "contracts", "demand", "finance"})
    EXPECT_NE(std::find(top_keys.begin(), top_keys.end(), key), top_keys.end())
        << "the generated top-level table lacks the core key '" << key << "'";
  for (const auto& key : top_keys)
    EXPECT_NE(written.find("| `" + key + "` |"), std::string::npos)
        << "docs/scenario-format.md does not document the top-level key '" << key << "'\n"
        << kRegenerate;
}

// The commands of `gpusim --help`: the lines under "Subcommands:", each
// starting with two spaces and the command's name.
std::vector<std::string> commands_in_help(const std::string& help) {
  std::vector<std::string> commands;
  bool in_list = false;
  for (const auto& line : lines_of(help)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_list = true;
      continue;
    }
    if (!in_list) continue;
    if (line.empty()) break;
    if (line.rfind("  ", 0) != 0 || line.size() < 3 || line[2] == ' ') continue;
    const auto end = line.find(' ', 2);
    commands.push_back(line.substr(2, end == std::string::npos ? std::string::npos : end - 2));
  }
  return commands;
}

TEST(CliDoc, DocumentsEveryCommandInHelp) {
  int status = 0;
  const std::string help = run_command(std::string("\"") + GPUSIM_BINARY + "\" --help", status);
  ASSERT_EQ(status, 0) << "`gpusim --help` failed";
  const std::vector<std::string> commands = commands_in_help(help);
  ASSERT_FALSE(commands.empty()) << "found no commands in `gpusim --help`:\n" << help;

  const std::string cli_md = read_doc("docs/cli.md");
  // Each command has its own section, headed "## gpusim COMMAND".
  const std::vector<std::string> doc_lines = lines_of(cli_md);
  for (const auto& command : commands) {
    const std::string heading = "## gpusim " + command;
    const bool found = std::any_of(doc_lines.begin(), doc_lines.end(), [&](const std::string& line) {
      return line == heading || line.rfind(heading + " ", 0) == 0 || line.rfind(heading + ",", 0) == 0;
    });
    EXPECT_TRUE(found) << "docs/cli.md does not document the command '" << command
                       << "' listed by `gpusim --help`; add a section headed '" << heading
                       << "' with its options, exit statuses and an example";
  }
}

}  // namespace
}  // namespace gpusim
