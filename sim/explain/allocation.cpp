// Explanations of the allocation stage (sim/engine/allocation.cpp; model.md
// "Contracts and demand", "Allocation", "The utilization ladder"): each
// contract's price, what it asked for, got, billed and earned; the pools' busy
// GPU-hours; the ladder's totals and shares; customers and revenue.
#include "models/calendar.hpp"
#include "sim/explain/builders.hpp"

namespace gpusim::explain {

namespace {

std::string contract_path(const std::string& name, const char* key) { return "contracts." + name + "." + key; }

std::optional<Node> window_gpus(const Context& ctx, const ContractRef& c);

// The window's length e − s: the contract's `term` where written (so a solved
// term shows its solve), else the hours from its start to its end.
Node window_hours(const Context& ctx, const ContractRef& c) {
  const double hours = c.result->window_end_h - c.result->window_start_h;
  if (c.spec->term) return input(ctx, c.key + ".term", "term: the window's hours e − s", hours, "h", kContracts);
  return constant("hours of the window e − s", hours, "h",
                  format_date(static_cast<HourStamp>(c.result->window_start_h)) + " to " +
                      format_date(static_cast<HourStamp>(c.result->window_end_h)) + " exclusive (" + c.key +
                      ".start, .end; default the run's)",
                  kContracts);
}

Node price(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "price_usd_per_gpu_hour");
  const double p0 = c.result->price_usd_per_gpu_hour;
  Node n;
  if (c.spec->price) {
    n = combine(Op::same, path, "starting price p₀", p0, "USD/gpu-h", "p₀ = price", kContracts,
                {input(ctx, c.key + ".price", "price per GPU-hour", c.spec->price->value, "USD/gpu-h", kContracts)});
  } else if (c.spec->value) {
    Node hours;
    if (c.spec->escalation > 0) {
      hours = engine_total("", "GPU-hours over the whole window, each at its escalation multiplier",
                           c.result->window_gpu_hours, "gpu-h", "Σ_pieces H(piece) × (1 + e)^(anniversaries passed)",
                           kContractTerms,
                           {input(ctx, c.key + ".escalation", "escalation e per year", c.spec->escalation, "share",
                                  kContractTerms)});
      hours.source = "engine: day-long pieces from the contract's start (anniversaries fall on their boundaries)";
    } else if (c.spec->gpu_hours) {
      hours = combine(Op::same, "", "GPU-hours over the whole window", c.result->window_gpu_hours, "gpu-h", "H",
                      kContracts,
                      {input(ctx, c.key + ".gpu_hours", "GPU-hours contracted", c.spec->gpu_hours->value, "gpu-h",
                             kContracts)});
    } else if (const auto gpus = window_gpus(ctx, c)) {
      hours = combine(Op::product, "", "GPU-hours over the whole window", c.result->window_gpu_hours, "gpu-h",
                      c.spec->whole_pool ? "N × (e − s): every GPU of the pool (none down)" : "N × (e − s)",
                      kContracts, {*gpus, window_hours(ctx, c)});
    } else {
      hours = engine_total("", "GPU-hours over the whole window [s, e)", c.result->window_gpu_hours, "gpu-h",
                           c.spec->whole_pool ? "∫_s^e n_p(t) dt × (1 − down share)" : "∫_s^e gpus(t) dt",
                           kContracts);
      hours.source = "engine: the contract's size integrated over its window " + format_date(static_cast<HourStamp>(c.result->window_start_h)) +
                     " to " + format_date(static_cast<HourStamp>(c.result->window_end_h));
    }
    n = combine(Op::quotient, path, "starting price p₀ from the contract's value", p0, "USD/gpu-h",
                "p₀ = V ÷ GPU-hours contracted over the whole window", kContracts,
                {input(ctx, c.key + ".value", "the contract's value V", c.spec->value->value, "USD", kContracts),
                 std::move(hours)});
  } else {
    n = combine(Op::input, path, "price (none given: free)", p0, "USD/gpu-h", "input", kContracts, {});
    n.source = "default: none";
  }
  if (c.spec->escalation > 0)
    n.notes.push_back("escalation: the price steps up by (1 + e) on each anniversary of the start; p₀ is the first "
                      "year's (model.md#contract-terms)");
  if (c.spec->price_decline > 0)
    n.notes.push_back("price_decline " + std::to_string(c.spec->price_decline * 100) +
                      "%/y: each step bills p₀ × (1 − d)^(years since start), taken at the step's middle");
  return n;
}

// The GPUs a value is spread over when they are one constant count over the
// whole window: `gpus: N`, or `gpus: all` of a constant pool online from the
// start that never fails.
std::optional<Node> window_gpus(const Context& ctx, const ContractRef& c) {
  if (c.spec->gpu_hours) return std::nullopt;
  if (!c.spec->whole_pool) {
    if (c.spec->gpus.is_ramp()) return std::nullopt;
    return input(ctx, c.key + ".gpus", "GPUs contracted N", c.spec->gpus.constant.value_or(0.0), "GPUs", kContracts);
  }
  const FleetSpec& pool = ctx.spec.fleet[pool_index(ctx, c.spec->pool)];
  if (pool.schedule.is_ramp() || pool.afr > 0 || static_cast<double>(pool.online) > c.result->window_start_h)
    return std::nullopt;
  if (pool.fit) return ctx.explain("pools." + pool.name + ".fitted_count");
  return input(ctx, "fleet." + pool.name + ".count", "GPUs of the pool N", pool.schedule.constant.value_or(0.0), "GPUs",
               kContracts);
}

Node contracted(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "contracted_gpu_hours");
  const std::string label = "GPU-hours it asked for within the run (Σₖ want × Δ)";
  const double value = c.result->contracted_gpu_hours;
  const double s = c.result->window_start_h, e = c.result->window_end_h;
  const double inside = run_hours_from(ctx, s, e);
  const std::string window = "its window " + format_date(static_cast<HourStamp>(s)) + " to " +
                             format_date(static_cast<HourStamp>(e)) + " exclusive (" + c.key + ".start, .term, .end)";
  if (c.spec->renewal || c.spec->terminate) {
    std::vector<Node> shown;
    if (c.spec->renewal)
      shown.push_back(input(ctx, c.key + ".renewal.probability", "renewal probability π", c.spec->renewal->probability,
                            "share", kContractTerms));
    if (c.spec->terminate)
      shown.push_back(input(ctx, c.key + ".terminate.at", "billing stops at",
                            static_cast<double>(c.spec->terminate->at), "h since 1970", kContractTerms));
    Node n = engine_total(path, label, value, "gpu-h",
                          "Σₖ want(k) × Δ over [s, min(e, terminate.at)) + renewal: Σₖ want(k) × π × Δ over [e, e + term)",
                          kContractTerms, std::move(shown));
    if (c.spec->renewal)
      n.notes.push_back(ctx.spec.seed ? "renewal drawn under the seed: weight 1 or 0 (model.md#contract-terms)"
                                      : "renewal counted with its probability π (expected GPU-hours)");
    return n;
  }
  if (ctx.spec.seed && c.spec->noise > 0) {
    Node n = engine_total(path, label, value, "gpu-h", "Σₖ desired_c(k) × max(0, 1 + noise × z_k) × Δ", kAllocation,
                          {input(ctx, c.key + ".noise", "demand noise (relative sd)", c.spec->noise, "share", kAllocation)});
    n.notes.push_back("drawn: under seed " + std::to_string(*ctx.spec.seed) +
                      " each step's demand is scaled by max(0, 1 + noise × z), z ~ N(0, 1) (model.md#random-numbers-in-a-run)");
    return n;
  }
  if (c.spec->gpu_hours) {
    Node share = combine(Op::quotient, "", "share of the window inside the run", inside / (e - s), "share",
                         "|[s, e) ∩ run| ÷ (e − s)", kContracts,
                         {constant("hours of the window inside the run", inside, "h", window, kContracts),
                          window_hours(ctx, c)});
    return combine(Op::product, path, label, value, "gpu-h", "H × |[s, e) ∩ run| ÷ (e − s): spread evenly", kContracts,
                   {input(ctx, c.key + ".gpu_hours", "GPU-hours contracted H", c.spec->gpu_hours->value, "gpu-h",
                          kContracts),
                    std::move(share)});
  }
  if (c.spec->whole_pool) {
    const bool whole_run = s <= static_cast<double>(ctx.spec.time.start) && e >= static_cast<double>(ctx.spec.time.end);
    if (whole_run)
      return combine(Op::same, path, label, value, "gpu-h", "gpus: all: Σₖ available_p(k) × Δ", kContracts,
                     {ctx.explain("pools." + c.spec->pool + ".gpu_hours_available")});
    return engine_total(path, label, value, "gpu-h", "gpus: all: Σₖ available_p(k) × w_k × Δ over " + window,
                        kContracts);
  }
  if (!c.spec->gpus.is_ramp()) {
    return combine(Op::product, path, label, value, "gpu-h", "N × |[s, e) ∩ run|", kContracts,
                   {input(ctx, c.key + ".gpus", "GPUs contracted N", c.spec->gpus.constant.value_or(0.0), "GPUs",
                          kContracts),
                    constant("hours of the window inside the run", inside, "h", window, kContracts)});
  }
  return engine_total(path, label, value, "gpu-h", "Σₖ ∫ ramp over [t₀(k), t₁(k)) ∩ [s, e) (exact)", kContracts,
                      {input(ctx, c.key + ".gpus", "the ramp (GPUs at its last point)",
                             c.spec->gpus.ramp.back().count, "GPUs", kContracts)});
}

