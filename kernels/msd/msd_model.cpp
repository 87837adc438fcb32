#include "kernels/msd/msd_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace ascendsim::kernels::msd {

namespace {

using numeric::DType;

// The inconsistencies of MSD.md §14 (and two found while coding Table 8 / eqs 36-41), worded once.
const char* const kDequantRoundTrip =
    "Table 8 counts 3mn bytes for the dequant weight path, but §2.1.3 describes read mn INT8 + "
    "write 2mn BF16 + Cube re-read 2mn BF16 = 5mn (round_trip_weight_bytes)";
const char* const kMxfp4Bytes =
    "Table 8's MXFP4 rows reuse INT8 byte counts (mn); FP4 weights take 0.5 B/element plus one "
    "E8M0 scale per 32 (~0.53 B)";
const char* const kPiecesThroughGm =
    "Table 8's 4bn has no breakdown; read here as 2bn BF16 X + K bn INT8 pieces (= 4bn at K = 2). "
    "The fused-kernel model says pieces never touch HBM, while on 910B the unfolded A goes "
    "through a GM workspace";
const char* const kW4NoRow =
    "Table 8 has no W4A16 row; derived: INT4 W at 0.5 B/element plus one BF16 scale per group "
    "and output row, BF16 hand-off as in Table 8's dequant row";
const char* const kVectorThreeN =
    "eq 38 writes MSD T_vec with 3n, while Table 3's pass counts sum to 8n (3n + 5n) for the "
    "decomposition";
const char* const kDequantVectorOps =
    "eq 36 writes dequant T_vec = mn / R_vector, while Table 8 counts 2mn Vector FLOPs for the "
    "type conversion";
const char* const kNoHbmTerm =
    "the paper's T has no HBM term; hbm_cycles is Table 8's traffic over R_hbm, given beside T";
const char* const kCrossoverTwoForms =
    "the paper gives N* both as a dominant-term simplification (4Md = 12NM, N* = d/3) and as the "
    "full Table 5 equality; they disagree";
const char* const kAttentionNoBreakdown =
    "attention uses 5Md vs 2Md KV bytes without a breakdown (§4.4.4)";

double scale_bytes(const LinearShape& s) {  // one BF16 scale per group and output row
  if (s.group == 0) return 0.0;
  const std::uint64_t groups = (s.n + s.group - 1) / s.group;
  return 2.0 * double(s.m) * double(groups);
}

double weight_bytes_per_element(LinearVariant v) {
  return (v == LinearVariant::dequant_w4a16 || v == LinearVariant::msd_w4a16) ? 0.5 : 1.0;
}

double gemm_rate(LinearVariant v, const LatencyRates& r, const char** dtype) {
  switch (v) {
    case LinearVariant::bf16:
    case LinearVariant::dequant_w8a16:
    case LinearVariant::dequant_w4a16:
      *dtype = "bf16";
      return r.gemm_bf16;
    case LinearVariant::msd_int8:
    case LinearVariant::msd_w4a16:
      *dtype = "int8";
      return r.gemm_int8;
    case LinearVariant::mxfp8_mxfp4:
      *dtype = "fp8";
      return r.gemm_fp8;
    case LinearVariant::msd_mxfp4:
      *dtype = "fp4";
      return r.gemm_fp4;
  }
  return 0.0;
}

}  // namespace

const char* to_string(LinearVariant v) {
  switch (v) {
    case LinearVariant::bf16:
      return "bf16";
    case LinearVariant::dequant_w8a16:
      return "dequant_w8a16";
    case LinearVariant::dequant_w4a16:
      return "dequant_w4a16";
    case LinearVariant::msd_int8:
      return "msd_int8";
    case LinearVariant::msd_w4a16:
      return "msd_w4a16";
    case LinearVariant::mxfp8_mxfp4:
      return "mxfp8_mxfp4";
    case LinearVariant::msd_mxfp4:
      return "msd_mxfp4";
  }
  return "?";
}

