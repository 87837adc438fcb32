#pragma once
// What an AIV of the MLA-decode pipeline holds and the online-softmax part of V1 that every
// variant shares; the variants (kernels/amla, kernels/flash_attention) add how P is scaled,
// how O is rescaled between blocks and the final division.
//
// UB (per AIV, 192 KiB): S sub-tiles 2 x 16x512 fp32, P sub-tiles 2 x 16x512 (dtype), two
// 32 KiB work tiles (AMLA: 64x128 int32 nUpdate broadcasts; FA: 16x512 fp32 O tiles), and the
// per-row statistics of the AIV's half of the row group (one fp32 per row each).
// Per-row statistics are used through two views of the same bytes: a 16 x 1 column where a
// row-broadcast op or a row reduction needs it, and a 1 x 16 row where elementwise ops work
// on them (one 64-byte repeat instead of 16 single-row repeats, as a kernel would address a
// contiguous stats array).
//
// Intra-core flags of the AIV (event ids per pipe pair):
//   MTE2 -> V id b / V -> MTE2 id b (b = 0, 1): S sub-tile b full / free
//   V -> MTE3 id b / MTE3 -> V id b:             P (or output) sub-tile b full / free
//   ids 2, 3 of the same pairs: the two work tiles (the variants use them)
//
// KV prefetch (kv_prefetch): at the end of each of its iterations an AIV reads one 32-byte
// piece of every 512-byte L2 line of its half of the pages of the task after next, into a
// scratch tile nobody reads. The L2 fetches whole lines, so the AIC's K loads of that task hit
// L2 instead of streaming the cache at the AIC's own 32 B/cycle HBM read rate (which alone
// would take as long as C1's mmads: 576 KiB / 32 = 18,432 cycles). The reads use the AIVs'
// HBM rates, idle otherwise. CANN's AMLA has no such step (AMLA.md §7); it is this model's
// answer to the per-core HBM rate it reads from the .ini (HARDWARE.md §1, a [C] reading),
// and `kv_prefetch: false` shows its cost. Placed at the end of an iteration, the read is
// landed long before the AIV's MTE2 sets its next flag (a set waits for the pipe's transfers).
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/mla_decode/mla_pipeline.hpp"

namespace ascendsim::kernels {

struct MlaStats {
  Tile m, l, alpha, mx, rs, n, n_prev, r, rhat, cof, cof_prev, t0, t1;
  std::array<Tile, 2> lden;  // final denominators, ping-pong by row group (V2 runs one late)
  Tile nint;                 // int32
  Tile rb;                   // dtype: r rounded to P's format
};

class MlaAiv {
 public:
  MlaAiv(CoreBuilder& core, const MlaPlan& plan, const MlaDieTensors& gm, std::uint32_t half);

  CoreBuilder& c;
  const MlaPlan& plan;
  const MlaDieTensors& gm;
  const std::uint32_t half;        // 0 or 1: which half of every row group
  const std::uint32_t rows;        // rows of a half (plan.half)
  std::array<Tile, 2> s, p, work;  // raw 32 KiB / 16 KiB tiles (see views below)
  Tile touch;                      // the prefetch's scratch: 288 pieces of 32 B
  MlaStats st;
  std::uint64_t s_cursor = 0, p_cursor = 0, work_cursor = 0, group_count = 0;

  // Views of a statistic for rows [16 i, 16 i + 16) of this half.
  static Tile col(const Tile& stat, std::uint32_t i);
  static Tile row(const Tile& stat, std::uint32_t i);
  // First row of this AIV's half of `t`'s row group in the die tensors / in its ws slot.
  std::uint64_t group_row(const MlaTaskRef& t) const;
  std::uint64_t ws_row(const MlaTaskRef& t) const;
  std::uint32_t subtiles() const { return rows / kSubRows; }
  // A dense view of a raw UB tile.
  static Tile shaped(const Tile& raw, DType t, std::uint32_t r, std::uint32_t c);

  // V1's shared part for sub-tile i: S (16 x tokens_pad) into UB, mask the padding tokens,
  // scale, running max m, P~ = exp(S - m), running sum l (with alpha = exp(m_old - m)). Returns
  // the S buffer index holding P~; the variant then writes P from it and releases it.
  std::uint32_t softmax(const MlaTaskRef& t, std::uint32_t i);
  void release_s(std::uint32_t b);  // V is done with S buffer b
  // P buffer b for the caller to fill (waits for MTE3 to have drained it), then its copy to GM.
  std::uint32_t acquire_p();
  void store_p(std::uint32_t b, const Tile& dst_gm, const Tile& src);
  // Touches every L2 line of this AIV's half of the pages of `t`'s KV block.
  void prefetch(const MlaTaskRef& t);
};

}  // namespace ascendsim::kernels