Node shortfall(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const bool reserved = c.result->kind == ContractKind::reserved;
  Node n = engine_total(contract_path(name, "shortfall_gpu_hours"),
                        reserved ? "GPU-hours committed but not delivered (shortfall)"
                                 : "GPU-hours demanded but not served (unserved)",
                        c.result->shortfall_gpu_hours, "gpu-h",
                        "Σₖ (want − got) × Δ, got = (1/Δ) ∫ min(want(t), left(t)) dt over step k, of pool " +
                            c.spec->pool,
                        kAllocation);
  n.notes.push_back("allocation order: reserved, then on-demand, then spot, each in file order; left(t) is what the "
                    "contracts before it left of the pool's available GPUs");
  if (c.result->shortfall_gpu_hours > 0) {
    n.notes.push_back("exact within each step: a step where the demand crosses what is left is split at the crossing "
                      "(model.md#allocation)");
    const bool drawn_failures = ctx.spec.seed && ctx.spec.fleet[pool_index(ctx, c.spec->pool)].afr > 0;
    if (drawn_failures || (ctx.spec.seed && c.spec->noise > 0))
      n.notes.push_back("approximation: random inputs are constant within a step (model.md#approximations-and-limits)");
  } else {
    n.notes.push_back("every step got what it asked for");
  }
  return n;
}

