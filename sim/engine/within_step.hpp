// Internal to sim/engine: a contract's demand and what is left of a pool
// within one step, for an allocation that is exact inside the step (docs/model.md
// "Allocation"). Both engines (allocation.cpp, segment_allocation.cpp) allocate
// min(want, left) of step averages wherever want − left keeps its sign over the
// step, which is exact there; where it changes sign they split the step at the
// crossing with the shapes below.
#pragma once

#include <vector>

#include "sim/engine/stages.hpp"

namespace gpusim::stages {

// A quantity within one step as a function of the step's fraction u ∈ [0, 1]:
// pieces [u0, u1) on each of which it is linear from v0 (at u0) to v1 (at u1);
// it may jump between pieces.
struct StepShape {
  struct Piece {
    double u0 = 0.0, u1 = 1.0, v0 = 0.0, v1 = 0.0;
  };
  std::vector<Piece> pieces;

  // Linear over the step: its average and its rise (value at the end − at the start).
  static StepShape linear(double average, double rise);
  double average() const;
  // Whether it is linear over the whole step (one piece, or pieces on one line
  // without jumps); then its rise.
  bool is_linear(double& rise) const;
};

// want − left within 1e-12 of the larger counts as 0 (a contract of `gpus: all`
// asks for exactly what is available).
double want_minus_left(double want, double left);

// Whether want − left, both linear over the step (average and rise), changes
// sign strictly inside it.
bool crosses(double want, double want_rise, double left, double left_rise);

// How a contract took from what is left in one step.
enum class Take { fits, takes_all, crossed };
// got = min(want, left) at every instant of the step; left −= got. With
// `crossed`, got_average is ∫ min(want, left) du; otherwise the caller takes
// min of the averages (want's with `fits`, left's with `takes_all`).
Take take_within_step(const StepShape& want, StepShape& left, double& got_average);

// Step k of what is left of a pool after a contract took from it (both
// engines' Left: `shaped` and set_rise): linear again (with its rise), or kept
// as its shape.
template <class Left>
void set_left_shape(Left& left, Index k, StepShape&& shape) {
  double r = 0.0;
  if (shape.is_linear(r)) {
    left.shaped.erase(k);
    left.set_rise(k, r);
  } else {
    left.shaped[k] = std::move(shape);
  }
}

// Whether the pool's available GPUs are drawn per step (a constant within it).
bool drawn_available(const ScenarioSpec& s, const Pool& pool);

// The count curve's rise over step k (n(t1−) − n(t0)), for a step it is linear in.
double curve_rise(const CountCurve& curve, const Grid& g, Index k);
// The steps of [k0, k1) a point of the curve falls strictly inside (appended).
void steps_with_points_inside(const CountCurve& curve, const Grid& g, Index k0, Index k1, std::vector<Index>& out);

// The pool's available GPUs within step k: installed n(t) × (1 − down share),
// or the drawn step value as a constant.
StepShape available_shape(const Pool& pool, const Grid& g, Index k, bool drawn);
// Whether they are linear within step k; then their rise.
bool available_linear(const Pool& pool, const Grid& g, Index k, bool drawn, double& rise);

// Contract c's demand within step k (× its renewal scale, before noise), zero
// outside [start, bill_end).
StepShape want_shape(const ContractRun& c, const Pool& pool, const Grid& g, Index k, bool drawn);
// Whether it is linear within step k; then its rise.
bool want_linear(const ContractRun& c, const Pool& pool, const Grid& g, Index k, bool drawn, double& rise);

}  // namespace gpusim::stages
