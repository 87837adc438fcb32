// dequant_gemm and msd_gemm (kernels/msd/linear_*.hpp, kernels/dequant) run end to end through
// the built binary on configs/runs/msd_gemm.yaml with overrides, each run its own process:
// the fp64 checks, MSD's error against dequant's on the same inputs, the exactness of the int8
// mmads, and the decode-shaped stall. Small shapes are functional (well under a second each);
// the decode shape of the run file is timing-only (about 2 s).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "cli_runner.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/npy.hpp"

namespace {

using ascendsim::testing::run_cli;
using Json = nlohmann::json;
namespace fs = std::filesystem;

const std::string kOut = "/tmp/ascendsim_cli_msd_gemm/";
// 8 tokens x 1024 -> 512 on 4 AICs: 4 output tiles, 4 K chunks; two row halves per AIV pair.
const std::string kSmall =
    " --set kernel.tokens=8 --set kernel.n=1024 --set kernel.m=512 --set kernel.cores=4";

Json run(const std::string& name, const std::string& sets) {
  const auto r = run_cli("run configs/runs/msd_gemm.yaml --out " + kOut + name + sets);
  INFO(name << ":\n" << r.output);
  REQUIRE(r.exit_code == 0);
  std::ifstream f(kOut + name + "/report.json");
  REQUIRE(f.good());
  return Json::parse(f);
}

double l2(const Json& report) { return report["check"]["l2_rel_error"].get<double>(); }

}  // namespace

TEST_CASE(
    "dequant_gemm and msd_gemm with W8A16 per channel pass the fp64 check and MSD's L2 "
    "error is far below dequant's on the same inputs",
    "[msd]") {
  const Json dq = run("dq_w8", kSmall + " --set kernel.name=dequant_gemm");
  const Json msd = run("msd_w8", kSmall);
  CHECK(dq["check"]["passed"] == true);
  CHECK(msd["check"]["passed"] == true);
  // Dequant rounds every s_W * W to bf16 (relative error up to 2^-9, about 2^-9 / sqrt(3) RMS):
  // its output error is near 1e-3. MSD's two int8 pieces leave |x - x_hat| <= M / 64516
  // (Theorem 5.1), about 2^-15 of an element's size for normal x: a hundredfold smaller.
  // 10x leaves room for the inputs' draw.
  CHECK(l2(dq) > 2e-4);
  CHECK(l2(msd) * 10 < l2(dq));
  // Theorem 5.1's bound beta / 2 holds on the pieces the AIVs wrote to GM up to the fp32
  // arithmetic of the Vector's split: t = x fl(127 fl(1/M)) and alpha = fl(M fl(1/127)) are off
  // x / alpha by at most 6u relative (u = 2^-24) and (t - q1) 254 by u, so |x - x_hat| <=
  // beta / 2 + alpha (127 * 6u + u / 2): a ratio <= 1 + 508 * 762.5 u = 1.0231. The split
  // keeps about 15 effective bits on N(0, 1) rows (log2(127 * 254 * sqrt(12) / M), M ~ 3.3).
  const double ratio = msd["check"]["activation_bound_ratio"].get<double>();
  CHECK(ratio <= 1.0 + 508.0 * 762.5 * std::ldexp(1.0, -24));
  CHECK(msd["check"]["activation_effective_bits"].get<double>() > 14.5);
}

TEST_CASE("dequant_gemm and msd_gemm with int4 weights and groups pass the fp64 check", "[msd]") {
  // group 128: 2 groups per K chunk (dequant: two row multiplies; MSD: two FixPipe partials).
  CHECK(run("dq_w4_g128", kSmall + " --set kernel.name=dequant_gemm --set kernel.weight=int4"
                                   " --set kernel.group=128")["check"]["passed"] == true);
  CHECK(run("msd_w4_g128",
            kSmall + " --set kernel.weight=int4 --set kernel.group=128")["check"]["passed"] ==
        true);
  // group 32: 8 scale rows per chunk on the Vector.
  CHECK(run("dq_w4_g32", kSmall + " --set kernel.name=dequant_gemm --set kernel.weight=int4"
                                  " --set kernel.group=32")["check"]["passed"] == true);
  // int8 with groups of 32: one 32-deep mmad and FixPipe partial per group; three pieces.
  const Json msd = run("msd_w8_g32_k3", kSmall + " --set kernel.group=32 --set kernel.passes=3");
  CHECK(msd["check"]["passed"] == true);
}

