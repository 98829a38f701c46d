#!/usr/bin/env bash
# The teacher's answer generator (docs/teaching/teacher.md): a variant of one
# exercise for one student, and its answers, computed by gpusim.
#
#   bash scripts/teaching-variant.sh EXERCISE STUDENT [PATH=VALUE ...]
#
# EXERCISE is 1 to 12; STUDENT a whole number from 0 to 99 (0 gives the
# numbers printed on the exercise's page; each other number changes one input,
# so no two students of a class of up to 100 get the same numbers). Extra
# PATH=VALUE arguments are passed on as --set (e.g. fleet.gpus.life=3y for the
# what-ifs). Prints the student's command, each answer (path = value, in the
# summary's units: fractions for shares) and the working of the first answer
# (`gpusim explain … --depth 2`). Uses $GPUSIM, else build/sim/gpusim; run it
# from the repository root. Exit status 2 on bad arguments or a failed run.
set -euo pipefail

usage() {
  echo "usage: bash scripts/teaching-variant.sh EXERCISE(1-12) STUDENT(0-99) [PATH=VALUE ...]" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
exercise=$1
student=$2
shift 2
[[ $exercise =~ ^([1-9]|1[0-2])$ ]] || usage
[[ $student =~ ^[0-9]{1,2}$ ]] || usage
gpusim=${GPUSIM:-build/sim/gpusim}
[[ -x $gpusim ]] || { echo "teaching-variant: no gpusim at $gpusim (build it, or set GPUSIM)" >&2; exit 2; }

# value = base + step × student, printed plainly (awk: no locale, no exponent).
vary() { awk -v b="$1" -v s="$2" -v k="$student" 'BEGIN { printf "%.10g", b + s * k }'; }

k=$student
sets=()   # the inputs a student's number changes
fixed=()  # inputs every variant of the exercise needs
case $exercise in
  1) file=exercise-1-utilization-ladder.yaml
     sets=("fleet.gpus.count=$(vary 100 1)")
     answers=(utilization.billed utilization.available utilization.contracted utilization.busy finance.revenue_usd energy.it_kwh) ;;
  2) file=exercise-2-power-and-energy.yaml
     sets=("fleet.h100.count=$(vary 1000 10)")
     answers=(energy.cost_usd power.it_avg_mw power.facility_avg_mw energy.it_kwh energy.facility_kwh) ;;
  3) file=exercise-3-twenty-two-percent.yaml
     sets=("contracts.BigCo.gpu_hours=$(vary 1200000 10000) gpu-h")
     # the page's goal-seek, as a solve: block
     fixed=(solve.vary=contracts.Others.gpus solve.target=customers.BigCo.revenue_share solve.equals=62%)
     answers=(utilization.billed solve.value customers.BigCo.revenue_share gpus.gpu_hours_billed) ;;
  4) file=exercise-4-cohort-economics.yaml
     sets=("contracts.renters.price=$(vary 2.00 0.01) USD/gpu-h")
     answers=(finance.npv_usd finance.revenue_usd finance.operating_income_usd finance.irr finance.payback_years) ;;
  5) file=exercise-5-reading-a-deal.yaml
     sets=("fleet.lease.count=$(vary 10000 100)")
     answers=(contracts.Nvidia.price_usd_per_gpu_hour contracts.Nvidia.billed_gpu_hours finance.energy_cost_usd finance.operating_income_usd) ;;
  6) file=exercise-6-two-leases.yaml
     sets=("contracts.C2.value=$(vary 200 1)M USD")
     answers=(solve.value contracts.C1.price_usd_per_gpu_hour contracts.C2.price_usd_per_gpu_hour contracts.C2.billed_gpu_hours) ;;
  7) file=exercise-7-useful-life.yaml
     sets=("fleet.gpus.capex=$(vary 40000 100) USD")
     answers=(finance.net_income_usd finance.depreciation_usd finance.tax_usd finance.cash_flow_usd finance.npv_usd) ;;
  8) file=exercise-8-concentration.yaml
     sets=("contracts.Big.price=$(vary 2.50 0.01) USD/gpu-h" "contracts.Others.price=$(vary 2.50 0.01) USD/gpu-h")
     # the page's goal-seek: the earliest exit the 20M USD buffer survives
     fixed=(solve.vary=contracts.Big.term solve.target=finance.min_cumulative_cash_usd solve.equals=-20M
            solve.low=0.25y solve.high=2y)
     answers=(solve.value finance.cash_flow_usd customers.Big.revenue_share finance.revenue_usd) ;;
  9) file=exercise-9-fragile-arithmetic.yaml
     sets=("sites.campus.pue=$(vary 1.08 0.002)")
     answers=(contracts.Meta.price_usd_per_gpu_hour pools.instinct.fitted_count finance.capex_usd) ;;
  10) file=exercise-10-energy-bill.yaml
     sets=("sites.campus.electricity=$(vary 0.06 0.0005) USD/kWh")
     answers=(energy.cost_usd energy.facility_kwh energy.cooling_and_losses_kwh) ;;
  11) file=exercise-11-prepayment.yaml
     sets=("contracts.Microsoft.prepayment=$(vary 20 0.5)%")
     answers=(finance.min_cumulative_cash_usd finance.prepayments_usd finance.payback_years finance.npv_usd
              finance.net_income_usd) ;;
  12) file=exercise-12-carbon.yaml
     sets=("sites.campus.carbon=$(vary 0.366 0.002) kg/kWh")
     answers=(energy.co2_tonnes energy.co2_kg_per_gpu_hour energy.cost_usd energy.ppa_kwh) ;;
esac
[[ $k -eq 0 ]] && sets=()
sets=(${fixed[@]+"${fixed[@]}"} ${sets[@]+"${sets[@]}"})
for extra in "$@"; do
  [[ $extra == *=* ]] || usage
  sets+=("$extra")
done

scenario=scenarios/teaching/$file
args=()
shown=""
for s in ${sets[@]+"${sets[@]}"}; do
  args+=(--set "$s")
  shown+=" --set '$s'"
done

echo "Exercise $exercise, student $student"
echo "  gpusim run $scenario$shown --format json"
echo
echo "Answers"
for path in "${answers[@]}"; do
  json=$("$gpusim" explain "$scenario" "$path" ${args[@]+"${args[@]}"} --format json --depth 0) || exit 2
  value=$(printf '%s\n' "$json" | sed -n 's/^  "value": \(.*\),$/\1/p')
  echo "  $path = $value"
done
echo
echo "Working: gpusim explain $scenario ${answers[0]}$shown --depth 2"
"$gpusim" explain "$scenario" "${answers[0]}" ${args[@]+"${args[@]}"} --depth 2 || exit 2
