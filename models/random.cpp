// Portable random numbers: xoshiro256**, splitmix64 streams and distributions
// written out by formula. The equations are at the top of models/random.hpp
// and in docs/model-random.md.
#include "models/random.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace gpusim {

namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;  // 2^64 / φ, odd
constexpr double kTwoPi = 2.0 * std::numbers::pi;

void require(bool condition, const char* function, const char* message) {
  if (!condition) throw std::invalid_argument(std::string(function) + ": " + message);
}

// Floor of a finite double already known to lie in [0, 2^62]: exact in int64.
std::int64_t floor_to_count(double x) { return static_cast<std::int64_t>(std::floor(x)); }

}  // namespace

std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += kGoldenGamma;
  return mix64(state);
}

Rng::Rng(std::uint64_t seed) {
  // Four consecutive splitmix64 outputs are distinct images of distinct inputs
  // under a bijection, so at most one is zero: the state is never all zero.
  for (std::uint64_t& word : state_) word = splitmix64_next(seed);
}

Rng Rng::stream(std::uint64_t seed, std::uint64_t run_index, std::uint64_t purpose) {
  // Each level takes output number (index + 1) of splitmix64 started at the
  // previous key: mix64(key + (index + 1)·γ). Adding (not xor-ing two mixed
  // words) keeps it asymmetric: seed 1 run 1 is not seed 2 run 2.
  const std::uint64_t seed_key = mix64(seed + kGoldenGamma);
  const std::uint64_t run_key = mix64(seed_key + (run_index + 1) * kGoldenGamma);
  return Rng(mix64(run_key + (purpose + 1) * kGoldenGamma));
}

Rng make_stream(std::uint64_t seed, std::uint64_t run_index, std::uint64_t purpose) {
  return Rng::stream(seed, run_index, purpose);
}

Rng Rng::from_state(const State& state) {
  require(state[0] != 0 || state[1] != 0 || state[2] != 0 || state[3] != 0, "Rng::from_state",
          "the all-zero state is a fixed point of xoshiro256**");
  Rng rng;
  rng.state_ = state;
  return rng;
}

double uniform(Rng& rng, double low, double high) {
  require(low <= high, "uniform", "needs low <= high");
  return low + (high - low) * rng.uniform01();
}

double standard_normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform01();  // in (0, 1], so ln(u1) is finite
  const double u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double normal(Rng& rng, double mean, double sd) {
  require(sd >= 0.0, "normal", "needs sd >= 0");
  return mean + sd * standard_normal(rng);
}

double triangular(Rng& rng, double low, double mode, double high) {
  require(low <= mode && mode <= high, "triangular", "needs low <= mode <= high");
  const double u = rng.uniform01();
  const double width = high - low;
  if (width == 0.0) return low;
  if (u < (mode - low) / width) return low + std::sqrt(u * width * (mode - low));
  return high - std::sqrt((1.0 - u) * width * (high - mode));
}

LognormalParams lognormal_params(double mean, double sd) {
  require(mean > 0.0, "lognormal", "needs mean > 0");
  require(sd >= 0.0, "lognormal", "needs sd >= 0");
  const double ratio = sd / mean;
  const double sigma2 = std::log1p(ratio * ratio);  // ln(1 + sd²/mean²)
  return {std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2)};
}

double lognormal(Rng& rng, double mean, double sd) {
  const LognormalParams params = lognormal_params(mean, sd);
  // Always two u64 per draw, even at sd = 0, so later draws do not shift.
  const double z = standard_normal(rng);
  if (sd == 0.0) return mean;
  return std::exp(params.mu + params.sigma * z);
}

std::int64_t poisson(Rng& rng, double lambda) {
  require(lambda >= 0.0 && lambda < 1e15, "poisson", "needs 0 <= lambda < 1e15");
  if (lambda == 0.0) return 0;
  if (lambda < kCountInversionMaxMean) {
    // Sequential search: P(0) = e^-λ, P(k+1) = P(k)·λ/(k+1).
    const double u = rng.uniform01();
    double probability = std::exp(-lambda);
    double cumulative = probability;
    std::int64_t count = 0;
    while (u >= cumulative && probability > 0.0) {
      ++count;
      probability *= lambda / static_cast<double>(count);
      cumulative += probability;
    }
    return count;
  }
  const double x = lambda + std::sqrt(lambda) * standard_normal(rng) + 0.5;
  return x <= 0.0 ? 0 : floor_to_count(x);
}

namespace {

void require_binomial(std::int64_t trials, double probability) {
  require(trials >= 0 && trials <= (std::int64_t{1} << 52), "binomial",
          "needs 0 <= trials <= 2^52");
  require(probability >= 0.0 && probability <= 1.0, "binomial", "needs 0 <= probability <= 1");
}

}  // namespace

