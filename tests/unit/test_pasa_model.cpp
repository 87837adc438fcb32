// The prefill attention kernels' closed-form cost (pasa_model.hpp): the shift GEMM's share of
// the Cube work (PASA.md §4), fp16 tile passes against fp32, the bound each variant gets.
#include <catch2/catch.hpp>

#include "kernels/pasa/pasa_model.hpp"
#include "sim/config/config_node.hpp"
#include "sim/config/load_hardware.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;

const config::HardwareConfig& hw() {
  static const config::HardwareConfig h = config::load_hardware_file(
      std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend910b2.yaml");
  return h;
}

PasaPlan plan_of(const std::string& kernel, PasaVariant v) {
  const auto root = config::ConfigNode::from_string("kernel: " + kernel + "\n", "run.yaml");
  return plan_pasa(read_pasa_params(root.child("kernel"), v), hw());
}

}  // namespace

TEST_CASE("pasa's shift GEMM adds n / (2N) to the Cube work when computed once per KV block",
          "[pasa]") {
  // One head, N = 8192: shift 2 n^2 d per KV block x N / n blocks = 2 n N d beside 4 N^2 d for
  // QK^T and PV, a share of n / (2N + n) = 128 / 16512 (PASA.md §4: n / (2N) = 0.78 %).
  const PasaPlan plan =
      plan_of("{name: pasa, q_heads: 1, kv_heads: 1, s_q: 8192}", PasaVariant::pasa);
  const PasaCost c = pasa_cost(plan, hw());
  CHECK(c.shift_flops / c.cube_flops == Approx(128.0 / 16512.0).epsilon(1e-12));
  // With 7 query heads per KV head the shift is shared: a seventh of that.
  const PasaCost g = pasa_cost(
      plan_of("{name: pasa, q_heads: 28, kv_heads: 4, s_q: 8192}", PasaVariant::pasa), hw());
  CHECK(g.shift_flops / (g.cube_flops - g.shift_flops) ==
        Approx(128.0 / 16384.0 / 7).epsilon(1e-12));
  CHECK(pasa_cost(plan_of("{name: fa_mixed, kv_heads: 4, s_q: 8192}", PasaVariant::fa_mixed), hw())
            .shift_flops == 0);
}

TEST_CASE("fp16 score tiles take under half the Vector time of fa_mixed's fp32 tiles", "[pasa]") {
  // A 256-byte repeat holds 128 fp16 or 64 fp32 elements: half the repeats per pass, and no cast
  // of P; the startups keep it from exactly 4 / 10.
  const std::string shape = "{name: x, kv_heads: 4, s_q: 4096}";
  const PasaCost fp32 = pasa_cost(plan_of(shape, PasaVariant::fa_mixed), hw());
  const PasaCost fp16 = pasa_cost(plan_of(shape, PasaVariant::fa_fp16), hw());
  CHECK(fp16.vector_tile_cycles < 0.5 * fp32.vector_tile_cycles);
  CHECK(fp16.vector_tile_cycles > 0.4 * fp32.vector_tile_cycles);
  CHECK(fp16.cube_cycles == fp32.cube_cycles);  // the same fp16 mmads
}

TEST_CASE("on the 910B2 at 8192 tokens fa_fp16 is Cube-bound and pasa about even", "[pasa]") {
  // fa_mixed's fp32 tile passes outlast the Cube's two fp16 mmads per block; in fp16 they fit
  // under them (fa_fp16), and pasa's row mean (S~ / n and a row sum: two more fp16 passes) and
  // its 8 more per-row ops bring the Vector back just above the Cube: the predicted speedup is
  // fa_mixed's Vector time over pasa's (PASA's claim: 1.2 - 1.65x).
  const std::string shape = "{name: x, kv_heads: 4, s_q: 8192}";
  const ModelPrediction mixed = pasa_model(plan_of(shape, PasaVariant::fa_mixed), hw());
  const ModelPrediction fp16 = pasa_model(plan_of(shape, PasaVariant::fa_fp16), hw());
  const ModelPrediction pasa = pasa_model(plan_of(shape, PasaVariant::pasa), hw());
  CHECK(mixed.bound == "vector");
  CHECK(fp16.bound == "cube");
  CHECK(pasa.detail["vector_cycles"].get<double>() <
        1.1 * pasa.detail["cube_cycles"].get<double>());
  CHECK(mixed.cycles / pasa.cycles > 1.2);
  CHECK(pasa.detail["shift_flops_share"].get<double>() < 0.002);
  // Each model names fa_mixed's cycles on its shape and the ratio to its own.
  CHECK(pasa.detail["fa_mixed_cycles"].get<double>() == mixed.cycles);
  CHECK(pasa.detail["speedup_over_fa_mixed"].get<double>() == Approx(mixed.cycles / pasa.cycles));
  CHECK(mixed.detail["speedup_over_fa_mixed"].get<double>() == 1.0);
}

TEST_CASE("a causal mask halves the score blocks and masks only the diagonal", "[pasa]") {
  // 8192 / 128 = 64 query blocks: block i sees i + 1 KV blocks, 64 x 65 / 2 = 2080 of 4096,
  // of which the 64 diagonal ones need a mask.
  const PasaPlan plan =
      plan_of("{name: pasa, q_heads: 1, kv_heads: 1, s_q: 8192, causal: true}", PasaVariant::pasa);
  const Json j = pasa_plan_json(plan);
  CHECK(j["score_blocks"] == 2080);
  CHECK(j["masked_blocks"] == 64);
}
