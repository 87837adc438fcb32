// The closed-form figures set beside a dequant_gemm / msd_gemm run: MSD.md's Table 8 HBM traffic
// and T = max(T_vector, T_cube) + T_sync (eqs 36-41) with this chip's rates (msd_model.hpp),
// scaled to the AICs the run uses. model.cycles is the paper's T as written (T_sync ~ 0, no HBM
// term); detail.hbm_cycles and detail.roofline_cycles = max(T, hbm_cycles) stand beside it.
#include <algorithm>

#include "kernels/msd/linear_kernel.hpp"
#include "kernels/msd/linear_plan.hpp"
#include "kernels/msd/msd_model.hpp"

namespace ascendsim::kernels {

ModelPrediction linear_model(const LinearPlan& plan, const config::HardwareConfig& hw) {
  const LinearParams& p = plan.params;
  const bool msd = p.pipeline == LinearPipeline::msd, int4 = p.weight == DType::int4;
  using msd::LinearVariant;
  const LinearVariant v =
      p.mx() ? (msd ? LinearVariant::msd_mxfp4 : LinearVariant::mxfp8_mxfp4)
      : msd  ? (int4 ? LinearVariant::msd_w4a16 : LinearVariant::msd_int8)
             : (int4 ? LinearVariant::dequant_w4a16 : LinearVariant::dequant_w8a16);
  const msd::LinearShape shape{p.tokens, p.n, p.m, p.group, int(p.passes)};
  msd::LatencyRates r = msd::latency_rates(hw);
  // The paper's rates are the whole chip's; a run on fewer cores has that share of them.
  const double share = double(plan.cores.size()) / double(hw.total_aic());
  r.vector_ops_per_cycle *= share;
  r.gemm_bf16 *= share;
  r.gemm_int8 *= share;
  r.gemm_fp8 *= share;
  r.gemm_fp4 *= share;
  msd::LatencyEstimate e = msd::linear_latency(v, shape, r);
  if (msd && int4) {
    // Table 8 has no W4A16 MSD row; msd_model prices its passes at R_int8. Here the pieces are
    // int4 and the cube runs int4 x int4 at its own rate.
    e.cube_cycles = e.cube_flops / (hw.peak_flops_per_cycle(DType::int4) * share);
    e.total_cycles = std::max(e.vector_cycles, e.cube_cycles) + e.sync_cycles;
    e.notes.emplace_back("msd with int4 weights: K int4 pieces at the chip's int4 cube rate");
  }
  const msd::LinearTraffic t = msd::linear_traffic(v, shape);
  ModelPrediction m;
  m.cycles = e.total_cycles;
  m.hbm_bytes = t.total();
  m.bound = e.vector_cycles > e.cube_cycles ? "vector" : "cube";
  const double roofline = std::max(e.total_cycles, e.hbm_cycles);
  // Not in the paper: W reaches the chip through the ports of the cores that read it (MSD: the
  // AICs; dequant: the AIVs), each capped at its port's HBM rate (HARDWARE.md §1).
  // MX msd with w_prefetch: the AIC and its AIVs share the reading (one AI core's ports).
  const bool shared = msd && p.mx() && p.w_prefetch;
  const double cores_reading =
      msd ? double(plan.cores.size()) : double(plan.cores.size()) * hw.aiv_per_aic;
  const double port = shared ? hw.aic.port.hbm_read_bytes_per_cycle +
                                   hw.aiv_per_aic * hw.aiv.port.hbm_read_bytes_per_cycle
                      : msd ? hw.aic.port.hbm_read_bytes_per_cycle
                            : hw.aiv.port.hbm_read_bytes_per_cycle;
  // MX: the bytes W really has, fp4 elements plus an e8m0 scale per 32 (Table 8 counts mn).
  const double w_bytes = p.mx()
                             ? double(numeric::dtype_bytes(p.weight, p.m * p.n) + p.m * p.groups())
                             : t.weight_bytes;
  const double port_cycles = w_bytes / (cores_reading * port);
  Json notes = Json::array();
  for (const auto& n : e.notes) notes.push_back(n);
  for (const auto& n : t.notes) notes.push_back(n);
  if (e.hbm_cycles > e.total_cycles)
    notes.push_back("Table 8's HBM traffic takes " + std::to_string(std::uint64_t(e.hbm_cycles)) +
                    " cycles at the chip's HBM rate, above the paper's T (" +
                    std::to_string(std::uint64_t(e.total_cycles)) +
                    "): the run is memory-bound and T underestimates it");
  if (port_cycles > roofline)
    notes.push_back("the weight alone takes " + std::to_string(std::uint64_t(port_cycles)) +
                    " cycles through the HBM ports of the cores that read it (" +
                    (shared ? "AICs and their prefetching AIVs"
                     : msd  ? "AICs"
                            : "AIVs") +
                    "), more than the chip-wide HBM figure: the ports bound the run");
  if (!msd)
    notes.push_back(std::string("dequant's weight round trip through the GM workspace (write ") +
                    (p.mx() ? "e4m3" : "bf16") +
                    ", read it back) is not in Table 8's traffic; it stays in L2 when it fits, so "
                    "the HBM figure can still hold");
  m.detail = Json{{"variant", msd::to_string(v)},
                  {"vector_ops", e.vector_ops},
                  {"cube_flops", e.cube_flops},
                  {"vector_cycles", e.vector_cycles},
                  {"cube_cycles", e.cube_cycles},
                  {"sync_cycles", e.sync_cycles},
                  {"hbm_cycles", e.hbm_cycles},
                  {"roofline_cycles", roofline},
                  {"weight_port_cycles", port_cycles},
                  {"hbm_weight_bytes", t.weight_bytes},
                  {"hbm_activation_bytes", t.activation_bytes},
                  {"hbm_output_bytes", t.output_bytes},
                  {"core_share", share},
                  {"notes", notes}};
  return m;
}

}  // namespace ascendsim::kernels