std::int64_t binomial(Rng& rng, std::int64_t trials, double probability) {
  require_binomial(trials, probability);
  // Draw the rarer outcome and mirror: keeps (1 − q)^n far from underflow.
  const bool mirrored = probability > 0.5;
  const double q = mirrored ? 1.0 - probability : probability;
  const double n = static_cast<double>(trials);
  const double mean = n * q;
  std::int64_t count = 0;
  if (trials == 0 || q == 0.0) {
    count = 0;
  } else if (mean < kCountInversionMaxMean) {
    // Sequential search: P(0) = (1 − q)^n, P(k+1) = P(k)·(n − k)/(k + 1)·q/(1 − q).
    // With q ≤ ½ and nq < 50, P(0) ≥ e^(−2 ln2 · 50) ≈ 9e−31: no underflow.
    const double u = rng.uniform01();
    const double odds = q / (1.0 - q);
    double pmf = std::exp(n * std::log1p(-q));
    double cumulative = pmf;
    while (u >= cumulative && count < trials && pmf > 0.0) {
      pmf *= static_cast<double>(trials - count) / static_cast<double>(count + 1) * odds;
      ++count;
      cumulative += pmf;
    }
  } else {
    const double sd = std::sqrt(mean * (1.0 - q));
    const double x = mean + sd * standard_normal(rng) + 0.5;
    count = x <= 0.0 ? 0 : (x >= n ? trials : floor_to_count(x));
  }
  return mirrored ? trials - count : count;
}

namespace {
constexpr double kNoSum = std::numeric_limits<double>::infinity();  // a table's room past its sums
}  // namespace

std::int64_t BinomialDraws::first_draw(Rng& rng, std::int64_t trials, double probability) {
  require_binomial(trials, probability);
  const bool mirrored = probability > 0.5;
  const double q = mirrored ? 1.0 - probability : probability;
  const double n = static_cast<double>(trials);
  // binomial()'s other branches (no draw, or the normal approximation) as they are.
  if (trials == 0 || q == 0.0 || n * q >= kCountInversionMaxMean) return binomial(rng, trials, probability);
  if (tables_ >= kMaxTables || sums_.size() >= kMaxSums) {  // start again (the counts do not depend on the tables)
    std::fill(slots_.begin(), slots_.end(), Table{});
    tables_ = 0;
    sums_.clear();
    ++epoch_;
  }
  if (!(q == log_q_of_)) {
    log_q_of_ = q;
    log_q_ = std::log1p(-q);
  }
  Table& t = insert(trials, probability);
  t.mirrored = mirrored;
  t.odds = q / (1.0 - q);
  t.pmf = std::exp(n * log_q_);  // binomial()'s P(0) = (1 − q)^n
  t.begin = static_cast<std::uint32_t>(sums_.size());
  t.capacity = kFirst;
  t.size = 1;
  sums_.resize(sums_.size() + t.capacity, kNoSum);
  sums_[t.begin] = t.pmf;
  // The first kFirst sums, or as many as binomial()'s search can reach (it
  // stops at count = trials or a term of 0): later draws below the last of
  // them need no search.
  while (t.size < kFirst && static_cast<std::int64_t>(t.size - 1) < trials && t.pmf > 0.0) extend(t);
  if (t.size == kFirst) t.fast_below = sums_[t.begin + kFirst - 1];
  return search(t, rng.uniform01());
}

std::int64_t BinomialDraws::Recent::draw_anew(Rng& rng, std::int64_t trials, Table*& seen) {
  return draws_->draw_finding(rng, trials, probability_, seen);
}

BinomialDraws::Table& BinomialDraws::insert(std::int64_t trials, double probability) {
  if (2 * (tables_ + 1) > slots_.size()) {  // at most half the slots in use: short probes
    std::vector<Table> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    shift_ = 64 - std::countr_zero(slots_.size());
    mask_ = slots_.size() - 1;
    tables_ = 0;
    ++epoch_;
    for (const Table& t : old)
      if (t.trials >= 0) insert(t.trials, t.probability) = t;
  }
  std::size_t i = static_cast<std::size_t>(key_hash(trials, probability) >> shift_);
  while (slots_[i].trials >= 0) i = (i + 1) & mask_;
  ++tables_;
  Table& t = slots_[i];
  t.trials = trials;
  t.probability = probability;
  return t;
}

void BinomialDraws::extend(Table& t) {
  if (t.size == t.capacity) {  // move its sums to the end of the array, with twice the room
    const std::size_t begin = sums_.size();
    sums_.resize(begin + 2 * std::size_t{t.capacity}, kNoSum);
    std::copy_n(sums_.begin() + t.begin, t.size, sums_.begin() + static_cast<std::ptrdiff_t>(begin));
    t.begin = static_cast<std::uint32_t>(begin);
    t.capacity *= 2;
  }
  const auto count = static_cast<std::int64_t>(t.size - 1);
  // binomial()'s P(K = i + 1) = P(K = i)·(n − i)/(i + 1)·q/(1 − q), and the running sum.
  t.pmf *= static_cast<double>(t.trials - count) / static_cast<double>(count + 1) * t.odds;
  sums_[t.begin + t.size] = sums_[t.begin + t.size - 1] + t.pmf;
  ++t.size;
}

std::int64_t BinomialDraws::search(Table& t, double u) {
  // binomial()'s sequential search, reading the sums it forms from the table
  // and adding the ones it has not formed yet. Every term but the last formed
  // is > 0 and below `trials` (the search went on past it).
  std::int64_t count = 0;
  for (std::uint32_t i = 0; u >= sums_[t.begin + i]; ++i) {
    if (i + 1 == t.size) {
      if (count >= t.trials || !(t.pmf > 0.0)) break;
      extend(t);
    }
    ++count;
  }
  return t.mirrored ? t.trials - count : count;
}

}  // namespace gpusim
