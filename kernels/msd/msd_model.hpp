#pragma once
// The MSD paper's closed-form cost models (MSD.md §9, caveats §14), plain C++, no simulation:
//  * HBM traffic per linear layer (Table 8) for the dequant baselines and MSD, with MSD's
//    resident-tile and two-read cases;
//  * the latency model T = max(T_vector, T_cube) + T_sync (§5.3, eqs 36-41) with the rates of a
//    config::HardwareConfig;
//  * attention (Table 5): Vector op counts for dequant and MSD, the 5Md vs 2Md KV traffic and the
//    N crossover of the two op counts.
// These are the paper's formulas as written, so reports can set them beside measured figures.
// Where the paper's own accounting disagrees with itself (MSD.md §14), the formula as written is
// computed and the result's `notes` names the inconsistency; the simulation decides which is right.
// Units: bytes, Vector element-ops, FLOPs, cycles of hw.clock_hz. Shapes follow MSD.md §9.1:
// X is b x n (b tokens), W is m x n, BF16 = 2 B, INT8 = 1 B.
// What this abstracts away: tiling, L2 hits, instruction startup, pipeline fill, the AIV/AIC
// hand-off — everything the paper's model leaves out.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/hardware_config.hpp"
#include "sim/numeric/dtype.hpp"

