#!/usr/bin/env bash
# Builds the simulator-speed benchmarks (Release) and runs them; see bench/README.md.
#
#   scripts/bench.sh              # full set (a minute and a half on an idle 2-core machine)
#   scripts/bench.sh --quick      # smaller shapes, fewer repetitions
#   scripts/bench.sh --reps 5     # repetitions of each timing-only and GEMM run (best is kept)
#
# Environment: BUILD_DIR (default build, as scripts/build.sh). Every JSON line the benches print
# is also appended to $BUILD_DIR/bench/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=3
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --reps) reps="$2"; shift ;;
    *) echo "usage: scripts/bench.sh [--quick] [--reps N]" >&2; exit 2 ;;
  esac
  shift
done

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target bench_sim_speed bench_functional_gemm
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
bin="$build/bench"
results="$bin/results.jsonl"

if [[ $quick == 1 ]]; then
  timing=(--m 2048 --n 2048 --k 2048)
  functional=(--m 512 --n 512 --k 512)
  mmad=(--samples 3 --min-time 0.05)
  amla_batch=8
else
  timing=(--m 4096 --n 4096 --k 4096)
  functional=(--m 1024 --n 1024 --k 1024)
  mmad=()
  amla_batch=96
fi
# The AMLA decode of configs/runs/amla_decode.yaml (DeepSeek V3 shapes) with a 4096-token KV
# cache instead of 32768, so that the functional run fits in about 35 s and 1.3 GB.
amla=(--hw configs/hw/ascend910c.yaml
  --kernel "{name: amla, batch: $amla_batch, heads: 128, s_q: 2, s_kv: 4096, dtype: bf16}")

# A numeric field of a one-line JSON object (its last occurrence, so bench_sim_speed writes the
# kernel's parameters before its top-level figures).
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }

# Runs bench_sim_speed $1 times (one design per process) with the remaining arguments and keeps
# the run with the most instructions/s; its ratio was measured in that same process.
best_sim_run() {
  local runs=$1 best="" best_ips=0 line ips
  shift
  for ((r = 1; r <= runs; ++r)); do
    line=$("$bin/bench_sim_speed" "$@" | tail -n 1)
    echo "$line" >>"$results"
    ips=$(field "$line" instructions_per_s)
    if [[ $(field "$line" functional) == true ]]; then
      printf '  run %d: %.2f GFLOP/s simulated, Eigen fp32 %.2f GFLOP/s, check passed: %s\n' \
        "$r" "$(field "$line" sim_gflops)" "$(field "$line" eigen_fp32_gflops)" \
        "$(field "$line" check_passed)" >&2
    else
      printf '  run %d: %.3e instructions/s, %.2f bare wake-ups per instruction\n' "$r" "$ips" \
        "$(field "$line" bare_wakeups_per_instruction)" >&2
    fi
    if awk -v a="$ips" -v b="$best_ips" 'BEGIN { exit !(a > b) }'; then
      best=$line
      best_ips=$ips
    fi
  done
  echo "$best"
}

echo "== whole chip, timing-only: ${timing[*]} bf16, best of $reps runs" >&2
sim=$(best_sim_run "$reps" "${timing[@]}")
echo "== whole chip, functional: ${functional[*]} bf16, best of $reps runs" >&2
fun=$(best_sim_run "$reps" "${functional[@]}" --functional)
echo "== AMLA decode, timing-only: ${amla[*]}, best of $reps runs" >&2
amla_sim=$(best_sim_run "$reps" "${amla[@]}")
echo "== AMLA decode, functional: ${amla[*]}, one run" >&2
amla_fun=$(best_sim_run 1 "${amla[@]}" --functional)
echo "== functional mmad vs Eigen fp32" >&2
out=$("$bin/bench_functional_gemm" "${mmad[@]}")
sed '$d' <<<"$out" >&2
mm=$(tail -n 1 <<<"$out")
echo "$mm" >>"$results"

# The figures table of bench/README.md.
echo
echo "| figure | value |"
echo "|---|---|"
printf '| timing-only %sx%sx%s bf16, 24 AICs: instructions | %s |\n' "$(field "$sim" m)" \
  "$(field "$sim" n)" "$(field "$sim" k)" "$(field "$sim" instructions)"