// What it got: contracted − shortfall.
Node delivered(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  return combine(Op::sum, "", "GPU-hours it got (Σₖ got × Δ)",
                 c.result->contracted_gpu_hours - c.result->shortfall_gpu_hours, "gpu-h", "contracted − shortfall",
                 kAllocation,
                 {ctx.explain(contract_path(name, "contracted_gpu_hours")),
                  minus(ctx.explain(contract_path(name, "shortfall_gpu_hours")))});
}

Node busy(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  return combine(Op::product, contract_path(name, "busy_gpu_hours"), "busy GPU-hours", c.result->busy_gpu_hours,
                 "gpu-h", "busy = got × a", kAllocation,
                 {delivered(ctx, name),
                  input(ctx, c.key + ".activity", "activity a (busy share)", c.spec->activity, "share", kContracts)});
}

Node billed(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "billed_gpu_hours");
  if (c.result->kind == ContractKind::reserved && !c.spec->take_or_pay) {
    Node n = combine(Op::same, path, "billed GPU-hours", c.result->billed_gpu_hours, "gpu-h",
                     "billed = busy (take_or_pay: false)", kAllocation,
                     {ctx.explain(contract_path(name, "busy_gpu_hours"))});
    return n;
  }
  Node got = delivered(ctx, name);
  return combine(Op::sum, path, "billed GPU-hours", c.result->billed_gpu_hours, "gpu-h",
                 c.result->kind == ContractKind::reserved ? "billed = got (take-or-pay): contracted − shortfall"
                                                          : "billed = got: demanded − unserved",
                 kAllocation, std::move(got.children));
}

