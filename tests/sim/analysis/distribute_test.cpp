// The distribution layer (sim/analysis/distribute.*) without MPI: bytes keep
// every double's bits; which indices a rank owns; errors travel with their key
// path or file:line:col; and sweeps and Monte Carlos run through a distributor
// that splits them over K pretend ranks in this process (the same share,
// packing and gathering code as gpusim-mpi, only the transport differs) give
// byte-identical summaries, mc.json and runs.csv to a plain run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/analysis/distribute.hpp"
#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/results.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/analysis/distributed_scenario.hpp"

namespace gpusim {
namespace {

// K ranks in one process: each rank's share runs and is packed as gpusim-mpi
// packs it; "rank 0" gathers them. The caller sees what rank 0 sees.
class PretendRanks : public RunDistributor {
 public:
  explicit PretendRanks(int ranks) : ranks_(ranks) {}
  std::vector<std::string> run(std::size_t count, unsigned threads, const std::function<std::string(std::size_t)>& job,
                               const ProgressCallback& progress) const override {
    ShareGatherer gatherer(count, ranks_);
    for (int rank = 0; rank < ranks_; ++rank)
      gatherer.add(rank, pack_share(run_share(owned_indices(count, rank, ranks_), threads, job,
                                              rank == 0 ? progress : ProgressCallback())));
    throw_if_failed(gatherer.status(), ranks_);
    return gatherer.take_results();
  }

