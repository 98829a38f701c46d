// The teacher's answer generator, scripts/teaching-variant.sh
// (docs/teaching/teacher.md): for every exercise, a student's variant prints
// the command with its --set inputs and answers equal to what the engine
// computes for that command; student 0 gets the page's numbers; two students
// never get the same answer; bad arguments exit 2 with the usage line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

struct Variant {
  int status = -1;
  std::string scenario;                 // from the printed command
  std::vector<std::string> sets;        // its --set values
  std::vector<std::pair<std::string, double>> answers;
  std::string out, err;
};

Variant generate(const std::string& args) {
  // One folder per test process: ctest -j runs this file's tests side by side.
  const fs::path scratch = fs::temp_directory_path() / ("gpusim_teaching_variant_" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  const std::string command = "GPUSIM=" + std::string(GPUSIM_BINARY) + " bash scripts/teaching-variant.sh " + args +
                              " >" + (scratch / "out.txt").string() + " 2>" + (scratch / "err.txt").string();
  Variant v;
  const int raw = std::system(command.c_str());
  v.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  v.out = testing::read_file(scratch / "out.txt");
  v.err = testing::read_file(scratch / "err.txt");
  std::istringstream lines(v.out);
  std::string line;
  bool in_answers = false;  // between "Answers" and the next empty line
  while (std::getline(lines, line)) {
    if (line == "Answers") {
      in_answers = true;
      continue;
    }
    if (line.empty()) in_answers = false;
    if (line.rfind("  gpusim run ", 0) == 0) {
      const std::string rest = line.substr(13);
      v.scenario = rest.substr(0, rest.find(' '));
      for (std::size_t at = rest.find("--set '"); at != std::string::npos; at = rest.find("--set '", at + 1)) {
        const std::size_t from = at + 7;
        v.sets.push_back(rest.substr(from, rest.find('\'', from) - from));
      }
    } else if (in_answers && line.find(" = ") != std::string::npos) {
      const std::size_t eq = line.find(" = ");
      v.answers.emplace_back(line.substr(2, eq - 2), std::stod(line.substr(eq + 3)));
    }
  }
  return v;
}

// What `gpusim run SCENARIO --set ... --format json` gives for each answer.
void expect_engine_agrees(const Variant& v) {
  ASSERT_FALSE(v.scenario.empty()) << v.out;
  const Json summary = summary_json(run_document(load_scenario(v.scenario, v.sets).document));
  for (const auto& [path, value] : v.answers) {
    const std::optional<double> engine = metric_value(summary, path);
    ASSERT_TRUE(engine.has_value()) << path;
    EXPECT_NEAR(value, *engine, 1e-12 * std::max(1.0, std::fabs(*engine))) << path;
  }
}

TEST(TeachingVariant, EveryExerciseAnswersMatchTheEngine) {
  for (int exercise = 1; exercise <= 12; ++exercise) {
    SCOPED_TRACE("exercise " + std::to_string(exercise));
    const Variant v = generate(std::to_string(exercise) + " 7");
    ASSERT_EQ(v.status, 0) << v.err;
    EXPECT_EQ(v.out.rfind("Exercise " + std::to_string(exercise) + ", student 7\n", 0), 0u) << v.out;
    EXPECT_GE(v.answers.size(), 3u) << v.out;
    EXPECT_FALSE(v.sets.empty());
    EXPECT_NE(v.out.find("Working: gpusim explain " + v.scenario), std::string::npos);
    expect_engine_agrees(v);
  }
}

TEST(TeachingVariant, StudentZeroGetsThePageAndStudentsDiffer) {
  // Exercise 7, student 0: the page's 6-year column, net income 22,381,704.88
  const Variant page = generate("7 0");
  ASSERT_EQ(page.status, 0) << page.err;
  EXPECT_TRUE(page.sets.empty());
  ASSERT_FALSE(page.answers.empty());
  EXPECT_EQ(page.answers[0].first, "finance.net_income_usd");
  EXPECT_NEAR(page.answers[0].second, 22381704.88, 1e-5);
  // student 3: capex 40,300 → depreciation 40.3M × 3 ÷ 6 = 20,150,000
  const Variant three = generate("7 3");
  ASSERT_EQ(three.sets, std::vector<std::string>{"fleet.gpus.capex=40300 USD"});
  EXPECT_NEAR(three.answers[1].second, 20150000.0, 1e-5);
  // Two students, two different answers, in every exercise.
  for (int exercise = 1; exercise <= 12; ++exercise) {
    const Variant a = generate(std::to_string(exercise) + " 1"), b = generate(std::to_string(exercise) + " 2");
    ASSERT_FALSE(a.answers.empty());
    EXPECT_NE(a.answers[0].second, b.answers[0].second) << "exercise " << exercise;
  }
  // Extra PATH=VALUE arguments go on as --set: the what-if at a 3-year life.
  const Variant life = generate("7 3 fleet.gpus.life=3y");
  ASSERT_EQ(life.status, 0) << life.err;
  EXPECT_EQ(life.sets.back(), "fleet.gpus.life=3y");
  expect_engine_agrees(life);
}

TEST(TeachingVariant, BadArgumentsExit2WithUsage) {
  const std::string usage = "usage: bash scripts/teaching-variant.sh EXERCISE(1-12) STUDENT(0-99) [PATH=VALUE ...]\n";
  for (const std::string args : {"13 1", "0 1", "7", "7 100", "7 x", "7 1 not-an-assignment"}) {
    const Variant v = generate(args);
    EXPECT_EQ(v.status, 2) << args;
    EXPECT_EQ(v.err, usage) << args;
    EXPECT_EQ(v.out, "") << args;
  }
}

}  // namespace
}  // namespace gpusim