Node revenue(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "revenue_usd");
  std::vector<Node> inputs = explained(ctx, {contract_path(name, "billed_gpu_hours"), contract_path(name, "price_usd_per_gpu_hour")});
  if (c.spec->escalation > 0 || c.spec->renewal) {
    return engine_total(path, "revenue", c.result->revenue_usd, "USD",
                        "Σₖ billed(k) × Δ × p₀ × m(k) (escalation averaged over the step), + the renewal's billed × its price",
                        kContractTerms, std::move(inputs));
  }
  if (c.spec->price_decline > 0) {
    Node n = engine_total(path, "revenue", c.result->revenue_usd, "USD",
                          "Σₖ billed(k) × Δ × p₀ × (1 − d)^((mid(k) − s) ÷ Y(k))", kContracts, std::move(inputs));
    n.notes.push_back("approximation: declining prices at the step's middle (model.md#approximations-and-limits)");
    return n;
  }
  return combine(Op::product, path, "revenue", c.result->revenue_usd, "USD", "billed GPU-hours × p₀", kAllocation,
                 std::move(inputs));
}

// The contract's value within the run: what it asked for, at its price
// (model.md "Contracts and demand").
Node value(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "value_usd");
  std::vector<Node> inputs =
      explained(ctx, {contract_path(name, "contracted_gpu_hours"), contract_path(name, "price_usd_per_gpu_hour")});
  if (c.spec->escalation > 0 || c.spec->renewal) {
    return engine_total(path, "value within the run", c.result->value_usd, "USD",
                        "Σₖ wanted(k) × Δ × p₀ × m(k), + the renewal's wanted × its price", kContractTerms,
                        std::move(inputs));
  }
  if (c.spec->price_decline > 0) {
    Node n = engine_total(path, "value within the run", c.result->value_usd, "USD",
                          "Σₖ wanted(k) × Δ × p₀ × (1 − d)^((mid(k) − s) ÷ Y(k))", kContracts, std::move(inputs));
    n.notes.push_back("approximation: declining prices at the step's middle (model.md#approximations-and-limits)");
    return n;
  }
  return combine(Op::product, path, "value within the run", c.result->value_usd, "USD",
                 "contracted GPU-hours × p₀", kContracts, std::move(inputs));
}

bool any(const ContractResult&) { return true; }
bool is_reserved(const ContractResult& c) { return c.kind == ContractKind::reserved; }
bool not_reserved(const ContractResult& c) { return c.kind != ContractKind::reserved; }

Node share_of_installed(const Context& ctx, const std::string& path, const std::string& of, const std::string& level) {
  return combine(Op::quotient, path, level + " share of installed GPU-hours", result(ctx, path), "share",
                 level + " ÷ installed GPU-hours (0 when nothing is installed)", kLadder,
                 explained(ctx, {of, "gpus.gpu_hours_installed"}));
}

