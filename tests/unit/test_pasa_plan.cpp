// The prefill attention kernels' parameters (pasa_params.hpp) and plan (pasa_plan.hpp): defaults,
// the beta fixed point, errors naming file:line and key, causal visibility and masking per block.
#include <catch2/catch.hpp>
#include <cmath>

#include "kernels/pasa/pasa_plan.hpp"
#include "sim/config/config_node.hpp"
#include "sim/config/load_hardware.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;
using Catch::Matchers::Contains;
using numeric::DType;

PasaParams from_yaml(const std::string& kernel, PasaVariant v = PasaVariant::pasa) {
  const auto root = config::ConfigNode::from_string("kernel: " + kernel + "\n", "run.yaml");
  const auto node = root.child("kernel");
  node.child("name").as_string();
  PasaParams p = read_pasa_params(node, v);
  root.finish();
  return p;
}

const config::HardwareConfig& chip() {
  static const config::HardwareConfig hw = config::load_hardware_file(
      std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend910b2.yaml");
  return hw;
}

}  // namespace

TEST_CASE("pasa parameters default to PASA.md §6's shape and fp16 state", "[pasa]") {
  const PasaParams p = from_yaml("{name: pasa}");
  CHECK(p.q_heads == 28);
  CHECK(p.kv_heads == 4);  // PASA.md §6: Qwen2-7B-like 28 / 4 heads, d 128, 1407 tokens
  CHECK(p.head_dim == 128);
  CHECK(p.s_q == 1407);
  CHECK(p.s_kv == 1407);
  CHECK(p.group() == 7);
  CHECK(p.scale == Approx(1.0 / std::sqrt(128.0)).epsilon(1e-15));
  CHECK(p.stats == DType::fp16);
  CHECK(p.o_accum == DType::fp16);
  // beta = 1 - 2^-4 is its own fixed point at n = 128 (PASA.md §3.4: a = 1 exactly).
  CHECK(p.beta == 0.9375);
  const Json j = pasa_params_json(p);
  CHECK(j["beta"] == 0.9375);
  CHECK(j["stats"] == "fp16");
}

TEST_CASE("pasa's beta is refined by the fp16 fixed point of PASA.md §3.4", "[pasa]") {
  // 1 - 2^-5 at n = 128 moves to 0.9689941 (PASA.md §3.4's table).
  const PasaParams p = from_yaml("{name: pasa, kv_heads: 4, beta: 0.96875}");
  CHECK(p.beta0 == 0.96875);
  CHECK(p.beta == Approx(0.9689941).margin(5e-8));
}

TEST_CASE("fa_mixed keeps its statistics and O in fp32, the fp16 options name their kernels",
          "[pasa]") {
  const PasaParams m = from_yaml("{name: fa_mixed, kv_heads: 4}", PasaVariant::fa_mixed);
  CHECK(m.stats == DType::fp32);
  CHECK(m.o_accum == DType::fp32);
  const PasaParams f =
      from_yaml("{name: fa_fp16, kv_heads: 4, o_accum: fp32}", PasaVariant::fa_fp16);
  CHECK(f.o_accum == DType::fp32);
  CHECK_THROWS_WITH(
      from_yaml("{name: fa_mixed, kv_heads: 4, o_accum: fp16}", PasaVariant::fa_mixed),
      Contains("run.yaml:1:") && Contains("kernel.o_accum: `o_accum` is the fp16 "
                                          "variants' O accumulator"));
  CHECK_THROWS_WITH(from_yaml("{name: fa_fp16, kv_heads: 4, beta: 0.9}", PasaVariant::fa_fp16),
                    Contains("kernel.beta: `beta` is pasa's shift factor"));
  CHECK_THROWS_WITH(from_yaml("{name: fa_fp16, kv_heads: 4, stats: fp32}", PasaVariant::fa_fp16),
                    Contains("kernel.stats: `stats` is pasa's precision"));
}

