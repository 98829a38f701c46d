// Explanations of the money stage (sim/engine/money.cpp; model.md "Capex and
// depreciation", "Opex and other items", "Debt", "Tax"): each pool's capex and
// depreciation and their totals, opex, other items, debt and tax.
#include <algorithm>
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

// C: `capex`, the catalog price, or `capex_total` ÷ the pool's largest count
// (the summary's pools.NAME.capex_per_gpu_usd).
Node capex_per_gpu_node(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  const FleetSpec& f = *p.spec;
  const std::string path = "pools." + name + ".capex_per_gpu_usd";
  const std::string key = "fleet." + f.name + ".capex";
  if (f.capex_total) {
    Node most;
    if (f.fit) {
      most = ctx.explain("pools." + name + ".fitted_count");
    } else if (f.schedule.is_ramp()) {
      double m = 0.0;
      for (const auto& pt : f.schedule.ramp) m = std::max(m, pt.count);
      most = input(ctx, "fleet." + f.name + ".ramp", "the ramp's largest count", m, "GPUs", kCapex);
    } else {
      most = input(ctx, "fleet." + f.name + ".count", "GPUs", f.schedule.constant.value_or(0.0), "GPUs", kCapex);
    }
    return combine(Op::quotient, path, "capex per GPU C", p.result->capex_per_gpu_usd, "USD",
                   "C = capex_total ÷ the pool's largest count", kCapex,
                   {input(ctx, key + "_total", "the pool's whole purchase", f.capex_total->value, "USD", kCapex),
                    std::move(most)});
  }
  Node n;
  if (ctx.loaded.locations.count(key)) {
    n = input(ctx, key, "capex per GPU C", f.capex.value, "USD", kCapex);
  } else {
    n = catalog_input(ctx, gpu_of(ctx, f), "price", "capex per GPU C (default: the catalog price)", f.capex.value, "USD");
    n.path = key;
  }
  return combine(Op::same, path, "capex per GPU C", p.result->capex_per_gpu_usd, "USD", "C", kCapex, {std::move(n)});
}

Node capex_per_gpu(const Context& ctx, const FleetSpec& f) { return ctx.explain("pools." + f.name + ".capex_per_gpu_usd"); }

