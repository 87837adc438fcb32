// The closed-form figures beside a dequant_attention / msd_attention run: MSD.md Table 5's
// Vector op counts and 4NMd cube work per KV head, §4.4.4's 5Md / 2Md HBM bytes, combined as
// the linear layer's T = max(T_vector, T_cube) (eqs 36-41, T_sync ~ 0) with this chip's rates
// scaled to the AICs used. Table 5 has one head dim d; with d_k != d_v (MLA) it is evaluated
// at d = (d_k + d_v) / 2, which keeps 4NMd and the KV bytes exact (a note says so).
#include <algorithm>

#include "kernels/msd/attn_kernel.hpp"
#include "kernels/msd/attn_plan.hpp"
#include "kernels/msd/msd_model.hpp"

namespace ascendsim::kernels {

ModelPrediction attn_model(const AttnPlan& plan, const config::HardwareConfig& hw) {
  const AttnParams& p = plan.params;
  const bool msd = p.pipeline == LinearPipeline::msd;
  const double d = 0.5 * (double(p.head_dim) + double(p.v_dim)), tasks = double(p.tasks());
  const msd::AttentionModel a =
      msd::attention_model({p.queries, p.s_kv, std::uint64_t(d), kAttnKeyTile});
  const msd::AttentionCrossover x =
      msd::attention_crossover(p.s_kv, std::uint64_t(d), kAttnKeyTile);
  msd::LatencyRates r = msd::latency_rates(hw);
  const double share = double(plan.cores.size()) / double(hw.total_aic());
  const double vec_ops = tasks * (msd ? a.msd_vector_ops : a.dequant_vector_ops);
  const double vec_cycles = vec_ops / (r.vector_ops_per_cycle * share);
  // 4NMd bf16-equivalent FLOPs; MSD's 8NMd int8 FLOPs at twice the rate take the same time.
  const double cube_cycles = tasks * a.cube_bf16_equiv_flops / (r.gemm_bf16 * share);
  const double hbm = tasks * (msd ? a.msd_hbm_bytes : a.dequant_hbm_bytes);
  const double hbm_cycles = hbm / r.hbm_bytes_per_cycle;
  ModelPrediction m;
  m.cycles = std::max(vec_cycles, cube_cycles);
  m.hbm_bytes = hbm;
  m.bound = vec_cycles > cube_cycles ? "vector" : "cube";
  Json notes = Json::array();
  for (const auto& n : a.notes) notes.push_back(n);
  notes.push_back("the paper's T has no HBM term; hbm_cycles is the 5Md / 2Md traffic over R_hbm");
  if (hbm_cycles > m.cycles)
    notes.push_back("the KV traffic takes " + std::to_string(std::uint64_t(hbm_cycles)) +
                    " cycles at the chip's HBM rate, above T (" +
                    std::to_string(std::uint64_t(m.cycles)) + "): the run is memory-bound");
  // Not in the paper: the busiest AIC's share of int8 K and V through the HBM ports of the
  // cores that read it (msd: the AIC; dequant: its two AIVs), the plan's task imbalance included.
  std::uint64_t busiest = 0;
  for (const auto& c : plan.cores) busiest = std::max<std::uint64_t>(busiest, c.tasks.size());
  const double kv_bytes = double(busiest) * double(p.s_kv) * (p.head_dim + p.v_dim);
  const double port_cycles =
      msd ? kv_bytes / hw.aic.port.hbm_read_bytes_per_cycle
          : kv_bytes / (hw.aiv_per_aic * hw.aiv.port.hbm_read_bytes_per_cycle);
  if (port_cycles > std::max(m.cycles, hbm_cycles))
    notes.push_back("the busiest AIC's " + std::to_string(busiest) +
                    " tasks read their int8 K and V through " +
                    (msd ? std::string("its HBM port") : std::string("its AIVs' HBM ports")) +
                    " in " + std::to_string(std::uint64_t(port_cycles)) +
                    " cycles: the ports bound the run; the rest is the hand-offs between S, "
                    "the softmax and O (sync.aic_cross_core_wait_share)");
  if (p.head_dim != p.v_dim)
    notes.push_back("Table 5 has one d; evaluated at (d_k + d_v) / 2 = " + std::to_string(int(d)));
  if (!msd)
    notes.push_back(
        "5Md counts the bf16 K / V round trip through HBM; the workspace stays in L2 "
        "when it fits, so the measured HBM bytes can be near 2Md");
  m.detail = Json{{"vector_ops", vec_ops},
                  {"vector_cycles", vec_cycles},
                  {"cube_cycles", cube_cycles},
                  {"hbm_cycles", hbm_cycles},
                  {"roofline_cycles", std::max(m.cycles, hbm_cycles)},
                  {"kv_port_cycles", port_cycles},
                  {"hbm_ratio_model", a.hbm_ratio},
                  {"vector_ratio_model", a.vector_ratio},
                  {"crossover_n", x.full},
                  {"crossover_n_dominant", x.dominant_term},
                  {"core_share", share},
                  {"notes", notes}};
  return m;
}

}  // namespace ascendsim::kernels