TEST_CASE("bad pasa parameters name the key and what it expects", "[pasa]") {
  CHECK_THROWS_WITH(from_yaml("{name: pasa, q_heads: 28, kv_heads: 5}"),
                    Contains("kernel.kv_heads: expected a divisor of q_heads (28)"));
  CHECK_THROWS_WITH(from_yaml("{name: pasa, kv_heads: 4, head_dim: 96}"),
                    Contains("kernel.head_dim: expected 64 or 128"));
  CHECK_THROWS_WITH(from_yaml("{name: pasa, kv_heads: 4, block_cols: 40}"),
                    Contains("kernel.block_cols: expected a multiple of 16"));
  CHECK_THROWS_WITH(from_yaml("{name: pasa, kv_heads: 4, beta: 1}"),
                    Contains("kernel.beta: expected a shift factor beta in (0, 1)"));
  // beta / 128 rounds to 2^-7 in fp16 at 0.9999: the rounded M is singular (PASA.md §3.4).
  CHECK_THROWS_WITH(from_yaml("{name: pasa, kv_heads: 4, beta: 0.9999}"),
                    Contains("run.yaml:1:") && Contains("kernel.beta: beta 0.999900 has no fixed "
                                                        "point with block_cols 128"));
}

TEST_CASE("the plan counts query and KV blocks, padding the last of each", "[pasa]") {
  const PasaPlan plan = plan_pasa(from_yaml("{name: pasa, kv_heads: 4}"), chip());
  // 1407 = 10 x 128 + 127: 11 blocks of each, the last 127 rows / keys real.
  CHECK(plan.q_blocks == 11);
  CHECK(plan.kv_blocks == 11);
  CHECK(plan.tasks.size() == 28u * 11u);
  CHECK(plan.tasks[10].rows == 127);
  CHECK(plan.tasks[0].kv_blocks == 11);
  CHECK(plan.shift_units() == 4u * 11u);  // batch 1 x 4 KV heads x 11 KV blocks
  CHECK_FALSE(plan.needs_mask(0, 9));
  CHECK(plan.needs_mask(0, 10));  // 1 padded key
  CHECK(plan.kv_head(13) == 1);   // 7 query heads per KV head
  const Json j = pasa_plan_json(plan);
  CHECK(j["score_blocks"] == 28u * 11u * 11u);
  CHECK(j["masked_blocks"] == 28u * 11u);  // the last KV block of every task
}

TEST_CASE("region labels name a task's batch, head, query block and KV block", "[pasa]") {
  const PasaPlan plan = plan_pasa(from_yaml("{name: pasa, batch: 2, kv_heads: 4}"), chip());
  // Tasks run batch-major, then head, then query block: task 11 x 28 + 25 = batch 1, head 2,
  // query block 3.
  CHECK(plan.task_region(11 * 28 + 25, 7) ==
        "task 333 (batch 1, head 2, query block 3), KV block 7");
  CHECK(plan.task_region(0, 11) == "task 0 (batch 0, head 0, query block 0), output O / l");
  // Shift units: batch-major, then KV head, then KV block (4 x 11 per batch).
  CHECK(plan.shift_region(44 + 2 * 11 + 5) == "shift unit 71 (batch 1, KV head 2, KV block 5)");
}

TEST_CASE("causal visibility is bottom-right aligned and skips blocks no row sees", "[pasa]") {
  // s_q = s_kv = 300, 128-blocks: query block i sees KV blocks 0..i; the diagonal is masked.
  const PasaPlan sq =
      plan_pasa(from_yaml("{name: pasa, q_heads: 1, kv_heads: 1, s_q: 300, causal: true}"), chip());
  CHECK(sq.visible_blocks(0) == 1);
  CHECK(sq.visible_blocks(1) == 2);
  CHECK(sq.visible_blocks(2) == 3);
  CHECK(sq.needs_mask(1, 1));
  CHECK_FALSE(sq.needs_mask(1, 0));
  // 64 queries against 300 keys: row r sees keys <= r + 236, so the block sees all 3 KV blocks
  // (its last row reaches key 299); KV block 1 (keys 128..255) is fully visible only from row
  // 19 on (255 <= 19 + 236), so it is masked, as is the partial last block.
  const PasaPlan tail = plan_pasa(
      from_yaml("{name: pasa, q_heads: 1, kv_heads: 1, s_q: 64, s_kv: 300, causal: true}"), chip());
  CHECK(tail.visible_blocks(0) == 3);
  CHECK_FALSE(tail.needs_mask(0, 0));  // keys 0..127 <= 0 + 236
  CHECK(tail.needs_mask(0, 1));
  CHECK(tail.needs_mask(0, 2));
  // More queries than keys: the first rows would see no key; refused with the reason.
  CHECK_THROWS_WITH(
      from_yaml("{name: pasa, q_heads: 1, kv_heads: 1, s_q: 300, s_kv: 256, causal: true}"),
      Contains("kernel.causal: causal attention with s_q (300) > s_kv (256) leaves"));
}
