#pragma once
// The MLA-decode pipeline shared by `amla`, `fa_preload` and `fa_serial` (AMLA.md §4-§7): the
// stages of one task (row group x 512-token KV block) and the cross-core hand-offs.
//
//   C1  AIC  S = Q K^T           GM -> L1 (Q 4 x 128x288, K 128x288) -> L0 (K 96) -> L0C -> ws_s
//   V1  AIV  online softmax of S, P -> ws_p (each AIV owns one half of the rows, 16 at a time)
//   R   AIV  the rescale of O between C2(k-1) and C2(k): AMLA's int32 add of dN * 2^23 onto
//            O's bits (nUpdate) or FlashAttention's O * exp(m_old - m_new) through UB
//   C2  AIC  O += P V            GM -> L1 (P 128x256, V 256x128) -> L0 (K 128) -> L0C -> o_acc
//                                (FixPipe atomic fp32 add; a plain write at the first block)
//   V2  AIV  out = O / L, once per row group after its last block
//
// Order per engine. Preload (amla, fa_preload): the AIC runs C1(k) then C2(k-1), the AIVs run
// V1(k-1) + R(k-1) then V2(k-2); serial (fa_serial): C1(k) then C2(k), V1(k) + R(k) then V2(k).
// Cross-core flags (mode 2, AIC <-> both AIVs; an AIV-to-AIC flag opens when both AIVs set):
//   sync_c1v1  C1(k) wrote S(k)          sync_v1c2  both AIVs wrote P(k)
//   sync_c2v1  C2(k-1) landed in O       sync_v1r_c2 R(k) landed in O (C2(k) may add)
//   sync_c2v2  C2 of a group's last block landed: V2 may read O
// Workspaces ws_s / ws_p are ping-pong (slot = task index mod 2). C1(k) overwrites S slot k%2
// only after C2(k-2) passed its sync_v1c2 wait, i.e. after V1(k-2) finished reading S(k-2);
// V1(k) overwrites P slot k%2 only after R(k-1)'s sync_c2v1 (or V2(k-2)'s sync_c2v2) wait, i.e.
// after C2(k-2) finished reading P(k-2). No extra flags are needed for the ping-pong.
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/mla_decode/mla_plan.hpp"

namespace ascendsim::kernels {

namespace mla_sync {
inline constexpr std::uint8_t c1v1 = 1, v1c2 = 2, c2v1 = 3, v1r_c2 = 4, c2v2 = 5;
}

// The GM tensors of one die.
struct MlaDieTensors {
  GmTensor q, kv, o_acc, out, ws_s, ws_p;
};

// C1 tiling (AMLA.md §7): L1 Q/K tiles of 128 x 288 (K split in 2), L0 steps of K 96;
// C2: L1 P tiles of 128 x 256 tokens and V tiles of 256 tokens x 128, L0 steps of 128 tokens.
inline constexpr std::uint32_t kC1L1K = 288, kC1L0K = 96, kC1N = 128;
inline constexpr std::uint32_t kC2L1K = 256, kC2L0K = 128, kC2N = 128;
inline constexpr std::uint32_t kSubRows = 16;  // V1 works on 16-row sub-tiles (16 x 512 fp32)

struct MlaAicBuffers {
  std::array<Tile, 4> qp;  // L1 72 KiB each: Q (half, K-split) during C1, P (half, kt) in C2
  std::array<Tile, 3> kv;  // L1 72 KiB each, rotating: K tiles in C1, V tiles in C2
  std::array<Tile, 2> l0a, l0b;
  std::array<Tile, 2> l0c;  // 128 x 128 fp32
};
MlaAicBuffers allocate_aic(const CoreBuilder& core, const MlaPlan& plan);

// Where one task's data is: its workspace slot rows and its row group's rows.
struct MlaTaskRef {
  const MlaTask* task = nullptr;
  const MlaRowGroup* group = nullptr;
  std::uint32_t request = 0;
  std::uint64_t ws_row0 = 0;  // first row of this task's ws_s / ws_p slot
};
std::vector<MlaTaskRef> task_refs(const MlaPlan& plan, const MlaCoreWork& work);

// One AIC's whole program (C1 / C2 in the variant's order, with all intra-core flags).
void emit_aic(CoreBuilder& core, const MlaPlan& plan, const MlaDieTensors& gm,
              const std::vector<MlaTaskRef>& tasks);
// One AIV's whole program; `half` 0 or 1 picks its rows of every row group.
void emit_aiv(CoreBuilder& core, const MlaPlan& plan, const MlaDieTensors& gm,
              const std::vector<MlaTaskRef>& tasks, std::uint32_t half);

bool mla_preload(MlaVariant v);

}  // namespace ascendsim::kernels
