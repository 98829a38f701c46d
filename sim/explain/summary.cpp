// Explanations of the summary stage (sim/engine/summary.cpp; model.md "Time",
// "Income statement and cash", "Years and ratios", "NPV, IRR, payback",
// "Goal-seek"): the run's length, the income statement's lines, cash, the
// ratios, the discounted measures and the goal-seek's result.
#include "sim/explain/builders.hpp"

namespace gpusim::explain {

namespace {

Node signed_sum(const Context& ctx, const std::string& path, std::string label, std::string equation,
                const char* anchor, const std::vector<std::pair<int, std::string>>& terms) {
  std::vector<Node> children;
  for (const auto& [sign, p] : terms) children.push_back(sign < 0 ? minus(ctx.explain(p)) : ctx.explain(p));
  return combine(Op::sum, path, std::move(label), result(ctx, path), "USD", std::move(equation), anchor,
                 std::move(children));
}

Node ratio(const Context& ctx, const std::string& path, std::string label, std::string unit, std::string equation,
           const char* anchor, const std::string& numerator, Node denominator) {
  Node n = combine(Op::quotient, path, std::move(label), result(ctx, path), std::move(unit), std::move(equation),
                   anchor, {ctx.explain(numerator), std::move(denominator)});
  if (!n.value) n.notes.push_back("null: its denominator is 0 in this run");
  return n;
}

Node discounted(const Context& ctx, const std::string& path, std::string label, std::string unit, std::string equation,
                std::string note) {
  Node n = engine_total(path, std::move(label), result(ctx, path), std::move(unit), std::move(equation), kNpv,
                        {ctx.explain("finance.cash_flow_usd"),
                         input(ctx, "finance.discount_rate", "discount rate r", ctx.spec.finance.discount_rate, "share",
                               kNpv)});
  n.source = "engine: the run's cash flow summed by calendar month";
  if (ctx.spec.finance.terminal_value == TerminalValue::book && path != "finance.npv_without_terminal_value_usd")
    n.children.push_back(ctx.explain("finance.terminal_value_usd"));
  if (!note.empty()) n.notes.push_back(std::move(note));
  if (!n.value) n.notes.push_back("null in this run (see model.md#npv-irr-payback for when)");
  return n;
}

Node run_hours(const Context& ctx) {
  const double hours = static_cast<double>(ctx.spec.time.end - ctx.spec.time.start);
  const bool by_duration = ctx.loaded.locations.count("time.duration") > 0;
  return combine(Op::same, "time.hours", "hours of the run", result(ctx, "time.hours"), "h", "end − start", kTime,
                 {input(ctx, by_duration ? "time.duration" : "time.end",
                        by_duration ? "the run's duration" : "hours from time.start to time.end (exclusive)", hours, "h",
                        kTime)});
}

Node years(const Context& ctx) {
  const std::optional<double> year_h = constant_year_hours(ctx);
  if (year_h)
    return combine(Op::quotient, "time.years", "years of the run", result(ctx, "time.years"), "y",
                   "Σ_y hours in y ÷ Y(y) = hours ÷ Y (every year of the run as long)", kRatios,
                   {ctx.explain("time.hours"), year_hours_node(ctx, *year_h)});
  Node n = engine_total("time.years", "years of the run", result(ctx, "time.years"), "y",
                        "Σ_calendar years (hours of the run in y) ÷ Y(y), Y = 8,784 in a leap year, else 8,760",
                        kRatios, {ctx.explain("time.hours")});
  n.source = "engine: the run's hours counted per calendar year";
  return n;
}

Node solve_node(const Context& ctx, const std::string& key) {
  const SolveResult& s = *ctx.results.solve;
  const std::string path = "solve." + key;
  if (key == "value")
    return combine(Op::same, path, "the solved value of " + s.vary, s.value, "", "the goal-seek's root", kGoalSeek,
                   {input(ctx, s.vary, "the varied key, as solved (" + s.value_text + ")", s.value, "", kGoalSeek)});
  if (key == "achieved")
    return combine(Op::same, path, "the target's value at the solution", s.achieved, "", s.target, kGoalSeek,
                   {ctx.explain(s.target)});
  if (key == "equals") {
    if (ctx.spec.solve && ctx.spec.solve->equals_metric)
      return combine(Op::same, path, "the target: another result", s.target_value, "", *ctx.spec.solve->equals_metric,
                     kGoalSeek, {ctx.explain(*ctx.spec.solve->equals_metric)});
    return combine(Op::same, path, "the target", s.target_value, "", "solve.equals", kGoalSeek,
                   {input(ctx, "solve.equals", "the value to reach", s.target_value, "", kGoalSeek)});
  }
  if (key == "price_usd_per_gpu_hour") {
    // Varying a contract's value: the price it gives at the solution.
    const std::string contract = s.vary.substr(0, s.vary.rfind('.'));
    return combine(Op::same, path, "the price the solved value gives", *s.derived_price_usd_per_gpu_hour, "USD/gpu-h",
                   "p₀ = V ÷ GPU-hours contracted", kGoalSeek, {ctx.explain(contract + ".price_usd_per_gpu_hour")});
  }
  Node n = engine_total(path, "trial runs of the goal-seek", static_cast<double>(s.evaluations), "runs",
                        "bracket, scan, then Brent's method to 10⁻⁹ relative", kGoalSeek);
  n.source = "engine: goal-seek (sim/engine/solve.cpp)";
  return n;
}

}  // namespace

std::vector<Entry> summary_entries() {
  std::vector<Entry> e = {
      {"time.hours", [](const Context& ctx, const std::string&) { return run_hours(ctx); }},
      {"time.step_hours",
       [](const Context& ctx, const std::string&) {
         return combine(Op::same, "time.step_hours", "step length Δ", result(ctx, "time.step_hours"), "h", "Δ", kTime,
                        {input(ctx, "time.step", "the step", ctx.spec.time.step_hours, "h", kTime)});
       }},
      {"time.steps",
       [](const Context& ctx, const std::string&) {
         return combine(Op::quotient, "time.steps", "steps N", result(ctx, "time.steps"), "", "(end − start) ÷ Δ", kTime,
                        explained(ctx, {"time.hours", "time.step_hours"}));
       }},
      {"time.years", [](const Context& ctx, const std::string&) { return years(ctx); }},
      {"finance.operating_income_usd",
       [](const Context& ctx, const std::string&) {
         return signed_sum(ctx, "finance.operating_income_usd", "operating income",
                           "revenue − energy cost − colocation − opex − depreciation", kIncome,
                           {{1, "finance.revenue_usd"}, {-1, "finance.energy_cost_usd"}, {-1, "finance.colocation_usd"},
                            {-1, "finance.opex_usd"}, {-1, "finance.depreciation_usd"}});
       }},
      {"finance.net_income_usd",
       [](const Context& ctx, const std::string&) {
         return signed_sum(ctx, "finance.net_income_usd", "net income", "operating income − interest + other − tax",
                           kIncome,
                           {{1, "finance.operating_income_usd"}, {-1, "finance.interest_usd"}, {1, "finance.other_usd"},
                            {-1, "finance.tax_usd"}});
       }},
      {"finance.ebitda_usd",
       [](const Context& ctx, const std::string&) {
         return signed_sum(ctx, "finance.ebitda_usd", "EBITDA", "operating income + depreciation", kIncome,
                           {{1, "finance.operating_income_usd"}, {1, "finance.depreciation_usd"}});
       }},
      {"finance.cash_flow_usd",
       [](const Context& ctx, const std::string&) {
         Node n = signed_sum(ctx, "finance.cash_flow_usd", "net cash flow",
                             "revenue − energy − colocation − opex − interest + other − tax − capex + drawn − repaid "
                             "+ prepaid − applied − refunded",
                             kIncome,
                             {{1, "finance.revenue_usd"}, {-1, "finance.energy_cost_usd"}, {-1, "finance.colocation_usd"},
                              {-1, "finance.opex_usd"}, {-1, "finance.interest_usd"}, {1, "finance.other_usd"},
                              {-1, "finance.tax_usd"}, {-1, "finance.capex_usd"}, {1, "finance.debt_drawn_usd"},
                              {-1, "finance.debt_repaid_usd"}});
         // Prepayments: received − applied against bills − refunded, over the run.
         const StepSeries& ts = ctx.results.series;
         const double net = ts.prepayment_usd.sum() - ts.prepayment_applied_usd.sum() - ts.prepayment_refund_usd.sum();
         if (net != 0.0 || ts.prepayment_usd.sum() != 0.0) {
           Node pre = engine_total("", "prepayments received − applied − refunded", net, "USD",
                                   "Σₖ (prepaid_k − applied_k − refunded_k): the change in deferred revenue over the run",
                                   kContractTerms, explained(ctx, {"finance.prepayments_usd", "finance.deferred_revenue_end_usd"}));
           n.children.push_back(std::move(pre));
         }
         return n;
       }},
      {"finance.terminal_value_usd",
       [](const Context& ctx, const std::string&) {
         const std::string path = "finance.terminal_value_usd";
         if (ctx.spec.finance.terminal_value != TerminalValue::book) {
           return not_given(path, "terminal value counted in NPV, IRR, payback", result(ctx, path), "USD", "none",
                            kTerminalValue, "finance.terminal_value");
         }
         return combine(Op::same, path, "terminal value counted in NPV, IRR, payback", result(ctx, path), "USD",
                        "terminal_value: book: the book value at the run's end, cash in the last month", kTerminalValue,
                        explained(ctx, {"finance.book_value_end_usd"}));
       }},
      {"finance.npv_without_terminal_value_usd",
       [](const Context& ctx, const std::string&) {
         return discounted(ctx, "finance.npv_without_terminal_value_usd", "net present value of the run's cash flows alone",
                           "USD", "Σ_m CF_m × (1 + r)^(−t_m), without the terminal value", "");
       }},
      {"finance.operating_margin",
       [](const Context& ctx, const std::string&) {
         return ratio(ctx, "finance.operating_margin", "operating margin", "share", "operating income ÷ revenue",
                      kIncome, "finance.operating_income_usd", ctx.explain("finance.revenue_usd"));
       }},
      {"finance.net_margin",
       [](const Context& ctx, const std::string&) {
         return ratio(ctx, "finance.net_margin", "net margin", "share", "net income ÷ revenue", kIncome,
                      "finance.net_income_usd", ctx.explain("finance.revenue_usd"));
       }},
      {"finance.revenue_per_gpu_hour_usd",
       [](const Context& ctx, const std::string&) {
         return ratio(ctx, "finance.revenue_per_gpu_hour_usd", "revenue per billed GPU-hour", "USD/gpu-h",
                      "revenue ÷ billed GPU-hours", kRatios, "finance.revenue_usd",
                      ctx.explain("gpus.gpu_hours_billed"));
       }},
      {"finance.revenue_run_rate_usd",
       [](const Context& ctx, const std::string&) {
         return ratio(ctx, "finance.revenue_run_rate_usd", "revenue per year", "USD/y", "revenue ÷ years", kRatios,
                      "finance.revenue_usd", ctx.explain("time.years"));
       }},
      {"finance.revenue_per_gw_year_usd",
       [](const Context& ctx, const std::string&) {
         Node peak = ctx.explain("power.facility_peak_mw");
         Node years = ctx.explain("time.years");
         Node gw_years = combine(Op::product, "", "peak facility GW × years", *peak.value / 1e3 * *years.value,
                                 "GW-y", "facility_peak_mw ÷ 1000 × years", kRatios,
                                 {std::move(peak), std::move(years)}, 1e-3);
         return ratio(ctx, "finance.revenue_per_gw_year_usd", "revenue per GW-year of peak facility power", "USD/GW-y",
                      "revenue ÷ (facility_peak_mw ÷ 1000 × years)", kRatios, "finance.revenue_usd",
                      std::move(gw_years));
       }},
      {"finance.other_per_gw_usd",
       [](const Context& ctx, const std::string&) {
         Node peak = ctx.explain("power.facility_peak_mw");
         Node gw = combine(Op::same, "", "peak facility GW", *peak.value / 1e3, "GW", "facility_peak_mw ÷ 1000",
                           kRatios, {std::move(peak)}, 1e-3);
         return ratio(ctx, "finance.other_per_gw_usd", "other items per GW of peak facility power", "USD/GW",
                      "other ÷ (facility_peak_mw ÷ 1000)", kRatios, "finance.other_usd", std::move(gw));
       }},
      {"finance.revenue_growth_per_year",
       [](const Context& ctx, const std::string&) {
         Node n = engine_total("finance.revenue_growth_per_year", "yearly revenue growth",
                               result(ctx, "finance.revenue_growth_per_year"), "share",
                               "(R_last ÷ R_first)^(1 ÷ (y_last − y_first)) − 1 over whole calendar years", kRatios,
                               {ctx.explain("finance.revenue_usd")});
         n.source = "engine: revenue of each calendar year wholly inside the run";
         if (!n.value) n.notes.push_back("null: needs two whole calendar years with revenue");
         return n;
       }},
      {"finance.npv_usd",
       [](const Context& ctx, const std::string&) {
         return discounted(ctx, "finance.npv_usd", "net present value", "USD",
                           "Σ_m CF_m × (1 + r)^(−t_m), t_m from the run start to mid-month", "");
       }},
      {"finance.irr",
       [](const Context& ctx, const std::string&) {
         return discounted(ctx, "finance.irr", "internal rate of return", "share", "the r with Σ_m CF_m (1 + r)^(−t_m) = 0",
                           "found on a grid of rates, then bisected; the discount rate shown is not used");
       }},
      {"finance.payback_years",
       [](const Context& ctx, const std::string&) {
         return discounted(ctx, "finance.payback_years", "payback", "y",
                           "the last time the cumulative monthly cash reaches 0 and stays there",
                           "undiscounted: the discount rate shown is not used");
       }},
      {"finance.min_cumulative_cash_usd",
       [](const Context& ctx, const std::string&) {
         Node n = engine_total("finance.min_cumulative_cash_usd", "lowest cumulative cash",
                               result(ctx, "finance.min_cumulative_cash_usd"), "USD",
                               "min(0, minₖ Σ_{j ≤ k} cash flow_j)", kIncome, {ctx.explain("finance.cash_flow_usd")});
         n.source = "engine: the running sum of the steps' cash flow";
         return n;
       }},
  };
  for (const char* key : {"value", "achieved", "equals", "evaluations", "price_usd_per_gpu_hour"})
    e.push_back({std::string("solve.") + key,
                 [k = std::string(key)](const Context& ctx, const std::string&) { return solve_node(ctx, k); }});
  return e;
}

}  // namespace gpusim::explain