TEST_CASE(
    "msd_gemm's int8 mmads are exact: on integer activations the split is exact and y "
    "carries only fp32 rounding",
    "[msd]") {
  // Rows of integers in [-127, 127], each holding a 127: alpha = 1, q1 = x, q2 = 0.
  const std::uint64_t tokens = 8, n = 1024;
  std::vector<std::uint8_t> bytes(
      ascendsim::numeric::dtype_bytes(ascendsim::numeric::DType::bf16, tokens * n));
  std::mt19937_64 gen(5);
  for (std::uint64_t i = 0; i < tokens * n; ++i) {
    const double v = i % n == 7 ? 127.0 : double(std::int64_t(gen() % 255) - 127);
    ascendsim::numeric::store_element(ascendsim::numeric::DType::bf16, bytes.data(), i, v);
  }
  fs::create_directories(kOut);
  const std::string npy = kOut + "integer_x.npy";
  ascendsim::trace::write_npy(
      npy, ascendsim::trace::tensor_to_npy(ascendsim::numeric::DType::bf16, {tokens, n}, bytes));
  const Json msd = run("msd_exact", kSmall + " --set 'kernel.x={kind: npy, path: " + npy + "}'");
  CHECK(msd["check"]["passed"] == true);
  // y = alpha * fl(s_W * y1) with y1 the exact int32 sum: three fp32 roundings (FixPipe's
  // product, alpha = fl(127 fl(1 / 127)), the final product), each <= 2^-24 relative; an
  // inexact accumulation (fp16, or fp32 past 2^24) would show errors orders larger.
  CHECK(l2(msd) < std::ldexp(1.0, -21));
}

TEST_CASE(
    "in the decode shape of msd_gemm.yaml dequant's Cube waits on its Vector most of the "
    "run while MSD removes the wait and is faster",
    "[msd]") {
  const Json dq = run("dq_decode", " --timing-only --set kernel.name=dequant_gemm");
  const Json msd = run("msd_decode", " --timing-only");
  // The AIVs convert about 10.7 weights per cycle each (cast, multiply, cast: 3 x 2 cycles per
  // 64 fp32), 21 per AIC, below the 32 int8 weights per cycle of an AIC's HBM port: the AIC
  // idles on the hand-off flags. MSD's AIVs only split 8 token rows and recombine.
  CHECK(dq["sync"]["aic_cross_core_wait_share"].get<double>() > 0.5);
  CHECK(msd["sync"]["aic_cross_core_wait_share"].get<double>() < 0.2);
  CHECK(dq["vector_utilization"].get<double>() > 0.8);
  CHECK(msd["cycles"].get<double>() < dq["cycles"].get<double>());
  // Table 8 (per-channel W8A16): dequant 3mn + ..., MSD mn + 4bn + 2bm: the model's traffic
  // ratio is near 3 (MSD.md §9.1) and each report carries its figure.
  const double ratio =
      dq["model"]["hbm_bytes"].get<double>() / msd["model"]["hbm_bytes"].get<double>();
  CHECK(ratio == Approx(3.0).epsilon(0.01));
}

TEST_CASE("a timing-only msd_gemm run takes the cycles of the functional one", "[msd]") {
  const Json f = run("msd_functional", kSmall);
  const Json t = run("msd_timing", kSmall + " --timing-only");
  CHECK(f["cycles"] == t["cycles"]);
}

TEST_CASE("msd_gemm and dequant_gemm with full 128-row blocks pass and leave no unbalanced sync",
          "[msd]") {
  // 200 tokens: MSD blocks of 64 tokens (128 stacked rows: the cube's largest mmad here) and a
  // partial last block; dequant blocks of 128. m = 384 gives 3 tiles to 5 AICs: two AICs have
  // none and still take part in the split barrier.
  const std::string shape =
      " --set kernel.tokens=200 --set kernel.n=768 --set kernel.m=384"
      " --set kernel.cores=5";
  for (const char* name : {"msd_gemm", "dequant_gemm"}) {
    const Json r = run(std::string("blocks_") + name, shape + " --set kernel.name=" + name);
    CHECK(r["check"]["passed"] == true);
    for (const auto& note : r["notes"])
      CHECK_THAT(note.get<std::string>(), !Catch::Contains("unbalanced sync"));
  }
}

TEST_CASE(
    "dequant_gemm hands K chunks over in groups: n = 5120 at 256 tokens stays within the "
    "16 sets of a cross-core counter",
    "[msd]") {
  // 20 chunks of 256 per tile: one flag per 3 chunks (7 sets a tile, two tiles in flight).
  const Json r = run("dq_wide",
                     " --timing-only --set kernel.name=dequant_gemm"
                     " --set kernel.n=5120 --set kernel.m=5120 --set kernel.tokens=256");
  CHECK(r["cycles"].get<double>() > 0);
}

TEST_CASE("msd_gemm on activations near fp32's smallest normals keeps its accuracy", "[msd]") {
  // M ~ 4e-33: first / M is still a finite fp32, so the split scales as for N(0, 1).
  const Json r = run("msd_tiny", kSmall + " --set 'kernel.x={kind: normal, mean: 0, std: 1e-33}'");
  CHECK(r["check"]["passed"] == true);
  CHECK(l2(r) < 1e-4);  // as the N(0, 1) run of the first case: the split's ~2^-15
}