// 1 − ρ: the share of the cost that depreciates.
Node depreciable_share(const Context& ctx, const std::string& key, double residual) {
  return combine(Op::sum, "", "depreciable share 1 − ρ", 1.0 - residual, "share", "1 − residual", kCapex,
                 {constant("all of the cost", 1.0, "share", "the whole cost", kCapex),
                  minus(input(ctx, key + ".residual", "residual share ρ", residual, "share", kCapex))});
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
                          "C × (1 − ρ) × ∫ (1/L) × |{GPUs in service for less than L}| dt over the run", kCapex,
                          {capex_per_gpu(ctx, f), depreciable_share(ctx, "fleet." + f.name, f.residual)});
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
  std::vector<Node> factors;
  factors.push_back(std::move(jump->count_node));
  factors.push_back(capex_per_gpu(ctx, f));
  if (f.residual > 0) factors.push_back(depreciable_share(ctx, "fleet." + f.name, f.residual));
  factors.push_back(std::move(share));
  return combine(Op::product, path, "depreciation of the pool", p.result->depreciation_usd, "USD",
                 f.residual > 0 ? "N × C × (1 − ρ) × |[τ, τ + L) ∩ run| ÷ L (straight line to the residual)"
                                : "N × C × |[τ, τ + L) ∩ run| ÷ L (straight line)",
                 kCapex, std::move(factors));
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
  Node n = engine_total(path, std::move(label), path.empty() ? std::nullopt : result(ctx, path), "USD",
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

Node pool_book_value(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  const FleetSpec& f = *p.spec;
  const std::string path = "pools." + name + ".book_value_end_usd";
  return engine_total(path, "book value of the pool at the run's end", p.result->book_value_end_usd, "USD",
                      "Σ_purchases C × units in service by the end − C × (1 − ρ) × their depreciation to the end",
                      kCapex,
                      {capex_per_gpu(ctx, f), depreciable_share(ctx, "fleet." + f.name, f.residual),
                       input(ctx, "fleet." + f.name + ".life", "life L", span_hours(f.online, f.life, ctx.spec.time.year),
                             "h", kCapex)});
}

// finance.assets: the item and its inputs.
struct AssetRef {
  const AssetResult* result;
  const AssetSpec* spec;
  std::string key;  // finance.assets.NAME
};
// The last item named `name` in `results` (as metric_value finds it), with its spec.
template <class Ref, class Result, class Spec>
Ref named_item(const std::vector<Result>& results, const std::vector<Spec>& specs, const std::string& name,
               const std::string& list) {
  for (std::size_t i = results.size(); i-- > 0;)
    if (results[i].name == name) return {&results[i], &specs[i], "finance." + list + "." + name};
  throw UnknownPath("no item named '" + name + "' in finance." + list);
}
AssetRef asset_of(const Context& ctx, const std::string& name) {
  return named_item<AssetRef>(ctx.results.assets, ctx.spec.finance.assets, name, "assets");
}

Node asset_cost(const Context& ctx, const std::string& name) {
  const AssetRef a = asset_of(ctx, name);
  const std::string path = "assets." + name + ".cost_usd";
  if (a.spec->amount)
    return combine(Op::same, path, "the asset's cost K", a.result->cost_usd, "USD", "amount", kOtherCapital,
                   {input(ctx, a.key + ".amount", "amount", a.spec->amount->value, "USD", kOtherCapital)});
  const auto site = std::find_if(ctx.spec.sites.begin(), ctx.spec.sites.end(),
                                 [&](const SiteSpec& x) { return x.name == a.spec->site; });
  const double cap_mw = site->it_power_cap->value / 1e6;
  return combine(Op::product, path, "the asset's cost K", a.result->cost_usd, "USD", "per_mw × the site's IT power cap",
                 kOtherCapital,
                 {input(ctx, a.key + ".per_mw", "cost per MW", *a.spec->per_mw_usd, "USD/MW", kOtherCapital),
                  input(ctx, "sites." + a.spec->site + ".it_power_cap", "the site's IT power cap", cap_mw, "MW",
                        kOtherCapital)});
}

std::vector<Node> asset_inputs(const Context& ctx, const AssetRef& a, bool depreciation) {
  std::vector<Node> out;
  out.push_back(ctx.explain("assets." + a.result->name + ".cost_usd"));
  if (a.spec->at)
    out.push_back(input(ctx, a.key + ".at", "in service on", static_cast<double>(*a.spec->at), "h since 1970", kOtherCapital));
  else
    out.push_back(input(ctx, a.key + ".ramp", "spread over its ramp", static_cast<double>(a.spec->ramp.size()), "points",
                        kOtherCapital));
  if (depreciation) {
    out.push_back(input(ctx, a.key + ".life", "life L",
                        span_hours(a.spec->at.value_or(ctx.spec.time.start), a.spec->life, ctx.spec.time.year), "h",
                        kOtherCapital));
    out.push_back(depreciable_share(ctx, a.key, a.spec->residual));
  }
  return out;
}

Node asset_total(const Context& ctx, const std::string& name, const char* key, std::string label, std::string equation,
                 bool depreciation) {
  const AssetRef a = asset_of(ctx, name);
  const std::string path = "assets." + name + "." + key;
  return engine_total(path, std::move(label), result(ctx, path), "USD", std::move(equation), kOtherCapital,
                      asset_inputs(ctx, a, depreciation));
}

std::vector<std::string> asset_paths(const Context& ctx, const char* key) {
  std::vector<std::string> out;
  for (const auto& a : ctx.results.assets) out.push_back("assets." + a.name + "." + key);
  return out;
}

// Σ over pools and assets of KEY.
Node capital_sum(const Context& ctx, const std::string& path, const char* key, std::string label, std::string equation) {
  std::vector<std::string> paths = pool_paths(ctx, key);
  for (auto& a : asset_paths(ctx, key)) paths.push_back(std::move(a));
  return combine(Op::sum, path, std::move(label), result(ctx, path), "USD", std::move(equation), kCapex,
                 explained(ctx, paths));
}

struct WarrantRef {
  const WarrantResult* result;
  const WarrantSpec* spec;
  std::string key;  // finance.warrants.NAME
};
WarrantRef warrant_of(const Context& ctx, const std::string& name) {
  return named_item<WarrantRef>(ctx.results.warrants, ctx.spec.finance.warrants, name, "warrants");
}

Node warrant_vested(const Context& ctx, const std::string& name) {
  const WarrantRef w = warrant_of(ctx, name);
  std::vector<Node> shown;
  for (std::size_t i = 0; i < w.spec->vest.size(); ++i) {
    const auto& t = w.spec->vest[i];
    shown.push_back(input(ctx, w.key + ".vest[" + std::to_string(i) + "].shares",
                          "tranche " + std::to_string(i + 1) + " at " + number_text(t.at_power.value / 1e6) + " MW",
                          t.shares, "shares", kWarrants));
  }
  Node n = engine_total("warrants." + name + ".vested_shares", "shares vested in the run", w.result->vested_shares,
                        "shares", "Σ tranches whose milestone the site's installed IT power reached in the run",
                        kWarrants, std::move(shown));
  n.notes.push_back("installed power: the site's installed GPUs at full load (tdp + overhead), step averages");
  return n;
}

Node warrant_value(const Context& ctx, const std::string& name) {
  const WarrantRef w = warrant_of(ctx, name);
  const std::string path = "warrants." + name + ".value_usd";
  const double per_share = std::max(0.0, w.spec->share_price.value - w.spec->strike.value);
  Node spread = combine(Op::sum, "", "value per share: share price − strike", w.spec->share_price.value - w.spec->strike.value,
                        "USD", "share price − strike", kWarrants,
                        {input(ctx, w.key + ".share_price", "share price", w.spec->share_price.value, "USD", kWarrants),
                         minus(input(ctx, w.key + ".strike", "strike", w.spec->strike.value, "USD", kWarrants))});
  if (per_share <= 0) {
    Node n = engine_total(path, "value of the vested warrants", w.result->value_usd, "USD",
                          "vested shares × max(0, share price − strike)", kWarrants,
                          {ctx.explain("warrants." + name + ".vested_shares"), std::move(spread)});
    n.notes.push_back("the strike is at or above the share price: worth nothing");
    return n;
  }
  return combine(Op::product, path, "value of the vested warrants", w.result->value_usd, "USD",
                 "vested shares × (share price − strike)", kWarrants,
                 {ctx.explain("warrants." + name + ".vested_shares"), std::move(spread)});
}

}  // namespace

