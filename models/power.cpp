#include "models/power.hpp"

#include <algorithm>

namespace gpusim {

PowerModel::PowerModel(Power tdp, Power idle, Power overhead, PowerCurveSpec curve)
    : tdp_w_(tdp.value), idle_w_(idle.value), overhead_w_(overhead.value), kind_(curve.kind) {
  for (const auto& p : curve.points) {
    table_u_.push_back(p.load);
    double f = 0.0;
    if (p.f) {
      f = *p.f;
    } else if (p.gpu_power && tdp_w_ != idle_w_) {
      f = (p.gpu_power->value - idle_w_) / (tdp_w_ - idle_w_);
    }
    table_f_.push_back(f);
  }
}

double PowerModel::curve(double load) const {
  const double u = std::clamp(load, 0.0, 1.0);
  switch (kind_) {
    case PowerCurveSpec::Kind::linear: return u;
    case PowerCurveSpec::Kind::square: return u * u;
    case PowerCurveSpec::Kind::cubic: return u * u * u;
    case PowerCurveSpec::Kind::table: break;
  }
  const auto it = std::upper_bound(table_u_.begin(), table_u_.end(), u);
  if (it == table_u_.end()) return table_f_.back();
  const std::size_t i = static_cast<std::size_t>(it - table_u_.begin());
  if (i == 0) return table_f_.front();
  const double w = (u - table_u_[i - 1]) / (table_u_[i] - table_u_[i - 1]);
  return table_f_[i - 1] + w * (table_f_[i] - table_f_[i - 1]);
}

double PowerModel::it_power_w(double available, double busy) const {
  if (available <= 0) return 0.0;
  const double u = busy / available;
  return available * (idle_w_ + (tdp_w_ - idle_w_) * curve(u) + overhead_w_);
}

}  // namespace gpusim

namespace gpusim {

Eigen::ArrayXd PowerModel::it_power_w(const Eigen::ArrayXd& available, const Eigen::ArrayXd& busy) const {
  const double swing = tdp_w_ - idle_w_, base = idle_w_ + overhead_w_;
  if (kind_ == PowerCurveSpec::Kind::linear) {
    // f(u) = u: available × (idle + overhead) + busy × (tdp − idle), with busy ≤ available.
    return available * base + busy.min(available) * swing;
  }
  Eigen::ArrayXd out(available.size());
  for (Eigen::Index k = 0; k < available.size(); ++k) out[k] = it_power_w(available[k], busy[k]);
  return out;
}

void PowerModel::add_it_power_w(Eigen::Ref<const Eigen::ArrayXd> available, Eigen::Ref<const Eigen::ArrayXd> busy,
                                Eigen::Ref<Eigen::ArrayXd> out) const {
  const double swing = tdp_w_ - idle_w_, base = idle_w_ + overhead_w_;
  if (kind_ == PowerCurveSpec::Kind::linear) {
    out += available * base + busy.min(available) * swing;
    return;
  }
  for (Eigen::Index k = 0; k < available.size(); ++k) out[k] += it_power_w(available[k], busy[k]);
}

}  // namespace gpusim
