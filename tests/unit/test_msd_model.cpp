// MSD's closed-form models (kernels/msd/msd_model.hpp) against hand arithmetic from the formulas
// as MSD.md §9 writes them, the paper's stated ratios at the shapes it states them for, and the
// latency model with the 910B2 / 950PR rates of configs/hw. Each number carries its derivation.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/msd/msd_model.hpp"
#include "sim/config/load_hardware.hpp"

namespace {

using namespace ascendsim::kernels::msd;
using ascendsim::config::HardwareConfig;

HardwareConfig hw_file(const std::string& name) {
  return ascendsim::config::load_hardware_file(std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/" +
                                               name + ".yaml");
}

bool has_note(const std::vector<std::string>& notes, const std::string& word) {
  for (const auto& n : notes)
    if (n.find(word) != std::string::npos) return true;
  return false;
}

// A small shape whose Table 8 terms are easy to add by hand: mn = 32, bn = 16, bm = 8.
constexpr LinearShape kSmall{2, 8, 4, 0, 2};

// The paper states the 3x / 1.5x linear ratios for b << m, n and Table 3 at d = 4096, small b.
constexpr LinearShape kDecode{1, 4096, 4096, 0, 2};

}  // namespace

TEST_CASE("Table 8 dequant W8A16 traffic is 3mn + 2bn + 2bm, and 5mn by the round trip", "[msd]") {
  const LinearTraffic t = linear_traffic(LinearVariant::dequant_w8a16, kSmall);
  CHECK(t.weight_bytes == 96);              // 3mn = 3 x 32
  CHECK(t.activation_bytes == 32);          // 2bn = 2 x 16
  CHECK(t.output_bytes == 16);              // 2bm = 2 x 8
  CHECK(t.total() == 144);                  // 96 + 32 + 16
  CHECK(t.round_trip_weight_bytes == 160);  // §2.1.3: mn + 2mn + 2mn = 5 x 32
  CHECK(has_note(t.notes, "5mn"));
}

TEST_CASE("Table 8 BF16 traffic is 2mn + 2bn + 2bm with no notes", "[msd]") {
  const LinearTraffic t = linear_traffic(LinearVariant::bf16, kSmall);
  CHECK(t.total() == 112);  // 2 x 32 + 2 x 16 + 2 x 8 = 64 + 32 + 16
  CHECK(t.notes.empty());   // the BF16 row is the one Table 8 row §14 does not question
}

TEST_CASE("Table 8 MSD-INT8 traffic is mn + 4bn + 2bm resident and 2mn + 4bn + 2bm two-read",
          "[msd]") {
  const LinearTraffic resident = linear_traffic(LinearVariant::msd_int8, kSmall);
  CHECK(resident.weight_bytes == 32);      // mn
  CHECK(resident.activation_bytes == 64);  // 4bn = 4 x 16
  CHECK(resident.total() == 112);          // 32 + 64 + 16
  CHECK(has_note(resident.notes, "GM workspace"));
  const LinearTraffic two_read =
      linear_traffic(LinearVariant::msd_int8, kSmall, WeightReads::per_pass);
  CHECK(two_read.weight_bytes == 64);  // 2mn: the tile is read once per pass
  CHECK(two_read.total() == 144);      // 64 + 64 + 16
}

TEST_CASE("MSD with K = 3 passes reads the weight three times two-read and adds a bn piece",
          "[msd]") {
  LinearShape s = kSmall;
  s.passes = 3;
  const LinearTraffic t = linear_traffic(LinearVariant::msd_int8, s, WeightReads::per_pass);
  CHECK(t.weight_bytes == 96);                                           // K mn = 3 x 32
  CHECK(t.activation_bytes == 80);                                       // 2bn + K bn = 32 + 3 x 16
  CHECK(linear_traffic(LinearVariant::msd_int8, s).weight_bytes == 32);  // resident: mn
}

TEST_CASE("W4A16 traffic counts 0.5 B per weight and one BF16 scale per group and row", "[msd]") {
  LinearShape s = kSmall;
  s.group = 2;  // n / g = 4 groups per row -> 2 B x m x 4 = 32 scale bytes
  const LinearTraffic deq = linear_traffic(LinearVariant::dequant_w4a16, s);
  CHECK(deq.weight_bytes == 112);             // (0.5 + 2) mn + 32 = 80 + 32
  CHECK(deq.round_trip_weight_bytes == 176);  // (0.5 + 4) mn + 32 = 144 + 32
  CHECK(has_note(deq.notes, "no W4A16 row"));
  const LinearTraffic msd = linear_traffic(LinearVariant::msd_w4a16, s);
  CHECK(msd.weight_bytes == 48);  // 0.5 mn + 32 = 16 + 32
  CHECK(linear_traffic(LinearVariant::msd_w4a16, s, WeightReads::per_pass).weight_bytes ==
        96);    // two reads of 48
  s.group = 3;  // ceil(8 / 3) = 3 groups: a partial group still carries a scale
  CHECK(linear_traffic(LinearVariant::msd_w4a16, s).weight_bytes == 40);  // 16 + 2 x 4 x 3
}

