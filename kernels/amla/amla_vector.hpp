#pragma once
// AMLA's Vector part (AMLA.md §3-§4): P scaled by a power of two instead of e^-m, and O
// rescaled in GM by an int32 atomic add on its bits (MUL by ADD).
//
// Per row, after the shared online softmax of V1 (m, l, P~ = exp(S - m)):
//   n    = round(-m / ln 2)                  (CAST_ROUND: ties away from zero)
//   r    = exp((m / ln 2 + n) ln 2)          = e^m 2^n, in [2^-1/2, 2^1/2]
//   r^   = r rounded to P's format and widened back
//   P    = cast(P~ r^)  -> ws_p for C2
//   cof  = r / r^                            (the scale P really carries is r^, not r)
//   block > 0:  dN = max(n - n_prev, -30),  eps = 1.5 (cof_prev / cof - 1) + 1e-6
//               N  = int32 round((dN + eps) 2^23);  O_int32[row, :] += N  (atomic, in GM)
//   last block: L = l r^
// The +1e-6 is kept as the CANN source has it (AMLA.md §4.2: purpose undocumented).
// `compensation: false` drops eps (the ablation of §4.2); `sanitize: false` skips V2's zeroing.
#include <cstdint>

#include "kernels/mla_decode/mla_aiv.hpp"

namespace ascendsim::kernels {

void amla_init(MlaAiv& a);     // the work tiles start free (MTE3 -> V ids 2, 3)
void amla_release(MlaAiv& a);  // and are waited free at the end
// The variant part of V1 for sub-tile i, whose P~ is in S buffer `b`: n, r, r^, P, cof, N, L.
void amla_write_p(MlaAiv& a, const MlaTaskRef& t, std::uint32_t i, std::uint32_t b,
                  const Tile& lden);
// nUpdate: after C2(k-1) landed, O_int32 += N for this AIV's rows; then C2(k) may add.
void amla_n_update(MlaAiv& a, const MlaTaskRef& t);

}  // namespace ascendsim::kernels