bool is_msd(LinearVariant v) {
  return v == LinearVariant::msd_int8 || v == LinearVariant::msd_w4a16 ||
         v == LinearVariant::msd_mxfp4;
}

LinearTraffic linear_traffic(LinearVariant v, const LinearShape& s, WeightReads reads) {
  if (s.passes < 1) throw std::invalid_argument("msd linear_traffic: passes must be >= 1");
  const double b = double(s.b), n = double(s.n), m = double(s.m), mn = m * n;
  const double k = double(s.passes);
  LinearTraffic t;
  t.output_bytes = 2.0 * b * m;  // every row of Table 8: 2bm
  if (!is_msd(v)) {
    t.activation_bytes = 2.0 * b * n;  // BF16 X: 2bn
    if (v == LinearVariant::bf16) {
      t.weight_bytes = 2.0 * mn;  // Table 8: 2mn
      return t;
    }
    const double w = weight_bytes_per_element(v);
    t.weight_bytes = (w + 2.0) * mn + scale_bytes(s);  // Table 8: mn read + 2mn BF16 = 3mn
    t.round_trip_weight_bytes = (w + 4.0) * mn + scale_bytes(s);  // §2.1.3: 5mn
    t.notes.emplace_back(kDequantRoundTrip);
    if (v == LinearVariant::dequant_w4a16) t.notes.emplace_back(kW4NoRow);
    if (v == LinearVariant::mxfp8_mxfp4) t.notes.emplace_back(kMxfp4Bytes);
    return t;
  }
  const double read_count = reads == WeightReads::resident ? 1.0 : k;  // two-read: K reads
  t.weight_bytes = read_count * (weight_bytes_per_element(v) * mn + scale_bytes(s));
  t.activation_bytes = 2.0 * b * n + k * b * n;  // Table 8: 4bn at K = 2
  t.notes.emplace_back(kPiecesThroughGm);
  if (v == LinearVariant::msd_w4a16) t.notes.emplace_back(kW4NoRow);
  if (v == LinearVariant::msd_mxfp4) t.notes.emplace_back(kMxfp4Bytes);
  return t;
}

double msd_table3_vector_ops(const LinearShape& s) {
  const double n = double(s.n), m = double(s.m);
  return 3.0 * n + 5.0 * n * double(s.passes - 1) + 2.0 * m;
}

LatencyRates latency_rates(const config::HardwareConfig& hw, numeric::DType vector_dtype) {
  LatencyRates r;
  const double element_bytes = double(numeric::dtype_bits(vector_dtype)) / 8.0;
  const double aivs = double(hw.dies) * double(hw.aiv_per_die());
  const auto& vec = hw.aiv.vector;
  if (vec.default_timing.cycles_per_repeat == 0)
    throw std::invalid_argument("msd latency_rates: aiv.vector.default.cycles_per_repeat is 0");
  r.vector_ops_per_cycle = aivs * (double(vec.bytes_per_repeat) / element_bytes) /
                           double(vec.default_timing.cycles_per_repeat);
  r.gemm_bf16 = hw.peak_flops_per_cycle(DType::bf16);
  r.gemm_int8 = hw.peak_flops_per_cycle(DType::int8);
  r.gemm_fp8 = hw.peak_flops_per_cycle(DType::fp8_e4m3);
  r.gemm_fp4 = hw.peak_flops_per_cycle(DType::fp4_e1m2);
  if (r.gemm_fp4 == 0) r.gemm_fp4 = hw.peak_flops_per_cycle(DType::fp4_e2m1);
  const double ports = double(hw.total_aic()) * hw.aic.port.hbm_read_bytes_per_cycle +
                       aivs * hw.aiv.port.hbm_read_bytes_per_cycle;
  r.hbm_bytes_per_cycle = std::min(double(hw.dies) * hw.hbm.bytes_per_cycle, ports);
  r.sync_cycles_per_handoff = double(hw.sync.cross_core_latency_cycles);
  r.clock_hz = hw.clock_hz;
  return r;
}

