// Portable random numbers for noise inside a run and Monte Carlo across runs.
//
// The same seed gives the same numbers on any compiler, standard library,
// platform and thread count, because every step is written out here instead of
// borrowed from <random> (whose distributions are implementation-defined).
//
// Generator: xoshiro256** 1.0 (Blackman & Vigna), 256-bit state s[0..3]:
//   out   = rotl(s1 × 5, 7) × 9                      (mod 2^64)
//   t     = s1 << 17
//   s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
// Seeding: s[0..3] = the first four outputs of splitmix64 started at `seed`:
//   x += 0x9E3779B97F4A7C15;  z = x
//   z = (z ^ (z >> 30)) × 0xBF58476D1CE4E5B9
//   z = (z ^ (z >> 27)) × 0x94D049BB133111EB
//   out = z ^ (z >> 31)                      (the last three lines are mix64(x))
// Uniform double: u = (next_u64() >> 11) × 2^-53, so u ∈ [0, 1) on a 2^-53 grid.
//
// Streams: run i, purpose p of a scenario seeded with `seed` draws from
//   k_seed = mix64(seed + γ)                      γ = 0x9E3779B97F4A7C15
//   k_run  = mix64(k_seed + (i + 1)·γ)            (mod 2^64)
//   key    = mix64(k_run + (p + 1)·γ)
//   Rng(key)
// i.e. each level is output number (index + 1) of splitmix64 started at the
// previous key. Run i always gets the same numbers, whichever thread runs it
// and in whatever order. For a fixed seed, distinct runs (and, for a fixed
// run, distinct purposes) get distinct keys: γ is odd and mix64 a bijection.
//
// Distributions (u, u1, u2 independent uniform01 draws; z a standard normal):
//   uniform(a, b)        = a + (b − a)·u
//   standard_normal      = √(−2 ln(1 − u1)) · cos(2π u2)   (Box–Muller; the sine
//                          partner is discarded, so each draw uses exactly two u64)
//   normal(m, s)         = m + s·z
//   triangular(a, c, b)  = a + √(u (b−a)(c−a))        if u < (c−a)/(b−a)
//                          b − √((1−u)(b−a)(b−c))      otherwise   (inverse CDF)
//   lognormal(m, s)      = exp(μ + σ z),  σ² = ln(1 + s²/m²),  μ = ln m − σ²/2
//                          (m, s: mean and sd of the value itself, not of its log)
//   poisson(λ)           λ < 50: inversion (sequential search of the CDF from 0)
//                        λ ≥ 50: max(0, ⌊λ + √λ·z + ½⌋)   (normal, continuity-corrected)
//   binomial(n, p)       drawn for q = min(p, 1 − p) and mirrored (n − k) when p > ½;
//                        n·q < 50: inversion (sequential search from 0);
//                        n·q ≥ 50: clamp(⌊nq + √(nq(1−q))·z + ½⌋, 0, n)
// The rounding ⌊x + ½⌋ of a normal x is the continuity correction: it gives
// P(K ≤ k) = Φ((k + ½ − mean)/sd). Its mean is exact (up to the clamp) and its
// variance is sd² + 1/12, i.e. within 0.2% at the switch-over mean of 50.
//
// sqrt is correctly rounded by IEEE 754; log, exp and cos come from <cmath> and
// may differ in the last bit between C libraries (glibc, musl, MSVC), which is
// the one caveat to bit-identical results across platforms.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

namespace gpusim {

// One splitmix64 step: advances `state` by the golden gamma and returns the
// mixed value. The seeding function of xoshiro256**.
std::uint64_t splitmix64_next(std::uint64_t& state);

// The splitmix64 finaliser (a bijection on 64-bit words); splitmix64_next
// returns mix64(state) after advancing it.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A 64-bit name hash (FNV-1a) to turn a purpose such as "demand_noise" into a
// stream purpose id. constexpr so the ids are fixed at compile time.
constexpr std::uint64_t purpose_id(std::string_view name) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;  // FNV offset basis
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;  // FNV prime
  }
  return hash;
}

// xoshiro256**: a small value type with explicit state. Copy it to replay the
// same numbers; no hidden or shared state, so one Rng per thread/run.
class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  // Seeds the state with four splitmix64 outputs from `seed` (any value).
  explicit Rng(std::uint64_t seed);

  // The generator for Monte Carlo run `run_index` (0, 1, 2, …) and purpose
  // `purpose` (e.g. purpose_id("failures")) of a scenario seeded with `seed`.
  // Independent of thread count and of the order runs are computed in.
  static Rng stream(std::uint64_t seed, std::uint64_t run_index, std::uint64_t purpose = 0);

  // A generator with exactly this state (for reference vectors). The state must
  // not be all zero (xoshiro's one fixed point); throws std::invalid_argument.
  static Rng from_state(const State& state);

  // The next 64 random bits.
  std::uint64_t next_u64() {
    auto& s = state_;
    const std::uint64_t result = std::rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = std::rotl(s[3], 45);
    return result;
  }

  // A double uniform in [0, 1): the top 53 bits of next_u64() times 2^-53.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

  const State& state() const { return state_; }
  bool operator==(const Rng&) const = default;

 private:
  Rng() = default;
  State state_{};
};