TEST_CASE("Table 8's MXFP4 rows use the INT8 byte count mn, and say so", "[msd]") {
  const LinearTraffic base = linear_traffic(LinearVariant::mxfp8_mxfp4, kSmall);
  CHECK(base.weight_bytes == 96);  // 3mn as written, not (0.53 + 2) mn
  CHECK(has_note(base.notes, "MXFP4"));
  const LinearTraffic msd = linear_traffic(LinearVariant::msd_mxfp4, kSmall);
  CHECK(msd.weight_bytes == 32);  // mn as written
  CHECK(has_note(msd.notes, "0.53"));
}

TEST_CASE("at decode shapes the linear weight traffic falls 3x resident and 1.5x two-read",
          "[msd]") {
  const LinearTraffic deq = linear_traffic(LinearVariant::dequant_w8a16, kDecode);
  const LinearTraffic res = linear_traffic(LinearVariant::msd_int8, kDecode);
  const LinearTraffic two = linear_traffic(LinearVariant::msd_int8, kDecode, WeightReads::per_pass);
  CHECK(deq.weight_bytes / res.weight_bytes == 3.0);  // dominant term 3mn / mn
  CHECK(deq.weight_bytes / two.weight_bytes == 1.5);  // 3mn / 2mn
  // Whole layer, b = 1, m = n = 4096: (3mn + 2n + 2m) / (mn + 4n + 2m) = 12292 / 4102 = 2.99659
  CHECK(deq.total() / res.total() == Approx(12292.0 / 4102.0).epsilon(1e-12));
  // two-read: (3 x 4096 + 4) / (2 x 4096 + 6) = 12292 / 8198 = 1.49939
  CHECK(deq.total() / two.total() == Approx(12292.0 / 8198.0).epsilon(1e-12));
}

TEST_CASE("Table 3 counts 3n + 5n + 2m Vector ops for an MSD token row", "[msd]") {
  CHECK(msd_table3_vector_ops(kSmall) == 72);  // 3 x 8 + 5 x 8 + 2 x 4 = 24 + 40 + 8
  LinearShape s = kSmall;
  s.passes = 3;
  CHECK(msd_table3_vector_ops(s) == 112);  // 24 + 2 x 40 + 8
}

TEST_CASE("the 910B2 rates are its AIVs' repeat rate and its cubes' peak FLOPs", "[msd]") {
  const LatencyRates r = latency_rates(hw_file("ascend910b2"));
  CHECK(r.vector_ops_per_cycle == 1536);  // 48 AIV x (256 B / 4 B fp32) / 2 cycles per repeat
  CHECK(r.gemm_bf16 == 196608);           // 24 AIC x 16 x 16 x 16 MAC x 2
  CHECK(r.gemm_int8 == 393216);           // 24 AIC x 16 x 32 x 16 MAC x 2
  CHECK(r.gemm_fp8 == 0);                 // no fp8 k0 on 910B2
  CHECK(r.gemm_fp4 == 0);                 // no fp4 k0 on 910B2
  // HBM 1.6 TB/s / 1.8 GHz = 888.9 B/cycle, below the ports' 24 x 32 + 48 x 32 = 2304
  CHECK(r.hbm_bytes_per_cycle == Approx(1.6e12 / 1.8e9).epsilon(1e-9));
  CHECK(r.sync_cycles_per_handoff == 100);  // sync.cross_core_latency_cycles
  CHECK(
      latency_rates(hw_file("ascend910b2"), ascendsim::numeric::DType::fp16).vector_ops_per_cycle ==
      3072);  // 48 x (256 / 2) / 2
}

TEST_CASE("on the 910B2 a 4096x4096 decode layer is Vector-bound by dequant and not by MSD",
          "[msd]") {
  const LatencyRates r = latency_rates(hw_file("ascend910b2"));
  const LatencyEstimate deq = linear_latency(LinearVariant::dequant_w8a16, kDecode, r);
  CHECK(deq.vector_cycles == Approx(16777216.0 / 1536));  // eq 36: mn / R_vec = 10922.67
  CHECK(deq.cube_cycles == Approx(33554432.0 / 196608));  // 2mn / R_bf16 = 170.67
  CHECK(deq.total_cycles == Approx(16777216.0 / 1536));   // max(...) + 0
  CHECK(deq.seconds == Approx(16777216.0 / 1536 / 1.8e9));
  CHECK(has_note(deq.notes, "2mn Vector FLOPs"));
  // hbm beside T: (3mn + 2n + 2m) / 888.9 = 50348032 / (1.6e12 / 1.8e9) = 56641.5
  CHECK(deq.hbm_cycles == Approx(50348032.0 * 1.8e9 / 1.6e12));
  const LatencyEstimate msd = linear_latency(LinearVariant::msd_int8, kDecode, r);
  CHECK(msd.vector_cycles == Approx(20480.0 / 1536));     // eq 38: (3n + 2m) / R_vec = 13.33
  CHECK(msd.cube_cycles == Approx(67108864.0 / 393216));  // 4mn / R_int8 = 170.67
  CHECK(msd.total_cycles == Approx(67108864.0 / 393216));
  CHECK(msd.cube_cycles == Approx(deq.cube_cycles));           // R_int8 = 2 R_bf16: same cube time
  CHECK(deq.total_cycles / msd.total_cycles == Approx(64.0));  // 10922.67 / 170.67
  CHECK(has_note(msd.notes, "8n"));
}