Node renewed(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "renewed_gpu_hours");
  const std::string label = "GPU-hours billed in its renewal";
  if (!c.spec->renewal) {
    return not_given(path, label, c.result->renewed_gpu_hours, "gpu-h", "no renewal", kContractTerms, c.key + ".renewal");
  }
  const RenewalSpec& r = *c.spec->renewal;
  Node n = engine_total(path, label, c.result->renewed_gpu_hours, "gpu-h",
                        "Σₖ billed(k) × Δ over [e, e + term), demand × π (or × 0/1 drawn under a seed)", kContractTerms,
                        {input(ctx, c.key + ".renewal.term", "renewal term",
                               span_hours(static_cast<HourStamp>(c.result->window_end_h), r.term, ctx.spec.time.year), "h",
                               kContractTerms),
                         input(ctx, c.key + ".renewal.probability", "probability π", r.probability, "share",
                               kContractTerms)});
  n.notes.push_back(ctx.spec.seed ? "drawn once per run under the seed: renewed when u < π"
                                  : "expected: counted with its probability, like expected failures");
  return n;
}

Node prepayment(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "prepayment_usd");
  const std::string label = "prepayment P";
  if (!c.spec->prepayment) {
    return not_given(path, label, c.result->prepayment_usd, "USD", "no prepayment", kContractTerms, c.key + ".prepayment");
  }
  const PrepaymentSpec& p = *c.spec->prepayment;
  if (p.amount)
    return combine(Op::same, path, label, c.result->prepayment_usd, "USD", "P = the amount written", kContractTerms,
                   {input(ctx, c.key + ".prepayment", "prepayment", p.amount->value, "USD", kContractTerms)});
  Node v;
  if (c.spec->value) {
    v = input(ctx, c.key + ".value", "the contract's value V", c.spec->value->value, "USD", kContractTerms);
  } else {
    v = engine_total("", "the contract's value at full delivery V", *p.share > 0 ? c.result->prepayment_usd / *p.share : 0.0,
                     "USD", "p₀ × Σ_pieces H(piece) × m(piece) over [s, e)", kContractTerms,
                     explained(ctx, {contract_path(name, "price_usd_per_gpu_hour")}));
    v.source = "engine: price × contracted GPU-hours over the whole window at full delivery";
  }
  return combine(Op::product, path, label, c.result->prepayment_usd, "USD", "P = q × V", kContractTerms,
                 {input(ctx, c.key + ".prepayment", "prepaid share q", *p.share, "share", kContractTerms), std::move(v)});
}

Node termination_fee(const Context& ctx, const std::string& name) {
  const ContractRef c = contract_of(ctx, name);
  const std::string path = contract_path(name, "termination_fee_usd");
  const std::string label = "termination fee (other income)";
  if (!c.spec->terminate) {
    return not_given(path, label, c.result->termination_fee_usd, "USD", "no termination", kContractTerms,
                     c.key + ".terminate");
  }
  if (c.result->termination_fee_usd == 0.0 && c.spec->terminate->fee.value != 0.0) {
    Node n = engine_total(path, label, 0.0, "USD", "fee, in the step containing `at`", kContractTerms,
                          {input(ctx, c.key + ".terminate.at", "terminated at",
                                 static_cast<double>(c.spec->terminate->at), "h since 1970", kContractTerms)});
    n.notes.push_back("terminated outside the run: no fee in it");
    return n;
  }
  return combine(Op::same, path, label, c.result->termination_fee_usd, "USD",
                 "the fee, other income in the step containing " + format_date(c.spec->terminate->at), kContractTerms,
                 {input(ctx, c.key + ".terminate.fee", "fee", c.spec->terminate->fee.value, "USD", kContractTerms)});
}

}  // namespace

