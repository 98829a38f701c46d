// Power draw of a GPU pool.
//
// Per pool, at load u = busy ÷ available (0..1):
//   IT power = available × (idle + (tdp − idle) × f(u) + overhead)
//   facility power = IT power × PUE
// f is the pool's power curve: linear f(u) = u (then IT power = busy × tdp +
// (available − busy) × idle + available × overhead), square u², cubic u³, or a
// table of (u, f) points interpolated linearly, a point given as a GPU's draw P
// meaning f = (P − idle) ÷ (tdp − idle). GPUs down for repair draw nothing.
#pragma once

#include <Eigen/Core>

#include "models/scenario.hpp"

namespace gpusim {

class PowerModel {
 public:
  PowerModel(Power tdp, Power idle, Power overhead, PowerCurveSpec curve);

  // f(u) for u in [0, 1] (clamped).
  double curve(double load) const;
  // IT power in W of `available` powered GPUs of which `busy` compute (averages).
  double it_power_w(double available, double busy) const;
  // The same per step, over arrays of step averages.
  Eigen::ArrayXd it_power_w(const Eigen::ArrayXd& available, const Eigen::ArrayXd& busy) const;
  // Adds it to `out`, step by step (the same values as it_power_w's, no array in between).
  void add_it_power_w(Eigen::Ref<const Eigen::ArrayXd> available, Eigen::Ref<const Eigen::ArrayXd> busy,
                      Eigen::Ref<Eigen::ArrayXd> out) const;
  // The server overhead per powered GPU in W (constant, whatever the load).
  double overhead_w() const { return overhead_w_; }
  // Whether f(u) = u: then IT power = available × idle_and_overhead_w() + busy × swing_w().
  bool linear() const { return kind_ == PowerCurveSpec::Kind::linear; }
  double idle_and_overhead_w() const { return idle_w_ + overhead_w_; }
  double swing_w() const { return tdp_w_ - idle_w_; }
  // A GPU's full-load IT draw in W: tdp + overhead.
  double full_load_w() const { return tdp_w_ + overhead_w_; }

 private:
  double tdp_w_, idle_w_, overhead_w_;
  PowerCurveSpec::Kind kind_;
  std::vector<double> table_u_, table_f_;
};

}  // namespace gpusim