printf '| simulated instructions/s | %.3e |\n' "$(field "$sim" instructions_per_s)"
printf '| bare SystemC wake-ups/s (same process) | %.3e |\n' "$(field "$sim" bare_wakeups_per_s)"
printf '| ratio instructions/s ÷ wake-ups/s | %.3f |\n' \
  "$(field "$sim" ratio_instr_per_s_over_wakeups_per_s)"
printf '| cost of one instruction, in bare wake-ups | %.1f |\n' \
  "$(field "$sim" bare_wakeups_per_instruction)"
printf '| simulated time ÷ wall time | %.2e |\n' "$(field "$sim" simulated_over_wall)"
printf '| wall: build / elaborate / simulate | %.2f / %.2f / %.2f s |\n' \
  "$(field "$sim" build_s)" "$(field "$sim" elaborate_s)" "$(field "$sim" sim_wall_s)"
printf '| peak RSS | %.0f MiB |\n' "$(field "$sim" peak_rss_mib)"
printf '| functional %sx%sx%s bf16 GEMM: simulator GFLOP/s | %.2f |\n' "$(field "$fun" m)" \
  "$(field "$fun" n)" "$(field "$fun" k)" "$(field "$fun" sim_gflops)"
printf '| plain Eigen fp32 GEMM GFLOP/s (same shape) | %.2f |\n' "$(field "$fun" eigen_fp32_gflops)"
printf '| ratio simulator ÷ Eigen | %.3f |\n' "$(field "$fun" ratio_sim_over_eigen)"
amla_name=$(printf 'AMLA decode B=%s s_q=%s s_kv=%s bf16 on %s' "$(field "$amla_sim" batch)" \
  "$(field "$amla_sim" s_q)" "$(field "$amla_sim" s_kv)" \
  "$(sed -n 's/.*"hw":"\([^"]*\)".*/\1/p' <<<"$amla_sim")")
printf '| %s, %s cores, timing-only: instructions | %s |\n' "$amla_name" \
  "$(field "$amla_sim" cores)" "$(field "$amla_sim" instructions)"
printf '| simulated instructions/s | %.3e |\n' "$(field "$amla_sim" instructions_per_s)"
printf '| cost of one instruction, in bare wake-ups | %.1f |\n' \
  "$(field "$amla_sim" bare_wakeups_per_instruction)"
printf '| simulated time ÷ wall time | %.2e |\n' "$(field "$amla_sim" simulated_over_wall)"
printf '| wall: build / elaborate / simulate | %.2f / %.2f / %.2f s |\n' \
  "$(field "$amla_sim" build_s)" "$(field "$amla_sim" elaborate_s)" \
  "$(field "$amla_sim" sim_wall_s)"
printf '| peak RSS | %.0f MiB |\n' "$(field "$amla_sim" peak_rss_mib)"
printf '| %s, functional: wall build / simulate / check | %.2f / %.2f / %.2f s |\n' \
  "$amla_name" "$(field "$amla_fun" build_s)" "$(field "$amla_fun" sim_wall_s)" \
  "$(field "$amla_fun" check_s)"
printf '| simulator GFLOP/s (cube FLOPs) vs Eigen fp32 %sx%sx%s | %.2f vs %.2f |\n' \
  "$(field "$amla_fun" m)" "$(field "$amla_fun" n)" "$(field "$amla_fun" k)" \
  "$(field "$amla_fun" sim_gflops)" "$(field "$amla_fun" eigen_fp32_gflops)"
printf '| ratio simulator ÷ Eigen | %.3f |\n' "$(field "$amla_fun" ratio_sim_over_eigen)"
printf '| check passed (max rel error) | %s (%.2e) |\n' "$(field "$amla_fun" check_passed)" \
  "$(field "$amla_fun" check_max_rel_error)"
printf '| peak RSS | %.0f MiB |\n' "$(field "$amla_fun" peak_rss_mib)"
# One row per mmad case: split the cases array on object boundaries.
sed 's/.*"cases":\[//; s/\]}$//; s/},{/}\n{/g' <<<"$mm" | while read -r c; do
  printf '| mmad %s %sx%sx%s: GFLOP/s vs Eigen fp32 | %.2f vs %.2f (ratio %.3f) |\n' \
    "$(sed -n 's/.*"dtype":"\([^"]*\)".*/\1/p' <<<"$c")" "$(field "$c" m)" "$(field "$c" n)" \
    "$(field "$c" k)" "$(field "$c" mmad_gflops)" "$(field "$c" eigen_fp32_gflops)" \
    "$(field "$c" ratio)"
done