namespace ascendsim::kernels::msd {

// ---- linear layer (Table 8) ------------------------------------------------------------------
enum class LinearVariant : std::uint8_t {
  bf16,           // BF16 x BF16 reference row
  dequant_w8a16,  // INT8 W -> BF16 on the Vector, BF16 GEMM (Table 8 "BF16xINT8, dequant")
  dequant_w4a16,  // INT4 W, group scales -> BF16 on the Vector [derived: no Table 8 row]
  msd_int8,       // MSD-INT8: K INT8 activation passes x INT8 W (Table 8)
  msd_w4a16,      // MSD with INT4 W and group scales [derived: no Table 8 row]
  mxfp8_mxfp4,    // MXFP8 x MXFP4 baseline (Table 8)
  msd_mxfp4,      // MSD-MXFP4 (Table 8)
};
const char* to_string(LinearVariant v);
bool is_msd(LinearVariant v);

// MSD only: whether the weight tile stays on chip for all K passes (Table 8 "resident tile") or
// is read from HBM once per pass (Table 8 "two-read", generalised to K reads).
enum class WeightReads : std::uint8_t { resident, per_pass };

struct LinearShape {
  std::uint64_t b = 1;      // tokens (rows of X)
  std::uint64_t n = 0;      // reduction length (columns of X and W)
  std::uint64_t m = 0;      // output features (rows of W)
  std::uint64_t group = 0;  // weight-scale group along n; 0 = per output channel
  int passes = 2;           // K, MSD activation passes (the paper uses 2)
};

struct LinearTraffic {
  double weight_bytes = 0;      // W (and its group scales when counted) read from HBM
  double activation_bytes = 0;  // X and its MSD pieces
  double output_bytes = 0;      // y written back, 2bm
  // Dequant only: §2.1.3's explicit round trip (read W, write BF16 W, Cube re-reads it),
  // which Table 8 does not use. 0 for other variants.
  double round_trip_weight_bytes = 0;
  std::vector<std::string> notes;  // the paper's inconsistencies this figure inherits
  double total() const { return weight_bytes + activation_bytes + output_bytes; }
};

LinearTraffic linear_traffic(LinearVariant v, const LinearShape& s,
                             WeightReads reads = WeightReads::resident);

// Table 3 Vector ops of MSD on one token row: pass 1 = 3n, each later pass 5n, merge 2m.
double msd_table3_vector_ops(const LinearShape& s);

// ---- latency model (§5.3, eqs 36-41) ---------------------------------------------------------
// The paper's rates, read from a chip (whole chip, per cycle of hw.clock_hz):
struct LatencyRates {
  // R_vector: Vector element-ops per cycle = dies x aic_per_die x aiv_per_aic (all AIVs)
  //   x (aiv.vector.bytes_per_repeat / element bytes) / aiv.vector.default_timing.cycles_per_repeat
  //   (startup_cycles ignored: the paper's model is pure throughput).
  double vector_ops_per_cycle = 0;
  double gemm_bf16 = 0;  // R_gemm,bf16 = hw.peak_flops_per_cycle(bf16): aic.cube.k0[bf16]
  double gemm_int8 = 0;  // R_gemm,int8 = hw.peak_flops_per_cycle(int8): aic.cube.k0[int8]
  double gemm_fp8 = 0;   // R_gemm,fp8 (MXFP8 baseline) = peak_flops_per_cycle(fp8_e4m3); 0 if none
  double gemm_fp4 = 0;   // R_gemm,fp4 = peak_flops_per_cycle(fp4_e1m2, else fp4_e2m1); 0 if none
  // Not in the paper's T: HBM bytes per cycle = min(dies x hbm.bytes_per_cycle, sum of every
  // core's GM read port: total_aic x aic.port.hbm_read + total AIVs x aiv.port.hbm_read).
  double hbm_bytes_per_cycle = 0;
  // T_sync per AIV -> AIC hand-off = sync.cross_core_latency_cycles.
  double sync_cycles_per_handoff = 0;
  double clock_hz = 0;  // hw.clock_hz, to turn cycles into seconds
};
// `vector_dtype`: the element type the Vector computes the conversion / split in. 910B has no
// BF16 Vector arithmetic (configs/hw/ascend910b2.yaml `dtypes`), so fp32 is the default.
LatencyRates latency_rates(const config::HardwareConfig& hw,
                           numeric::DType vector_dtype = numeric::DType::fp32);

struct LatencyEstimate {
  double vector_ops = 0;     // the paper's Vector op count for T_vector
  double cube_flops = 0;     // the paper's GEMM FLOPs for T_cube
  double vector_cycles = 0;  // T_vector
  double cube_cycles = 0;    // T_cube
  double sync_cycles = 0;    // T_sync = handoffs x sync_cycles_per_handoff (paper: ~0)
  double total_cycles = 0;   // T = max(T_vector, T_cube) + T_sync
  double hbm_cycles = 0;     // Table 8 traffic / R_hbm, beside T (the paper leaves it out)
  double seconds = 0;        // total_cycles / clock
  std::vector<std::string> notes;
};

// eqs 36-41 with b tokens: dequant T_vec = mn / R_vector (per weight, independent of b),
// T_cube = 2bmn / R_bf16; MSD-INT8 T_vec = b(3n + 2m) / R_vector, T_cube = 2Kbmn / R_int8;
// MSD-MXFP4 T_cube = 2Kbmn / R_fp4; MXFP8 baseline T_cube = 2bmn / R_fp8. `handoffs`: AIV -> AIC
// flags on the critical path (0 = the paper's T_sync ~ 0). Throws std::invalid_argument when the
// chip's cube lacks the variant's dtype.
LatencyEstimate linear_latency(LinearVariant v, const LinearShape& s, const LatencyRates& r,
                               WeightReads reads = WeightReads::resident,
                               std::uint64_t handoffs = 0);

// ---- attention decode (§4.4, Table 5), per KV head ---------------------------------------------
struct AttentionShape {
  std::uint64_t queries = 0;   // N = (1 + N_spec) G, queries per KV head
  std::uint64_t keys = 0;      // M, KV length
  std::uint64_t head_dim = 0;  // d
  std::uint64_t tile = 64;     // B_c, keys per KV tile (T_c = M / B_c)
};

struct AttentionModel {
  double cube_bf16_equiv_flops = 0;  // 4NMd for every variant (MSD: 8NMd INT8 FLOPs at 2x rate)
  double dequant_vector_ops = 0;     // 4Md + 4NM + 3Nd T_c
  double msd_vector_ops = 0;         // 6Nd + 12NM + 7Nd T_c
  double dequant_hbm_bytes = 0;      // 5Md (§4.4.4)
  double msd_hbm_bytes = 0;          // 2Md
  double hbm_ratio = 0;              // 5Md / 2Md = 2.5
  double vector_ratio = 0;           // dequant / MSD Vector ops (falls as N grows)
  std::vector<std::string> notes;
};
AttentionModel attention_model(const AttentionShape& s);

// The N at which Table 5's two Vector-op counts are equal (MSD.md §9.3):
//   full:     4Md + 4NM + 3NdM/B_c = 6Nd + 12NM + 7NdM/B_c  =>  N* = 4Md / (6d + 8M + 4dM/B_c)
//   dominant: 4Md = 12NM                                     =>  N* = d / 3
// MSD has fewer Vector ops for N < N*. §9.4's "when to use" table is qualitative; this is its
// only closed form.
struct AttentionCrossover {
  double full = 0;
  double dominant_term = 0;
  std::vector<std::string> notes;
};
AttentionCrossover attention_crossover(std::uint64_t keys, std::uint64_t head_dim,
                                       std::uint64_t tile = 64);

}  // namespace ascendsim::kernels::msd
