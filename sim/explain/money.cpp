// Explanations of the money stage (sim/engine/money.cpp; model.md "Capex and
// depreciation", "Opex and other items", "Debt", "Tax"): each pool's capex and
// depreciation and their totals, opex, other items, debt and tax.
#include <cmath>

#include "models/calendar.hpp"
#include "sim/explain/builders.hpp"

namespace gpusim::explain {

namespace {

// A pool bought all at once: N GPUs at `at` (a constant count, or count: fit).
struct Jump {
  double count = 0.0;
  HourStamp at = 0;
  Node count_node;
};
std::optional<Jump> jump_of(const Context& ctx, std::size_t i) {
  const FleetSpec& f = ctx.spec.fleet[i];
  if (f.fit) return Jump{*ctx.results.pools[i].fitted_count, ctx.spec.time.start, ctx.explain("pools." + f.name + ".fitted_count")};
  if (f.schedule.is_ramp()) return std::nullopt;
  const double n = f.schedule.constant.value_or(0.0);
  return Jump{n, f.online, input(ctx, "fleet." + f.name + ".count", "GPUs bought", n, "GPUs", kCapex)};
}

// A pool's summary path `pools.NAME.KEY`, and how it was bought.
struct Bought {
  PoolRef pool;
  std::string path;
  std::optional<Jump> jump;
};
Bought bought(const Context& ctx, const std::string& name, const char* key) {
  PoolRef p = pool_of(ctx, name);
  std::optional<Jump> jump = jump_of(ctx, p.index);
  return {std::move(p), "pools." + name + "." + key, std::move(jump)};
}

Node capex_per_gpu(const Context& ctx, const FleetSpec& f) {
  const std::string key = "fleet." + f.name + ".capex";
  if (ctx.loaded.locations.count(key)) return input(ctx, key, "capex per GPU C", f.capex.value, "USD", kCapex);
  Node n = catalog_input(ctx, gpu_of(ctx, f), "price", "capex per GPU C (default: the catalog price)", f.capex.value,
                         "USD");
  n.path = key;
  return n;
}

Node pool_capex(const Context& ctx, const std::string& name) {
  auto [p, path, jump] = bought(ctx, name, "capex_usd");
  const FleetSpec& f = *p.spec;
  const PoolResult& pr = *p.result;
  if (jump && jump->at >= ctx.spec.time.start && jump->at < ctx.spec.time.end)
    return combine(Op::product, path, "capex of the pool", pr.capex_usd, "USD",
                   "C × GPUs entering service in the run (all at " + format_date(jump->at) + ")", kCapex,
                   {std::move(jump->count_node), capex_per_gpu(ctx, f)});
  Node n = engine_total(path, "capex of the pool", pr.capex_usd, "USD", "Σₖ C × GPUs entering service in step k",
                        kCapex, {capex_per_gpu(ctx, f)});
  n.notes.push_back(jump ? "bought at " + format_date(jump->at) + ", outside the run: no capex in it"
                         : "the ramp's rises are purchases, spread evenly between its points");
  return n;
}

Node pool_depreciation(const Context& ctx, const std::string& name) {
  auto [p, path, jump] = bought(ctx, name, "depreciation_usd");
  const FleetSpec& f = *p.spec;
  if (!jump) {
    Node n = engine_total(path, "depreciation of the pool", p.result->depreciation_usd, "USD",
                          "C × ∫ (1/L) × |{GPUs in service for less than L}| dt over the run", kCapex,
                          {capex_per_gpu(ctx, f)});
    n.notes.push_back("each GPU of the ramp depreciates over its own [τ, τ + L), integrated exactly");
    return n;
  }
  const double at = static_cast<double>(jump->at);
  const double life_h = span_hours(jump->at, f.life, ctx.spec.time.year);
  const double inside = run_hours_from(ctx, at, at + life_h);
  Node life = input(ctx, "fleet." + f.name + ".life", "life L", life_h, "h", kCapex);
  Node share = combine(Op::quotient, "", "share of the life inside the run", inside / life_h, "share",
                       "|[τ, τ + L) ∩ run| ÷ L", kCapex,
                       {constant("hours of the life inside the run", inside, "h",
                                 "from " + format_date(jump->at) + " for L hours, within the run", kCapex),
                        std::move(life)});
  return combine(Op::product, path, "depreciation of the pool", p.result->depreciation_usd, "USD",
                 "N × C × |[τ, τ + L) ∩ run| ÷ L (straight line)", kCapex,
                 {std::move(jump->count_node), capex_per_gpu(ctx, f), std::move(share)});
}

std::vector<std::string> pool_paths(const Context& ctx, const char* key) {
  std::vector<std::string> out;
  for (const auto& p : ctx.results.pools) out.push_back("pools." + p.name + "." + key);
  return out;
}

std::vector<Node> expense_inputs(const Context& ctx, const std::vector<ExpenseSpec>& items, const char* list) {
  std::vector<Node> out;
  for (const auto& e : items) {
    const std::string key = std::string("finance.") + list + "." + e.name;
    if (e.amount) out.push_back(input(ctx, key + ".amount", "one-off amount on " + format_date(*e.at), e.amount->value, "USD", kOpex));
    else out.push_back(input(ctx, key + ".amount", "amount per year R", e.rate->value, "USD/y", kOpex));
  }
  return out;
}

Node expenses(const Context& ctx, const std::string& path, const std::vector<ExpenseSpec>& items, const char* list,
              std::string label) {
  Node n = engine_total(path, std::move(label), result(ctx, path), "USD",
                        "Σₖ Σ_items (R × |[t₀(k), t₁(k)) ∩ [start, end)| ÷ Y(k), or A in the step containing `at`)",
                        kOpex, expense_inputs(ctx, items, list));
  if (items.empty()) n.source = std::string("default: none (finance.") + list + " not given)";
  return n;
}

std::vector<Node> debt_inputs(const Context& ctx) {
  std::vector<Node> out;
  for (const auto& d : ctx.spec.finance.debt) {
    const std::string key = "finance.debt." + d.name;
    out.push_back(input(ctx, key + ".principal", "principal P", d.principal.value, "USD", kDebt));
    out.push_back(input(ctx, key + ".rate", "yearly rate ρ", d.rate, "share", kDebt));
  }
  return out;
}

Node debt_total(const Context& ctx, const std::string& path, std::string label, std::string equation) {
  Node n = engine_total(path, std::move(label), result(ctx, path), "USD", std::move(equation), kDebt, debt_inputs(ctx));
  if (ctx.spec.finance.debt.empty()) n.source = "default: none (finance.debt not given)";
  return n;
}

Node tax(const Context& ctx) {
  const std::string path = "finance.tax_usd";
  const double rate = ctx.spec.finance.tax_rate;
  Node rate_node = input(ctx, "finance.tax_rate", "tax rate", rate, "share", kTax);
  Node pretax = combine(Op::sum, "", "pre-tax income", std::nullopt, "USD",
                        "operating income − interest + other", kTax,
                        {ctx.explain("finance.operating_income_usd"), minus(ctx.explain("finance.interest_usd")),
                         ctx.explain("finance.other_usd")});
  pretax.value = *pretax.children[0].value - *pretax.children[1].value + *pretax.children[2].value;
  const bool one_year = civil_from_hours(ctx.spec.time.start).year == civil_from_hours(ctx.spec.time.end - 1).year;
  if (one_year && *pretax.value >= 0)
    return combine(Op::product, path, "tax", result(ctx, path), "USD", "tax_rate × max(0, pre-tax income of the year)",
                   kTax, {std::move(rate_node), std::move(pretax)});
  Node n = engine_total(path, "tax", result(ctx, path), "USD",
                        "Σ_calendar years tax_rate × max(0, Σ_{k in year} pre-tax income_k)", kTax,
                        {std::move(rate_node), std::move(pretax)});
  n.notes.push_back("per calendar year, charged in its last step; a loss-making year pays none, no carry-forward");
  return n;
}

}  // namespace

std::vector<Entry> money_entries() {
  return {
      {"pools.*.capex_usd", pool_capex},
      {"pools.*.depreciation_usd", pool_depreciation},
      {"finance.capex_usd",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "finance.capex_usd", "capex", result(ctx, "finance.capex_usd"), "USD", "Σ_p capex_p",
                        kCapex, explained(ctx, pool_paths(ctx, "capex_usd")));
       }},
      {"finance.depreciation_usd",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "finance.depreciation_usd", "depreciation", result(ctx, "finance.depreciation_usd"),
                        "USD", "Σ_p depreciation_p", kCapex, explained(ctx, pool_paths(ctx, "depreciation_usd")));
       }},
      {"finance.opex_usd",
       [](const Context& ctx, const std::string&) {
         return expenses(ctx, "finance.opex_usd", ctx.spec.finance.opex, "opex", "opex");
       }},
      {"finance.other_usd",
       [](const Context& ctx, const std::string&) {
         return expenses(ctx, "finance.other_usd", ctx.spec.finance.other, "other", "other items (+ income, − expense)");
       }},
      {"finance.interest_usd",
       [](const Context& ctx, const std::string&) {
         return debt_total(ctx, "finance.interest_usd", "interest", "Σ_tranches Σₖ δ × ∫ B(t) dt, δ = ρ ÷ Y_s");
       }},
      {"finance.debt_drawn_usd",
       [](const Context& ctx, const std::string&) {
         std::vector<Node> drawn;
         for (const auto& d : ctx.spec.finance.debt) {
           const HourStamp s = d.start.value_or(ctx.spec.time.start);
           if (s >= ctx.spec.time.start && s < ctx.spec.time.end)
             drawn.push_back(input(ctx, "finance.debt." + d.name + ".principal", "principal drawn " + format_date(s),
                                   d.principal.value, "USD", kDebt));
         }
         return combine(Op::sum, "finance.debt_drawn_usd", "debt drawn", result(ctx, "finance.debt_drawn_usd"), "USD",
                        "Σ principals drawn within the run", kDebt, std::move(drawn));
       }},
      {"finance.debt_repaid_usd",
       [](const Context& ctx, const std::string&) {
         return debt_total(ctx, "finance.debt_repaid_usd", "principal repaid", "Σ_tranches Σₖ B(t₀(k)) − B(t₁(k))");
       }},
      {"finance.debt_service_usd",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "finance.debt_service_usd", "debt service", result(ctx, "finance.debt_service_usd"),
                        "USD", "interest + principal repaid", kRatios,
                        explained(ctx, {"finance.interest_usd", "finance.debt_repaid_usd"}));
       }},
      {"finance.tax_usd", [](const Context& ctx, const std::string&) { return tax(ctx); }},
  };
}

}  // namespace gpusim::explain