std::vector<Entry> allocation_entries() {
  std::vector<Entry> e = {
      {"contracts.*.price_usd_per_gpu_hour", price},
      {"contracts.*.contracted_gpu_hours", contracted},
      {"contracts.*.shortfall_gpu_hours", shortfall},
      {"contracts.*.busy_gpu_hours", busy},
      {"contracts.*.billed_gpu_hours", billed},
      {"contracts.*.revenue_usd", revenue},
      {"contracts.*.value_usd", value},
      {"contracts.*.renewed_gpu_hours", renewed},
      {"contracts.*.prepayment_usd", prepayment},
      {"contracts.*.termination_fee_usd", termination_fee},
      {"pools.*.gpu_hours_busy",
       [](const Context& ctx, const std::string& pool) {
         return contracts_sum(ctx, "pools." + pool + ".gpu_hours_busy", "busy_gpu_hours", "busy GPU-hours of the pool",
                              "gpu-h", "Σ over the pool's contracts of busy GPU-hours", kAllocation,
                              [&](const ContractResult& c) { return c.pool == pool; });
       }},
      {"gpus.gpu_hours_billed",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "gpus.gpu_hours_billed", "billed_gpu_hours", "billed GPU-hours", "gpu-h",
                              "Σ_c billed GPU-hours", kLadder, any);
       }},
      {"gpus.gpu_hours_busy",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "gpus.gpu_hours_busy", "busy_gpu_hours", "busy GPU-hours", "gpu-h",
                              "Σ_c busy GPU-hours", kLadder, any);
       }},
      {"gpus.gpu_hours_contracted",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "gpus.gpu_hours_contracted", "contracted_gpu_hours", "contracted GPU-hours (reserved)",
                              "gpu-h", "Σ over reserved contracts of want × Δ", kLadder, is_reserved);
       }},
      {"gpus.shortfall_gpu_hours",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "gpus.shortfall_gpu_hours", "shortfall_gpu_hours", "reserved shortfall", "gpu-h",
                              "Σ over reserved contracts of (want − got) × Δ", kAllocation, is_reserved);
       }},
      {"gpus.unserved_gpu_hours",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "gpus.unserved_gpu_hours", "shortfall_gpu_hours", "unserved on-demand and spot",
                              "gpu-h", "Σ over on-demand and spot of (want − got) × Δ", kAllocation, not_reserved);
       }},
      {"finance.revenue_usd",
       [](const Context& ctx, const std::string&) {
         return contracts_sum(ctx, "finance.revenue_usd", "revenue_usd", "revenue", "USD", "Σ_c revenue_c", kIncome, any);
       }},
  };
  const std::pair<const char*, const char*> ladder[] = {{"utilization.available", "gpus.gpu_hours_available"},
                                                        {"utilization.contracted", "gpus.gpu_hours_contracted"},
                                                        {"utilization.billed", "gpus.gpu_hours_billed"},
                                                        {"utilization.busy", "gpus.gpu_hours_busy"}};
  for (const auto& [path, of] : ladder) {
    const std::string p = path, o = of;
    e.push_back({p, [p, o](const Context& ctx, const std::string&) {
                   return share_of_installed(ctx, p, o, o.substr(o.rfind('_') + 1));
                 }});
  }
  const std::pair<const char*, const char*> customer_sums[] = {{"gpu_hours", "billed_gpu_hours"},
                                                               {"revenue_usd", "revenue_usd"}};
  for (const auto& [key, of] : customer_sums) {
    const std::string k = key, o = of;
    e.push_back({"customers.*." + k, [k, o](const Context& ctx, const std::string& customer) {
                   return contracts_sum(ctx, "customers." + customer + "." + k, o.c_str(),
                                        k == "gpu_hours" ? "the customer's billed GPU-hours" : "the customer's revenue",
                                        k == "gpu_hours" ? "gpu-h" : "USD", "Σ over the customer's contracts",
                                        kAllocation, [&](const ContractResult& c) { return c.customer == customer; });
                 }});
  }
  e.push_back({"customers.*.revenue_share", [](const Context& ctx, const std::string& customer) {
                 const std::string path = "customers." + customer + ".revenue_share";
                 return combine(Op::quotient, path, "the customer's share of revenue", result(ctx, path), "share",
                                "customer revenue ÷ total revenue (0 without revenue)", kAllocation,
                                explained(ctx, {"customers." + customer + ".revenue_usd", "finance.revenue_usd"}));
               }});
  return e;
}

}  // namespace gpusim::explain
