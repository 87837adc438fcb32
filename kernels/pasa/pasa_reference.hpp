#pragma once
// fp64 references for one attention head: PASA's tiled recurrence (PASA.md §3.2-§3.3, §5.2,
// §5.3) and plain softmax attention. Plain C++ on Eigen doubles, no hardware.
//
// What pasa_attention_fp64 models: the algorithm of PASA.md §3.3 with its tiling (B_r query
// rows x n key columns), K~_j = M_s^T K_j computed once per KV block and reused by every query
// block, the shifted scores S~ = Q_i K~_j^T, the row mean taken before masking, the running
// pseudo-average abar, the delta / delta' re-referencing ("global recovering"), and the padding,
// masking and block skipping of PASA.md §5.2-§5.3. What it abstracts away: every fp16 / bf16
// rounding (M_s, K~, S~, the Vector statistics and O are all doubles here, so the beta fixed
// point of pasa_beta.hpp plays no role), the Cube / Vector split and all timing.
// Invariant (PASA.md §3.5): m + gamma abar is the running max of the true scaled scores, so l and
// O are FA-2's running sum and output and O / l equals softmax attention for every beta in
// (0, 1) up to double rounding.
//
// Conventions:
//  * causal masks are bottom-right aligned: query row r (0-based) sees key c iff
//    c <= r + (N_k - N_q); so N_q = 1 (decode) sees every key, the last row of the N_k x N_k
//    mask. Causal with N_q > N_k is rejected (the first rows would see no key).
//  * padding (PASA.md §5.2): N_k is rounded up to a multiple of n with ZERO keys and values.
//    PASA's script pads with zeros only when N_k < n and otherwise repeats the last real keys;
//    both are masked with -inf, so softmax is unaffected, but the padded keys do enter the block
//    mean (PASA.md §10). The row mean a is over all n columns, padded ones included. Zero
//    padding dilutes the last block's mean (kbar = (L / n) x real mean for L real keys), so for
//    biased keys its shift is weaker: N_k = 300, d = 64, mean 30, beta 0.9375 gives max |S~|
//    4917 against 480 when N_k = 256 (PasaRefStats::max_abs_shifted). The script's repetition
//    keeps the last block's mean representative.
//  * skipping (PASA.md §5.3): with skip_masked_blocks a row's KV block is skipped when all its n
//    columns are masked for that row (the row's state and abar are left as they were: abar is
//    the mean over the blocks that row actually processed); a tile whose rows are all skipped is
//    not computed at all. Without skipping, such a row gets rowmax = -inf, exp(-inf + inf) = NaN
//    and a NaN output (PASA.md §9.5).
#include <cstdint>
#include <optional>

#include "kernels/common/reference.hpp"

namespace ascendsim::kernels::pasa {

struct PasaRefParams {
  double beta = 0.9375;            // shift strength in (0, 1) (`afa`, PASA.md §3.4)
  std::int64_t block_rows = 128;   // B_r: query rows per tile (> 0)
  std::int64_t block_cols = 128;   // n = B_c: keys per tile and size of M (> 0)
  std::optional<double> scale;     // softmax scale s; unset: 1 / sqrt(d)
  bool causal = false;             // bottom-right aligned causal mask (see above)
  bool skip_masked_blocks = true;  // skip fully masked blocks (PASA.md §5.3)
};

// Counts from one pasa_attention_fp64 call (optional out-parameter).
struct PasaRefStats {
  std::int64_t tiles_computed = 0;  // B_r x n tiles whose S~ was formed
  std::int64_t tiles_skipped = 0;   // tiles with every row fully masked (skipped)
  double max_abs_shifted = 0;       // max |S~| over computed tiles, before masking (PASA.md §9.4)
};

// M_s = s (I_n - (beta / n) J), n x n, in double (PASA.md §3.2).
MatrixRd pasa_shift_matrix(std::int64_t n, double beta, double scale);
// K~_j = M_s^T K_j for one KV block of n = k_block.rows() keys: row t is s (k_t - beta kbar_j).
MatrixRd pasa_shift_keys(const MatrixRd& k_block, double beta, double scale);

// PASA attention of q (N_q x d) over k (N_k x d) and v (N_k x d_v): N_q x d_v. Throws
// std::invalid_argument on mismatched shapes, N_k = 0, beta outside (0, 1), block sizes < 1, a
// non-positive scale, or causal with N_q > N_k.
MatrixRd pasa_attention_fp64(const MatrixRd& q, const MatrixRd& k, const MatrixRd& v,
                             const PasaRefParams& p = {}, PasaRefStats* stats = nullptr);

// softmax(scale q k^T + mask) v, max-subtracted per row, same causal convention; same errors.
MatrixRd softmax_attention_fp64(const MatrixRd& q, const MatrixRd& k, const MatrixRd& v,
                                double scale, bool causal);

}  // namespace ascendsim::kernels::pasa
