// The prefill attention kernels (kernels/pasa/) end to end through the built binary on
// configs/runs/fa_prefill.yaml with small overrides (2 query heads over 1 KV head, 300 tokens:
// 3 blocks of 128 with a partial last one; well under a second each), each run its own process.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using ascendsim::testing::run_cli;
using Json = nlohmann::json;

const std::string kOut = "/tmp/ascendsim_cli_pasa/";
const std::string kSmall =
    " --set kernel.q_heads=2 --set kernel.kv_heads=1 --set kernel.s_q=300 --set kernel.s_kv=300"
    " --set kernel.cores=2";
const std::string kNormal =
    " --set 'kernel.q={kind: normal, mean: 0, std: 1}' --set 'kernel.k={kind: normal, mean: 0, "
    "std: 1}' --set 'kernel.v={kind: normal, mean: 0, std: 1}'";

// `exit_code`: 0, or 1 for a run whose numerical check fails (the report is still written).
Json run(const std::string& name, const std::string& sets, int exit_code = 0) {
  return ascendsim::testing::run_report("configs/runs/fa_prefill.yaml", kOut + name, sets,
                                        exit_code);
}

}  // namespace

TEST_CASE(
    "fa_mixed, fa_fp16 and pasa match fp64 softmax attention on unbiased inputs, causal or not",
    "[pasa]") {
  for (const char* kernel : {"fa_mixed", "fa_fp16", "pasa"})
    for (const char* causal : {"false", "true"}) {
      const Json r =
          run(std::string(kernel) + "_" + causal,
              kSmall + kNormal + " --set kernel.name=" + kernel + " --set kernel.causal=" + causal);
      INFO(kernel << " causal " << causal);
      CHECK(r["check"]["passed"] == true);
      CHECK(r["check"]["nonfinite_outputs"] == 0);
      // N(0, 1) inputs, d 128: scores of a few units; the fp16 P and output roundings leave
      // RMSE / RMS(V) near 2^-11 / sqrt(keys) and far below 2^-11.
      CHECK(r["check"]["rmse_over_rms_v"].get<double>() < std::ldexp(1.0, -11));
    }
}

TEST_CASE(
    "on biased inputs fa_fp16 overflows at the FixPipe cast of the scores and fa_mixed does not",
    "[pasa]") {
  // U(29.5, 30.5) with d 128: q . k near 128 x 900 = 115,200 > 65,504 (PASA.md §2).
  const Json fp16 = run("biased_fp16", kSmall + " --set kernel.name=fa_fp16", 1);
  CHECK(fp16["check"]["passed"] == false);
  CHECK(fp16["check"]["nonfinite_outputs"].get<double>() > 0);
  CHECK(fp16["numeric_events"]["total"]["overflow"].get<double>() > 0);
  CHECK(fp16["numeric_events"]["first"]["what"] == "overflow in fixpipe (fp16)");
  // The overflow is located: S's GM workspace, the first task's first KV block (every score of
  // every block overflows; task 0 runs on the first AIC, whose first fixpipe writes S).
  const Json& first = fp16["numeric_events"]["first_overflow"];
  CHECK(first["what"] == "overflow in fixpipe (fp16)");
  CHECK(first["region"].get<std::string>().find("KV block 0") != std::string::npos);
  CHECK(fp16["numeric_events"]["by_tensor"]["ws_s"]["overflow"] ==
        fp16["numeric_events"]["total"]["overflow"]);
  // Non-finite outputs leave no error figure that could read as small.
  CHECK(fp16["check"]["rmse_over_rms_v"].is_null());
  CHECK(fp16["check"]["rmse"].is_null());
  const Json mixed = run("biased_mixed", kSmall);
  CHECK(mixed["check"]["passed"] == true);
  CHECK(mixed["numeric_events"]["total"]["overflow"] == 0);
  // Scaled scores near 115,200 / sqrt(128) = 10,182 (max_score), beside fp32's range: fine.
  CHECK(mixed["check"]["max_score"].get<double>() > 9000);
  // fp32 scores keep the bound below V's spread (1): the check still gates each output (a run
  // that skips half the KV blocks, rmse 0.26, fails it).
  CHECK(mixed["check"]["bound_exceeds_v_spread"] == false);
  CHECK(mixed["check"]["error_bound"].get<double>() < 0.5);
}