TEST_CASE("T_sync adds one cross-core latency per hand-off on the critical path", "[msd]") {
  const LatencyRates r = latency_rates(hw_file("ascend910b2"));
  const LatencyEstimate e =
      linear_latency(LinearVariant::msd_int8, kDecode, r, WeightReads::resident, 2);
  CHECK(e.sync_cycles == 200);                                 // 2 x 100
  CHECK(e.total_cycles == Approx(67108864.0 / 393216 + 200));  // T_cube + T_sync
}

TEST_CASE("MSD-MXFP4 needs an fp4 cube: refused on the 910B2, mn / R_bf16 on the 950PR", "[msd]") {
  CHECK_THROWS_AS(
      linear_latency(LinearVariant::msd_mxfp4, kDecode, latency_rates(hw_file("ascend910b2"))),
      std::invalid_argument);
  const LatencyRates r = latency_rates(hw_file("ascend950pr"));
  CHECK(r.gemm_bf16 == 229376);  // 28 AIC x 8192 FLOP
  const LatencyEstimate msd = linear_latency(LinearVariant::msd_mxfp4, kDecode, r);
  // eq 41: 4mn / R_fp4 = 4mn / (4 R_bf16) = 16777216 / 229376 = 73.14
  CHECK(msd.cube_cycles == Approx(16777216.0 / 229376));
  const LatencyEstimate base = linear_latency(LinearVariant::mxfp8_mxfp4, kDecode, r);
  CHECK(base.cube_cycles == Approx(msd.cube_cycles));  // "= one FP8 GEMM at 2x"
}

TEST_CASE("Table 5 Vector ops and KV bytes for a small decode head", "[msd]") {
  // N = 2, M = 128, d = 4, B_c = 64 -> T_c = 2
  const AttentionModel a = attention_model({2, 128, 4, 64});
  CHECK(a.dequant_vector_ops == 3120);     // 4Md + 4NM + 3NdT_c = 2048 + 1024 + 48
  CHECK(a.msd_vector_ops == 3232);         // 6Nd + 12NM + 7NdT_c = 48 + 3072 + 112
  CHECK(a.cube_bf16_equiv_flops == 4096);  // 4NMd
  CHECK(a.dequant_hbm_bytes == 2560);      // 5Md
  CHECK(a.msd_hbm_bytes == 1024);          // 2Md
  CHECK(has_note(a.notes, "breakdown"));
}

TEST_CASE("GQA decode with N_spec = 2, G = 4 moves 2.5x fewer KV bytes under MSD", "[msd]") {
  // The paper's example N = (1 + 2) x 4 = 12, d = 128, B_c = 64; M = 4096 (the ratio has no M).
  const AttentionModel a = attention_model({12, 4096, 128, 64});
  CHECK(a.hbm_ratio == 2.5);  // 5Md / 2Md
  CHECK(a.vector_ratio > 1);  // N = 12 is below N* = 31.6 (next test): MSD does fewer ops
}

TEST_CASE("the Table 5 crossover N* = 4Md / (6d + 8M + 4dM/B_c) is not the dominant-term d/3",
          "[msd]") {
  // M = 4096, d = 128, B_c = 64: 2097152 / (768 + 32768 + 32768) = 2097152 / 66304 = 31.63
  const AttentionCrossover c = attention_crossover(4096, 128, 64);
  CHECK(c.full == Approx(2097152.0 / 66304));
  CHECK(c.dominant_term == Approx(128.0 / 3));  // 42.67
  CHECK(has_note(c.notes, "disagree"));
  // The ops cross between N = 31 and 32: dequant 3366912 vs MSD 3325184 at 31,
  // 3407872 vs 3432448 at 32 (4Md + N(4M + 3dT_c) against N(6d + 12M + 7dT_c)).
  const AttentionModel at31 = attention_model({31, 4096, 128, 64});
  CHECK(at31.dequant_vector_ops == 3366912);
  CHECK(at31.msd_vector_ops == 3325184);
  const AttentionModel at32 = attention_model({32, 4096, 128, 64});
  CHECK(at32.dequant_vector_ops == 3407872);
  CHECK(at32.msd_vector_ops == 3432448);
}
