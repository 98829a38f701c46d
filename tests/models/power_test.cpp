// Tests for models/power.*: IT power of a pool under each power curve.
//
// A GPU of tdp 700 W, idle 75 W, overhead 575 W (the H100-SXM figures):
//   IT power = available × (idle + (tdp − idle) × f(u) + overhead), u = busy ÷ available.
#include "models/power.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpusim {
namespace {

void expect_rel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected)));
}

PowerModel model(PowerCurveSpec curve) { return PowerModel(watts(700), watts(75), watts(575), std::move(curve)); }

PowerCurveSpec kind(PowerCurveSpec::Kind k) {
  PowerCurveSpec c;
  c.kind = k;
  return c;
}

TEST(Power, LinearIsBusyTimesTdpPlusIdlePlusOverhead) {
  const PowerModel m = model(kind(PowerCurveSpec::Kind::linear));
  // 100 available, 50 busy: 100 × (75 + 625 × 0.5 + 575) = 96,250 W,
  // = 50 × 700 + 50 × 75 + 100 × 575 = 35,000 + 3,750 + 57,500.
  expect_rel(m.it_power_w(100, 50), 96250.0);
  // All idle: 100 × (75 + 575) = 65,000 W; all busy: 100 × 1,275 = 127,500 W.
  expect_rel(m.it_power_w(100, 0), 65000.0);
  expect_rel(m.it_power_w(100, 100), 127500.0);
  EXPECT_EQ(m.full_load_w(), 1275.0);
  EXPECT_EQ(m.it_power_w(0, 0), 0.0);  // GPUs down (none available) draw nothing
}

// add_it_power_w adds, step by step, what it_power_w gives for each step
// (96,250 W for 100 available and 50 busy, above), on a part of an array.
TEST(Power, AddItPowerAddsEachStepsPowerInPlace) {
  for (const auto k : {PowerCurveSpec::Kind::linear, PowerCurveSpec::Kind::square}) {
    const PowerModel m = model(kind(k));
    Eigen::ArrayXd available(5), busy(5), out(6);
    available << 0, 100, 100, 100, 40;
    busy << 0, 50, 0, 100, 10;
    out << 7, 1, 2, 3, 4, 5;
    m.add_it_power_w(available, busy, out.tail(5));
    EXPECT_EQ(out[0], 7.0);  // before the part: untouched
    for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i + 1], i + 1 + m.it_power_w(available[i], busy[i])) << i;
  }
}

TEST(Power, SquareAndCubic) {
  // u = 0.5: square f = 0.25 → 100 × (75 + 156.25 + 575) = 80,625 W;
  //          cubic  f = 0.125 → 100 × (75 + 78.125 + 575) = 72,812.5 W.
  expect_rel(model(kind(PowerCurveSpec::Kind::square)).it_power_w(100, 50), 80625.0);
  expect_rel(model(kind(PowerCurveSpec::Kind::cubic)).it_power_w(100, 50), 72812.5);
  expect_rel(model(kind(PowerCurveSpec::Kind::square)).curve(0.3), 0.09);
  expect_rel(model(kind(PowerCurveSpec::Kind::cubic)).curve(0.3), 0.027);
}

TEST(Power, LoadIsClamped) {
  const PowerModel m = model(kind(PowerCurveSpec::Kind::linear));
  EXPECT_EQ(m.curve(-0.5), 0.0);
  EXPECT_EQ(m.curve(1.5), 1.0);
}

TEST(Power, TableOfFractions) {
  PowerCurveSpec c = kind(PowerCurveSpec::Kind::table);
  c.points = {{0.0, 0.0, std::nullopt}, {0.5, 0.8, std::nullopt}, {1.0, 1.0, std::nullopt}};
  const PowerModel m = model(c);
  expect_rel(m.curve(0.25), 0.4);   // halfway 0 → 0.8
  expect_rel(m.curve(0.75), 0.9);   // halfway 0.8 → 1
  expect_rel(m.curve(0.5), 0.8);
  expect_rel(m.curve(1.0), 1.0);
  // 100 available, 25 busy: 100 × (75 + 625 × 0.4 + 575) = 90,000 W.
  expect_rel(m.it_power_w(100, 25), 90000.0);
}

TEST(Power, TableOfWatts) {
  // Points as a GPU's draw: 75 W → f 0; 500 W → (500 − 75)/625 = 0.68; 700 W → 1.
  PowerCurveSpec c = kind(PowerCurveSpec::Kind::table);
  c.points = {{0.0, std::nullopt, watts(75)}, {0.5, std::nullopt, watts(500)}, {1.0, std::nullopt, watts(700)}};
  const PowerModel m = model(c);
  expect_rel(m.curve(0.5), 0.68);
  expect_rel(m.curve(0.25), 0.34);
  // At u = 0.5 each available GPU draws 500 W + 575 W overhead: 10 × 1,075 = 10,750 W.
  expect_rel(m.it_power_w(10, 5), 10750.0);
}

TEST(Power, TableBeyondItsEndsIsFlat) {
  PowerCurveSpec c = kind(PowerCurveSpec::Kind::table);
  c.points = {{0.2, 0.1, std::nullopt}, {0.8, 0.7, std::nullopt}};
  const PowerModel m = model(c);
  expect_rel(m.curve(0.0), 0.1);
  expect_rel(m.curve(1.0), 0.7);
  expect_rel(m.curve(0.5), 0.4);
}

}  // namespace
}  // namespace gpusim