TEST_CASE("pasa on the same biased inputs keeps its shifted scores in fp16 range: finite outputs",
          "[pasa]") {
  // S~ = S - beta rowmean(S): about (1 - 0.9375) x 10,182 = 636 per score (PASA.md §3.2).
  for (const char* stats : {"fp16", "fp32"}) {
    const Json r = run(std::string("biased_pasa_") + stats,
                       kSmall + " --set kernel.name=pasa --set kernel.stats=" + stats);
    INFO("stats " << stats);
    CHECK(r["check"]["passed"] == true);
    CHECK(r["check"]["nonfinite_outputs"] == 0);
    CHECK(r["numeric_events"]["total"]["overflow"] == 0);
    CHECK(r["numeric_events"]["total"]["nan"] == 0);
    CHECK(r["numeric_events"]["by_tensor"]["ws_s"]["overflow"] == 0);  // listed: S was written
    CHECK(r["numeric_events"]["first_overflow"].is_null());
    // On these inputs the fp16 format bound exceeds V's spread: the check says so and tests
    // the outputs' finiteness and V's range only.
    CHECK(r["check"]["bound_exceeds_v_spread"] == true);
    CHECK(r["check"]["outside_v_range"] == 0);
    // PASA.md §8: PASA with fp16 state is far less accurate than fa_mixed on biased inputs (the
    // gamma-amplified rounding of the row mean; fa_mixed: 1.7e-4 here).
    CHECK(r["check"]["rmse_over_rms_v"].get<double>() > 4e-4);
  }
}

TEST_CASE("pasa's fp16 O accumulator overflows on flat attention over biased V, fp32 fixes it",
          "[pasa]") {
  // configs/runs/pasa_o_overflow.yaml: O ~ 4096 keys x 30 = 122,880 > 65,504 (PASA.md §10).
  const auto fp16 = run_cli("run configs/runs/pasa_o_overflow.yaml --out " + kOut + "o_fp16");
  INFO(fp16.output);
  CHECK(fp16.exit_code == 1);  // the check fails
  std::ifstream f16(kOut + "o_fp16/report.json");
  const Json r16 = Json::parse(f16);
  CHECK(r16["check"]["nonfinite_outputs"] == 128 * 128);
  CHECK(r16["numeric_events"]["by_instruction"]["v.vadd"]["overflow"].get<double>() > 0);
  const auto fp32 = run_cli(
      "run configs/runs/pasa_o_overflow.yaml --set kernel.o_accum=fp32 --out " + kOut + "o_fp32");
  INFO(fp32.output);
  CHECK(fp32.exit_code == 0);
  std::ifstream f32(kOut + "o_fp32/report.json");
  const Json r32 = Json::parse(f32);
  CHECK(r32["check"]["passed"] == true);
  CHECK(r32["numeric_events"]["total"]["overflow"] == 0);
}

TEST_CASE("uniform inputs may be given as mean and amplitude, PASA's grid form", "[pasa]") {
  // fa_prefill.yaml writes U(29.5, 30.5) as {mean: 30, amplitude: 0.5}: lo / hi give the same run.
  const std::string lohi =
      " --set 'kernel.q={kind: uniform, lo: 29.5, hi: 30.5}'"
      " --set 'kernel.k={kind: uniform, lo: 29.5, hi: 30.5}'"
      " --set 'kernel.v={kind: uniform, lo: 29.5, hi: 30.5}'";
  const Json a = run("uniform_mean_am", kSmall), b = run("uniform_lo_hi", kSmall + lohi);
  CHECK(a["check"]["rmse"] == b["check"]["rmse"]);
  CHECK(a["check"]["max_score"] == b["check"]["max_score"]);
  const auto both = run_cli("run configs/runs/fa_prefill.yaml --timing-only --out " + kOut +
                            "uniform_both --set kernel.q.lo=29");
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.output, Catch::Matchers::Contains(
                              "kernel.q: a uniform input takes lo and hi, or mean and amplitude"));
  const auto zero = run_cli("run configs/runs/fa_prefill.yaml --timing-only --out " + kOut +
                            "uniform_zero --set kernel.k.amplitude=0");
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.output,
             Catch::Matchers::Contains("kernel.k.amplitude: expected an amplitude > 0"));
}

TEST_CASE("the Preload order gives the serial order's outputs bit for bit, even with slow "
          "cross-core flags",
          "[pasa]") {
  // Causal 32-row tiles make tasks of 1 to 10 KV blocks; a 3000-cycle flag latency lets the
  // AIVs' next P land while the AIC still reads the last one unless each has its own slot.
  const std::string tiles =
      kSmall + kNormal +
      " --set kernel.causal=true --set kernel.block_rows=32 --set kernel.block_cols=32"
      " --set chip.sync.cross_core_latency_cycles=3000";
  for (const char* kernel : {"fa_mixed", "pasa"}) {
    const Json serial = run(std::string("slow_serial_") + kernel,
                            tiles + " --set kernel.pipeline=serial --set kernel.name=" + kernel);
    const Json preload = run(std::string("slow_preload_") + kernel,
                             tiles + " --set kernel.pipeline=preload --set kernel.name=" + kernel);
    INFO(kernel);
    CHECK(preload["check"]["passed"] == true);
    CHECK(preload["check"]["rmse"] == serial["check"]["rmse"]);
    CHECK(preload["check"]["max_abs_error"] == serial["check"]["max_abs_error"]);
    CHECK(preload["cycles"].get<double>() < serial["cycles"].get<double>());
  }
}
