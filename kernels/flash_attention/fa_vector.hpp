#pragma once
// The classic FlashAttention rescale on the MLA-decode pipeline (`fa_preload`, `fa_serial`):
// P = cast(exp(S - m)) with no power-of-two scaling, and before C2(k) adds block k, O is
// brought from GM into UB 16 rows at a time, multiplied by alpha = exp(m_old - m_new) in fp32
// and written back. The 128 x 512 fp32 O of one AIV (256 KiB) does not fit its 192 KiB UB, so
// it makes this round trip every block: 256 KiB in and 256 KiB out per AIV per task, plus a
// full-tile vector multiply, where AMLA sends one int32 add per element to the L2.
#include <cstdint>

#include "kernels/mla_decode/mla_aiv.hpp"

namespace ascendsim::kernels {

void fa_init(MlaAiv& a);  // O work tiles start free (MTE3 -> MTE2 ids 0, 1)
void fa_release(MlaAiv& a);
// The variant part of V1 for sub-tile i (P~ in S buffer `b`): P = cast(P~); L = l at the end.
void fa_write_p(MlaAiv& a, const MlaTaskRef& t, std::uint32_t i, std::uint32_t b, const Tile& lden);
// After C2(k-1) landed: O *= alpha for this AIV's rows, through UB; then C2(k) may add.
void fa_rescale(MlaAiv& a, const MlaTaskRef& t);

}  // namespace ascendsim::kernels