std::vector<Entry> money_entries() {
  return {
      {"pools.*.capex_usd", pool_capex},
      {"pools.*.depreciation_usd", pool_depreciation},
      {"pools.*.capex_per_gpu_usd", capex_per_gpu_node},
      {"pools.*.book_value_end_usd", pool_book_value},
      {"finance.capex_usd",
       [](const Context& ctx, const std::string&) {
         return capital_sum(ctx, "finance.capex_usd", "capex_usd", "capex", "Σ_p capex_p + Σ_assets capex_a");
       }},
      {"finance.depreciation_usd",
       [](const Context& ctx, const std::string&) {
         return capital_sum(ctx, "finance.depreciation_usd", "depreciation_usd", "depreciation",
                            "Σ_p depreciation_p + Σ_assets depreciation_a");
       }},
      {"finance.book_value_end_usd",
       [](const Context& ctx, const std::string&) {
         return capital_sum(ctx, "finance.book_value_end_usd", "book_value_end_usd", "book value at the run's end",
                            "Σ_p book_p + Σ_assets book_a");
       }},
      {"assets.*.cost_usd", asset_cost},
      {"assets.*.capex_usd",
       [](const Context& ctx, const std::string& name) {
         return asset_total(ctx, name, "capex_usd", "the asset's capex in the run",
                            "K at `at` (or K ÷ the ramp's largest count per unit as its ramp rises), within the run", false);
       }},
      {"assets.*.depreciation_usd",
       [](const Context& ctx, const std::string& name) {
         return asset_total(ctx, name, "depreciation_usd", "the asset's depreciation in the run",
                            "Σ_units cost × (1 − ρ) × |[τ, τ + L) ∩ run| ÷ L", true);
       }},
      {"assets.*.book_value_end_usd",
       [](const Context& ctx, const std::string& name) {
         return asset_total(ctx, name, "book_value_end_usd", "the asset's book value at the run's end",
                            "cost in service by the end − (1 − ρ) × its depreciation to the end", true);
       }},
      {"warrants.*.vested_shares", warrant_vested},
      {"warrants.*.value_usd", warrant_value},
      {"finance.warrants_usd",
       [](const Context& ctx, const std::string&) {
         std::vector<std::string> paths;
         for (const auto& w : ctx.results.warrants) paths.push_back("warrants." + w.name + ".value_usd");
         Node n = combine(Op::sum, "finance.warrants_usd", "warrants vested (other income)",
                          result(ctx, "finance.warrants_usd"), "USD", "Σ_w vested value", kWarrants, explained(ctx, paths));
         if (ctx.spec.finance.warrants.empty()) n.source = "default: none (finance.warrants not given)";
         return n;
       }},
      {"finance.capex_net_of_warrants_usd",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "finance.capex_net_of_warrants_usd", "capex net of the equity received",
                        result(ctx, "finance.capex_net_of_warrants_usd"), "USD", "capex − warrants", kWarrants,
                        {ctx.explain("finance.capex_usd"), minus(ctx.explain("finance.warrants_usd"))});
       }},
      {"finance.termination_fees_usd",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "finance.termination_fees_usd", "termination_fee_usd", "termination fees (other income)",
                              "USD", "Σ_c fee_c (a termination within the run)", kContractTerms,
                             [](const ContractResult& c) { return c.list == "contracts"; });
       }},
      {"finance.prepayments_usd",
       [](const Context& ctx, const std::string&) {
         const double start = static_cast<double>(ctx.spec.time.start), end = static_cast<double>(ctx.spec.time.end);
         return contracts_sum(ctx, "finance.prepayments_usd", "prepayment_usd", "prepayments received in the run",
                              "USD", "Σ P_c over contracts starting within the run", kContractTerms,
                             [&](const ContractResult& c) {
                               return c.list == "contracts" && c.window_start_h >= start && c.window_start_h < end;
                             });
       }},
      {"finance.deferred_revenue_end_usd",
       [](const Context& ctx, const std::string&) {
         Node n = engine_total("finance.deferred_revenue_end_usd", "prepaid, not yet earned, at the run's end",
                               result(ctx, "finance.deferred_revenue_end_usd"), "USD",
                               "opening balance + Σₖ (prepaid_k − applied_k − refunded_k), applied_k = min(balance, revenue_k × P ÷ V)",
                               kContractTerms, explained(ctx, {"finance.prepayments_usd"}));
         n.notes.push_back("the contracts whose windows end after the run keep their balances");
         return n;
       }},
      {"finance.opex_usd",
       [](const Context& ctx, const std::string&) {
         return expenses(ctx, "finance.opex_usd", ctx.spec.finance.opex, "opex", "opex");
       }},
      {"finance.other_usd",
       [](const Context& ctx, const std::string&) {
         const bool terms = !ctx.spec.finance.warrants.empty() ||
                            std::any_of(ctx.spec.contracts.begin(), ctx.spec.contracts.end(),
                                        [](const ContractSpec& c) { return c.terminate.has_value(); });
         if (!terms)
           return expenses(ctx, "finance.other_usd", ctx.spec.finance.other, "other", "other items (+ income, − expense)");
         // The items of finance.other, then the deal terms booked as other income.
         const double items = *result(ctx, "finance.other_usd") - *result(ctx, "finance.warrants_usd") -
                              *result(ctx, "finance.termination_fees_usd");
         Node listed = expenses(ctx, "", ctx.spec.finance.other, "other", "finance.other items (+ income, − expense)");
         listed.value = items;
         return combine(Op::sum, "finance.other_usd", "other items (+ income, − expense)",
                        result(ctx, "finance.other_usd"), "USD", "finance.other + warrants + termination fees", kOpex,
                        {std::move(listed), ctx.explain("finance.warrants_usd"), ctx.explain("finance.termination_fees_usd")});
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