// Same as Rng::stream(seed, run_index, purpose).
Rng make_stream(std::uint64_t seed, std::uint64_t run_index, std::uint64_t purpose);

// Uniform on [low, high); low ≤ high, any unit (the result has the unit of low).
double uniform(Rng& rng, double low, double high);

// Standard normal N(0, 1) by Box–Muller (cosine branch; two u64 per draw).
double standard_normal(Rng& rng);

// Normal N(mean, sd²): mean any value; sd ≥ 0 in mean's unit (sd = 0 → mean).
double normal(Rng& rng, double mean, double sd);

// Triangular on [low, high] with peak at mode; low ≤ mode ≤ high, any unit.
// Mean (low + mode + high)/3. Inverse CDF, one u64 per draw.
double triangular(Rng& rng, double low, double mode, double high);

// Lognormal with the given mean > 0 and sd ≥ 0 OF THE VALUE (not of its log),
// both in the value's unit. Parameters of the underlying normal below.
struct LognormalParams {
  double mu = 0.0;     // mean of ln X (ln of the value's unit)
  double sigma = 0.0;  // sd of ln X, ≥ 0 (dimensionless)
};
// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2. Throws on mean ≤ 0 or sd < 0.
LognormalParams lognormal_params(double mean, double sd);
double lognormal(Rng& rng, double mean, double sd);

// Poisson count with mean lambda ≥ 0 (events per draw). Exact inversion for
// lambda < 50, continuity-corrected normal otherwise (see the top of the file).
std::int64_t poisson(Rng& rng, double lambda);

// Binomial count of successes in `trials` ≥ 0 trials of probability
// `probability` ∈ [0, 1] — e.g. GPUs of a pool that fail in one step, with
// probability = min(1, afr × step ÷ year) as the engine draws it. Exact inversion while the smaller of
// the two means is below 50, continuity-corrected normal clamped to
// [0, trials] above. Suits trials up to ~1e9 at any probability.
std::int64_t binomial(Rng& rng, std::int64_t trials, double probability);

// The switch-over mean of poisson() and binomial() between inversion and the
// normal approximation.
inline constexpr double kCountInversionMaxMean = 50.0;

// binomial() for many draws whose (trials, probability) recur, e.g. a pool's
// failures step after step: the same counts from the same random numbers
// (the same uniform01() or standard_normal() per draw), faster. The inversion's
// cumulative probabilities P(K ≤ 0), P(K ≤ 1), … are the sums binomial()
// forms, term by term in the same order; they are kept per (trials,
// probability), extended only as far as a draw needs, so each later draw is one
// uniform and a few comparisons. Tables are found by an open-addressing hash of
// (trials, probability) that grows instead of replacing them; their sums share
// one array. Past kMaxTables tables or kMaxSums sums all are dropped and formed
// again as draws need them (memory stays bounded; the counts do not change).
// A table depends only on (trials, probability), so one object may serve
// several streams; not shared between threads.
class BinomialDraws {
  struct Table;

 public:
  std::int64_t draw(Rng& rng, std::int64_t trials, double probability) {
    Table* found = nullptr;
    return draw_finding(rng, trials, probability, found);
  }

  // The draws of one caller, e.g. a pool's failures step after step: its GPUs
  // up move in a narrow band and its probability seldom changes, so most of
  // its draws find their table among the last ones it used, by trials mod
  // kSize, without the hash. The same counts as draw(rng, trials, probability)
  // on the BinomialDraws it was made for. It forgets its tables when its
  // probability changes or when the owner's move or are dropped.
  class Recent {
   public:
    static constexpr std::size_t kSize = 32;  // a power of two, ≥ the band of GPUs up a pool moves in

    explicit Recent(BinomialDraws& draws) : draws_(&draws) {}
    // The probability of the draws from now on (until set, none: draws throw).
    void set_probability(double probability) {
      if (probability == probability_) return;
      probability_ = probability;
      tables_.fill(nullptr);
    }
    double probability() const { return probability_; }

    // A count of successes in `trials` trials of probability(). Inlined into
    // the caller's loop; a table not seen yet is found (or made) out of line.
    [[gnu::always_inline]] std::int64_t draw(Rng& rng, std::int64_t trials) {
      if (epoch_ != draws_->epoch_) [[unlikely]] {  // the tables moved or were dropped since
        tables_.fill(nullptr);
        epoch_ = draws_->epoch_;
      }
      Table*& seen = tables_[static_cast<std::size_t>(trials) % kSize];
      if (seen == nullptr || seen->trials != trials) [[unlikely]] return draw_anew(rng, trials, seen);
      return draws_->draw_from(*seen, rng);
    }