LatencyEstimate linear_latency(LinearVariant v, const LinearShape& s, const LatencyRates& r,
                               WeightReads reads, std::uint64_t handoffs) {
  const double b = double(s.b), n = double(s.n), m = double(s.m), mn = m * n;
  const char* dtype = "";
  const double rate = gemm_rate(v, r, &dtype);
  if (rate <= 0)
    throw std::invalid_argument(std::string("msd linear_latency: ") + to_string(v) + " needs a " +
                                dtype + " cube rate the chip does not have");
  if (r.vector_ops_per_cycle <= 0)
    throw std::invalid_argument("msd linear_latency: R_vector must be > 0");
  LatencyEstimate e;
  if (is_msd(v)) {
    e.vector_ops = b * (3.0 * n + 2.0 * m);          // eq 38: 3n + 2m per token
    e.cube_flops = 2.0 * double(s.passes) * b * mn;  // 4bmn at K = 2
    e.notes.emplace_back(kVectorThreeN);
  } else {
    e.vector_ops = v == LinearVariant::bf16 ? 0.0 : mn;  // eq 36: mn, once per weight
    e.cube_flops = 2.0 * b * mn;
    if (v != LinearVariant::bf16) e.notes.emplace_back(kDequantVectorOps);
  }
  e.vector_cycles = e.vector_ops / r.vector_ops_per_cycle;
  e.cube_cycles = e.cube_flops / rate;
  e.sync_cycles = double(handoffs) * r.sync_cycles_per_handoff;
  e.total_cycles = std::max(e.vector_cycles, e.cube_cycles) + e.sync_cycles;
  e.seconds = r.clock_hz > 0 ? e.total_cycles / r.clock_hz : 0.0;
  const LinearTraffic t = linear_traffic(v, s, reads);
  e.hbm_cycles = r.hbm_bytes_per_cycle > 0 ? t.total() / r.hbm_bytes_per_cycle : 0.0;
  e.notes.emplace_back(kNoHbmTerm);
  return e;
}

AttentionModel attention_model(const AttentionShape& s) {
  if (s.tile == 0) throw std::invalid_argument("msd attention_model: tile B_c must be > 0");
  const double nq = double(s.queries), mk = double(s.keys), d = double(s.head_dim);
  const double tc = mk / double(s.tile);  // T_c = M / B_c, as written
  AttentionModel a;
  a.cube_bf16_equiv_flops = 4.0 * nq * mk * d;
  a.dequant_vector_ops = 4.0 * mk * d + 4.0 * nq * mk + 3.0 * nq * d * tc;
  a.msd_vector_ops = 6.0 * nq * d + 12.0 * nq * mk + 7.0 * nq * d * tc;
  a.dequant_hbm_bytes = 5.0 * mk * d;
  a.msd_hbm_bytes = 2.0 * mk * d;
  a.hbm_ratio = a.msd_hbm_bytes > 0 ? a.dequant_hbm_bytes / a.msd_hbm_bytes : 0.0;
  a.vector_ratio = a.msd_vector_ops > 0 ? a.dequant_vector_ops / a.msd_vector_ops : 0.0;
  a.notes.emplace_back(kAttentionNoBreakdown);
  return a;
}

AttentionCrossover attention_crossover(std::uint64_t keys, std::uint64_t head_dim,
                                       std::uint64_t tile) {
  if (tile == 0) throw std::invalid_argument("msd attention_crossover: tile B_c must be > 0");
  const double mk = double(keys), d = double(head_dim);
  AttentionCrossover c;
  c.full = 4.0 * mk * d / (6.0 * d + 8.0 * mk + 4.0 * d * mk / double(tile));
  c.dominant_term = d / 3.0;
  c.notes.emplace_back(kCrossoverTwoForms);
  return c;
}

}  // namespace ascendsim::kernels::msd
