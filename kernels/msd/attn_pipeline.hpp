#pragma once
// The two INT8-KV decode attention pipelines (MSD.md §4.4, §8.3), per task = (request, KV head)
// with its N query rows against M keys; S is materialised per task in a GM workspace (a
// two-pass softmax over the whole row instead of FlashAttention's online one: decode rows are
// few, and it keeps the Vector's work per key the paper's Table 5 counts).
//
//   AIC  S = Q K^T over 128-key tiles -> ws_s          (dequant: K bf16 from ws_k; msd: the two
//        int8 pieces of Q . s_K against int8 K from GM, int32 partials to fp32)
//   AIV  softmax rows: pass 1 row max, pass 2 e = exp(S - m), l = sum e, P -> ws_p (dequant: bf16;
//        msd: two int8 pieces at the constant alpha_P = 1 / 127, max e = 1)
//   AIC  O = P V per 128-column tile of V -> ws_o        (msd: FixPipe applies s_V per column)
//   AIV  out = O / l
// dequant's AIVs also convert every K and V tile to bf16 with its per-channel scales into the
// AIC's ws_k / ws_v (the Vector -> GM -> Cube round trip); msd's fold s_K into Q and split it.
//
// Order (Preload, as AMLA's): AIC S(0), then S(t + 1) before O(t); AIV prepare(0) ([convert
// K, V | split Q]), then prepare(t + 1), out(t - 1), softmax(t): softmax(t) overlaps S(t + 1).
// Workspaces: two slots by task parity (dequant's ws_k / ws_v three). Each reuse is ordered by
// the flags below through the other engine's progress, e.g. V(t + 3) is converted after out(t),
// which waited for O(t), the last reader of V(t)'s slot; ws_s(t + 2) is written by S(t + 2),
// after O(t), which waited for P(t), written once softmax(t) had read S(t). The AIC's two L1
// Q slots carry their own MTE1 -> MTE2 flags.
// Cross-core flags (mode aic_aiv):
//   kKReady  AIVs -> AIC per key_group() K tiles (dequant)  kQReady AIVs -> AIC per task (msd)
//   (dequant's V(t) needs no flag: the AIVs convert it before softmax(t), whose kPReady set on
//   MTE3 waits for every earlier MTE3 transfer, the V workspace writes included)
//   kSDone  AIC -> AIVs, S(t) in ws_s   kPReady AIVs -> AIC, P(t)   kODone AIC -> AIVs, O(t)
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/msd/attn_plan.hpp"

namespace ascendsim::kernels {

namespace attn_sync {
inline constexpr std::uint8_t kKReady = 1, kQReady = 3, kSDone = 4, kPReady = 5, kODone = 6;
}

struct AttnDieTensors {
  GmTensor q, k, v, s_k, s_v, out;
  GmTensor ws_k, ws_v;      // dequant
  GmTensor ws_q, ws_alpha;  // msd
  GmTensor ws_s, ws_p, ws_o;
};

void emit_attn_aic(CoreBuilder& core, const AttnPlan& plan, const AttnDieTensors& gm,
                   const AttnCore& work);
void emit_attn_aiv(CoreBuilder& core, const AttnPlan& plan, const AttnDieTensors& gm,
                   const AttnCore& work, std::uint32_t half);

// Query rows [first, first + count) of a task that AIV `half` owns.
struct AttnRows {
  std::uint32_t first = 0, count = 0;
};
AttnRows attn_rows(const AttnPlan& plan, std::uint32_t half);

}  // namespace ascendsim::kernels