   private:
    // The draw when `seen` (its slot of tables_) holds another table or none.
    std::int64_t draw_anew(Rng& rng, std::int64_t trials, Table*& seen);

    BinomialDraws* draws_;
    double probability_ = std::numeric_limits<double>::quiet_NaN();
    std::uint64_t epoch_ = 0;             // the owner's epoch_ when tables_ were found
    std::array<Table*, kSize> tables_{};  // its tables of probability_, by trials mod kSize; null: none
  };

  static constexpr std::size_t kFirst = 16;  // a table's room to begin with
  static constexpr std::size_t kMaxTables = std::size_t{1} << 16;
  static constexpr std::size_t kMaxSums = std::size_t{1} << 21;  // 16 MB of sums

 private:
  struct Table {
    std::int64_t trials = -1;  // -1: an empty slot
    double probability = 0.0;
    double odds = 0.0;           // q ÷ (1 − q), q = the smaller of probability and 1 − probability
    double pmf = 0.0;            // P(K = size − 1), the last term formed
    std::uint32_t begin = 0;     // its sums P(K ≤ i) are sums_[begin + i], i < size; +∞ up to capacity (≥ kFirst)
    std::uint32_t size = 0, capacity = 0;
    bool mirrored = false;       // drawn for 1 − probability
    // P(K ≤ kFirst − 1) once formed (a table forms its first kFirst sums when
    // made); −∞ if binomial()'s search stops before it (trials < kFirst − 1,
    // or a term so small it is 0): then every draw searches.
    double fast_below = -std::numeric_limits<double>::infinity();
  };
  // draw(), and the table it drew from in `found` (null when there was none
  // yet: making one may move the others).
  std::int64_t draw_finding(Rng& rng, std::int64_t trials, double probability, Table*& found) {
    found = nullptr;
    if (trials == 0 && probability >= 0.0 && probability <= 1.0) return 0;  // binomial() draws nothing
    Table* t = find(trials, probability);
    if (t == nullptr) return first_draw(rng, trials, probability);
    found = t;
    return draw_from(*t, rng);
  }
  // A draw from a table made (and its arguments checked) for its (trials, probability).
  [[gnu::always_inline]] std::int64_t draw_from(Table& t, Rng& rng) {
    const double u = rng.uniform01();
    if (!(u < t.fast_below)) return search(t, u);
    // The search stops at the first i with u < P(K ≤ i) (every sum before the
    // last one formed let it go on: count < trials and P(K = i) > 0 there).
    // The sums never fall, so that i is the number of sums ≤ u; here it is
    // below kFirst = 16, all of those sums formed. Without branches: the fours
    // wholly ≤ u (their last sums ≤ u), then the sums ≤ u among the first
    // three of the next four (its last is > u: the fours stopped before it,
    // or it is P(K ≤ 15) = fast_below).
    static_assert(kFirst == 16);
    const double* sums = sums_.data() + t.begin;
    const std::size_t fours = static_cast<std::size_t>(u >= sums[3]) + static_cast<std::size_t>(u >= sums[7]) +
                              static_cast<std::size_t>(u >= sums[11]);
    const double* next = sums + 4 * fours;
    const std::int64_t count = static_cast<std::int64_t>(4 * fours) + static_cast<std::int64_t>(u >= next[0]) +
                               static_cast<std::int64_t>(u >= next[1]) + static_cast<std::int64_t>(u >= next[2]);
    return t.mirrored ? t.trials - count : count;
  }
  static std::uint64_t key_hash(std::int64_t trials, double probability) {
    std::uint64_t bits = 0;  // the probability's bits (std::bit_cast: not in every standard library yet)
    std::memcpy(&bits, &probability, sizeof bits);
    return (static_cast<std::uint64_t>(trials) + bits) * 0x9E3779B97F4A7C15ULL;  // Fibonacci hashing: top bits
  }
  Table* find(std::int64_t trials, double probability) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = static_cast<std::size_t>(key_hash(trials, probability) >> shift_);; i = (i + 1) & mask_) {
      Table& t = slots_[i];
      if (t.trials < 0) return nullptr;
      if (t.trials == trials && t.probability == probability) return &t;
    }
  }
  std::int64_t first_draw(Rng& rng, std::int64_t trials, double probability);
  Table& insert(std::int64_t trials, double probability);
  std::int64_t search(Table& t, double u);
  void extend(Table& t);  // P(K = size) and P(K ≤ size) from the last term

  std::vector<Table> slots_;  // a power of two of them, at most half in use
  int shift_ = 64;            // 64 − log2(slots)
  std::size_t mask_ = 0;      // slots − 1
  std::size_t tables_ = 0;
  std::uint64_t epoch_ = 0;  // counts the times tables moved or were dropped: a Recent's pointers are stale past it
  std::vector<double> sums_;
  double log_q_of_ = std::numeric_limits<double>::quiet_NaN(), log_q_ = 0.0;  // ln(1 − q) for the last q
};

}  // namespace gpusim