 private:
  int ranks_;
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Doubles as their bytes, so that NaN equals NaN and -0 differs from 0.
std::string bytes_of(const std::vector<double>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

TEST(Bytes, DoublesKeepTheirBits) {
  const std::vector<double> values{0.1 + 0.2,
                                   -0.0,
                                   std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::max(),
                                   -std::numeric_limits<double>::infinity(),
                                   std::numeric_limits<double>::quiet_NaN(),
                                   2.9000000000000004};
  ByteWriter w;
  w.f64s(values);
  w.f64(1.0 / 3.0);
  w.f64s({});
  w.strs({"a", std::string("b\0c", 3), ""});
  w.u64(18446744073709551615u);
  const std::string bytes = w.take();
  // (8 for the count + 7 × 8) + 8 + 8 (an empty list's count) + (8 + (8+1) + (8+3) + (8+0)) + 8
  // = 64 + 8 + 8 + 36 + 8 = 124 bytes.
  EXPECT_EQ(bytes.size(), 124u);
  ByteReader r(bytes);
  const std::vector<double> back = r.f64s();
  ASSERT_EQ(back.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_TRUE(same_bits(back[i], values[i])) << i;
  EXPECT_TRUE(same_bits(r.f64(), 1.0 / 3.0));
  EXPECT_TRUE(r.f64s().empty());
  EXPECT_EQ(r.strs(), (std::vector<std::string>{"a", std::string("b\0c", 3), ""}));
  EXPECT_EQ(r.u64(), 18446744073709551615u);
  EXPECT_TRUE(r.done());
}

TEST(Bytes, ACutShortResultIsAnErrorNotARead) {
  ByteWriter w;
  w.f64s({1.0, 2.0});
  const std::string bytes = w.take();
  ByteReader r(std::string_view(bytes).substr(0, bytes.size() - 1));
  EXPECT_THROW(r.f64s(), std::runtime_error);
  // A count of 2^64 − 1 doubles in 0 bytes (the bytes outlive the reader: it
  // reads a view; reading a destroyed temporary was a stack-use-after-scope).
  const std::string all_ones(8, '\xff');
  ByteReader huge(all_ones);
  EXPECT_THROW(huge.f64s(), std::runtime_error);
}

TEST(OwnedIndices, RoundRobinAndEveryIndexOnce) {
  // 7 indices over 3 ranks: i % 3 == rank.
  EXPECT_EQ(owned_indices(7, 0, 3), (std::vector<std::size_t>{0, 3, 6}));
  EXPECT_EQ(owned_indices(7, 1, 3), (std::vector<std::size_t>{1, 4}));
  EXPECT_EQ(owned_indices(7, 2, 3), (std::vector<std::size_t>{2, 5}));
  // Fewer indices than ranks: the last ranks own none.
  EXPECT_EQ(owned_indices(2, 0, 3), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(owned_indices(2, 2, 3).empty());
  EXPECT_TRUE(owned_indices(0, 0, 1).empty());
}

// The exception rethrow_error(encode_error(e), note) throws.
std::exception_ptr round_trip(const std::exception_ptr& e, const std::string& note) {
  const std::string bytes = encode_error(e);
  try {
    rethrow_error(bytes, note);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

TEST(Errors, AModelErrorKeepsItsKeyPath) {
  try {
    std::rethrow_exception(round_trip(std::make_exception_ptr(ModelError("sites.us.it_power_cap", "over the cap")),
                                      " (on rank 1 of 2)"));
  } catch (const ModelError& e) {
    EXPECT_EQ(e.path(), "sites.us.it_power_cap");
    EXPECT_STREQ(e.what(), "over the cap (on rank 1 of 2)");
  }
}

TEST(Errors, AScenarioErrorKeepsItsPlaces) {
  Diagnostic located;
  located.loc.file = std::make_shared<const std::string>("s.yaml");
  located.loc.line = 7;
  located.loc.col = 5;
  located.path = "fleet.p.count";
  located.message = "expected a number";
  Diagnostic nowhere;
  nowhere.message = "no place";
  try {
    std::rethrow_exception(
        round_trip(std::make_exception_ptr(ScenarioError({located, nowhere})), " (on rank 2 of 3)"));
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].str(), "s.yaml:7:5: error: fleet.p.count: expected a number (on rank 2 of 3)");
    EXPECT_EQ(e.diagnostics()[1].loc.file, nullptr);
    EXPECT_EQ(e.diagnostics()[1].message, "no place (on rank 2 of 3)");
  }
}

TEST(Errors, AnythingElseIsAnInternalErrorWithItsMessage) {
  const auto e = round_trip(std::make_exception_ptr(std::out_of_range("vector::at")), " (on rank 1 of 2)");
  try {
    std::rethrow_exception(e);
  } catch (const ModelError&) {
    ADD_FAILURE() << "not a ModelError";
  } catch (const std::runtime_error& r) {
    EXPECT_STREQ(r.what(), "vector::at (on rank 1 of 2)");
  }
}

// ---------------------------------------------------------------------------
// Sweeps and Monte Carlo through pretend ranks

DocNode base_document() {
  Diagnostics diags;
  DocNode doc = parse_yaml_text(kDistributedScenario, "base.yaml", diags);
  diags.throw_if_any();
  return doc;
}

std::vector<std::vector<std::string>> price_points(int n) {
  VaryAxis axis = parse_vary(base_document(), "contracts.C.price=1.1:" + std::to_string(1.1 + 0.37 * (n - 1)) + ":0.37");
  return grid_overrides({axis});
}

TEST(Distributed, SweepSummariesAreByteIdenticalForAnyNumberOfRanks) {
  const DocNode doc = base_document();
  const auto points = price_points(7);
  ASSERT_EQ(points.size(), 7u);
  const std::vector<Json> here = run_points(doc, points, 1);
  for (int ranks : {1, 2, 3, 8}) {
    const PretendRanks distributor(ranks);
    const std::vector<Json> spread = run_points(doc, points, 2, {}, &distributor);
    ASSERT_EQ(spread.size(), here.size()) << ranks;
    for (std::size_t i = 0; i < here.size(); ++i) EXPECT_EQ(spread[i].dump(), here[i].dump()) << ranks << " ranks, point " << i;
  }
}

TEST(Distributed, MonteCarloOutputsAreByteIdenticalForAnyNumberOfRanks) {
  const DocNode doc = base_document();
  // The default fan series, a level and a ratio besides: every monthly band travels.
  const std::vector<std::string> monthly = {"revenue_usd", "net_income_usd", "cumulative_cash_usd", "available_gpus",
                                            "price_usd_per_gpu_hour"};
  const MonteCarloResult here = run_monte_carlo(doc, 11, 7, 1, {}, monthly);
  ASSERT_EQ(here.monthly.size(), monthly.size());
  for (int ranks : {1, 2, 3, 12}) {
    const PretendRanks distributor(ranks);
    const MonteCarloResult spread = run_monte_carlo(doc, 11, 7, 2, {}, monthly, &distributor);
    EXPECT_EQ(monte_carlo_json(spread).dump(2), monte_carlo_json(here).dump(2)) << ranks;
    EXPECT_EQ(monte_carlo_runs_csv(spread), monte_carlo_runs_csv(here)) << ranks;
    EXPECT_EQ(monte_carlo_runs_csv(spread, spread.result_names), monte_carlo_runs_csv(here, here.result_names)) << ranks;
    EXPECT_EQ(monte_carlo_table(spread), monte_carlo_table(here)) << ranks;
    EXPECT_EQ(spread.drawn, here.drawn) << ranks;
    // Doubles compared as bytes: NaN and -0 alike.
    ASSERT_EQ(spread.drawn_values.size(), here.drawn_values.size()) << ranks;
    for (std::size_t i = 0; i < here.drawn_values.size(); ++i)
      EXPECT_EQ(bytes_of(spread.drawn_values[i]), bytes_of(here.drawn_values[i])) << ranks << " ranks, run " << i;
    ASSERT_EQ(spread.monthly.size(), here.monthly.size()) << ranks;
    for (std::size_t c = 0; c < here.monthly.size(); ++c) {
      EXPECT_EQ(spread.monthly[c].name, here.monthly[c].name) << ranks;
      EXPECT_EQ(spread.monthly[c].months, here.monthly[c].months) << ranks;
      EXPECT_EQ(bytes_of(spread.monthly[c].p5), bytes_of(here.monthly[c].p5)) << ranks << " " << here.monthly[c].name;
      EXPECT_EQ(bytes_of(spread.monthly[c].p50), bytes_of(here.monthly[c].p50)) << ranks << " " << here.monthly[c].name;
      EXPECT_EQ(bytes_of(spread.monthly[c].p95), bytes_of(here.monthly[c].p95)) << ranks << " " << here.monthly[c].name;
    }
  }
}

// Points 0 and 2 run; 1 and 3 put 200 GPUs (200 × 1.3 kW = 260 kW of IT power)
// on a 150 kW site. Over 2 ranks, 1 and 3 are rank 1's: the lowest, point 1, is
// reported, naming the point and rank 1, as one process reports point 1.
TEST(Distributed, AFailingPointNamesItsRankAndTheLowestFailingPoint) {
  const DocNode doc = base_document();
  const VaryAxis axis = parse_vary(doc, "fleet.p.count=100,200,100,200");
  const auto points = grid_overrides({axis});
  std::string alone;
  try {
    run_points(doc, points, 2);
  } catch (const ModelError& e) {
    alone = e.what();
  }
  EXPECT_NE(alone.find("(at the point fleet.p.count=200)"), std::string::npos) << alone;
  const PretendRanks distributor(2);
  try {
    run_points(doc, points, 2, {}, &distributor);
    ADD_FAILURE() << "no error";
  } catch (const ModelError& e) {
    EXPECT_EQ(std::string(e.what()), alone + " (on rank 1 of 2)");
  }
}

}  // namespace
}  // namespace gpusim
