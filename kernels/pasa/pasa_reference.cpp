// fp64 PASA recurrence and softmax attention (PASA.md §3.3, §5.2, §5.3); see pasa_reference.hpp
// for what is modelled, the masking convention and the padding choice.
#include "kernels/pasa/pasa_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/pasa/pasa_beta.hpp"

namespace ascendsim::kernels::pasa {
namespace {

using Index = Eigen::Index;
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_shapes(const char* who, const MatrixRd& q, const MatrixRd& k, const MatrixRd& v,
                  double scale, bool causal) {
  const std::string w = who;
  if (k.rows() == 0) throw std::invalid_argument(w + ": N_k must be > 0");
  if (q.cols() != k.cols()) throw std::invalid_argument(w + ": q and k head dims differ");
  if (v.rows() != k.rows()) throw std::invalid_argument(w + ": k and v row counts differ");
  if (!(scale > 0.0) || !std::isfinite(scale))
    throw std::invalid_argument(w + ": scale must be finite and > 0");
  if (causal && q.rows() > k.rows())
    throw std::invalid_argument(w + ": causal needs N_q <= N_k (bottom-right aligned mask)");
}

// Key c is visible to query row r: a real key and, if causal, c <= r + (N_k - N_q).
struct Mask {
  Index nk, offset;
  bool causal;
  bool visible(Index r, Index c) const { return c < nk && (!causal || c <= r + offset); }
  // Some key of the block starting at c0 is visible to row r: a row's visible keys are a prefix
  // [0, min(nk, r + offset + 1)), so this holds iff c0 itself is visible.
  bool any_visible(Index r, Index c0) const { return c0 < nk && (!causal || c0 <= r + offset); }
};

// Per-row online state for one query block (PASA.md §3.3): m in the frame of gamma abar.
struct RowState {
  MatrixRd o;                // unnormalised output, B_r x d_v
  std::vector<double> m, l;  // running max (shifted frame), running sum
  std::vector<double> abar;  // running mean of the processed blocks' shifted row means
  std::vector<Index> done;   // blocks processed so far (j in §3.3)
  RowState(Index rows, Index dv)
      : o(MatrixRd::Zero(rows, dv)), m(rows, -kInf), l(rows, 0), abar(rows, 0), done(rows, 0) {}
};

}  // namespace

MatrixRd pasa_shift_matrix(std::int64_t n, double beta, double scale) {
  const MatrixRd id = MatrixRd::Identity(n, n);
  return scale * (id - (beta / static_cast<double>(n)) * MatrixRd::Ones(n, n));
}

MatrixRd pasa_shift_keys(const MatrixRd& k_block, double beta, double scale) {
  return pasa_shift_matrix(k_block.rows(), beta, scale).transpose() * k_block;
}

MatrixRd pasa_attention_fp64(const MatrixRd& q, const MatrixRd& k, const MatrixRd& v,
                             const PasaRefParams& p, PasaRefStats* stats) {
  const double s = p.scale.value_or(1.0 / std::sqrt(static_cast<double>(q.cols())));
  check_shapes("pasa_attention_fp64", q, k, v, s, p.causal);
  if (p.block_rows < 1 || p.block_cols < 1)
    throw std::invalid_argument("pasa_attention_fp64: block_rows and block_cols must be >= 1");
  const double gamma = pasa_gamma(p.beta);  // throws for beta outside (0, 1)
  const Index n = p.block_cols, nq = q.rows(), nk = k.rows(), dv = v.cols();
  const Index tc = (nk + n - 1) / n;
  const Mask mask{nk, nk - nq, p.causal};
  PasaRefStats st;

  // Prep (§3.3, §5.2): pad K, V with zero rows to tc n; K~_j once per KV block, reused below.
  MatrixRd kp = MatrixRd::Zero(tc * n, k.cols()), vp = MatrixRd::Zero(tc * n, dv);
  kp.topRows(nk) = k;
  vp.topRows(nk) = v;
  const MatrixRd ms_t = pasa_shift_matrix(n, p.beta, s).transpose();
  MatrixRd kt(tc * n, k.cols());
  for (Index j = 0; j < tc; ++j) kt.middleRows(j * n, n) = ms_t * kp.middleRows(j * n, n);

  MatrixRd out(nq, dv);
  for (Index i0 = 0; i0 < nq; i0 += p.block_rows) {
    const Index rows = std::min<Index>(p.block_rows, nq - i0);
    RowState rs(rows, dv);
    for (Index j = 0; j < tc; ++j) {
      const Index c0 = j * n;
      std::vector<bool> live(rows, true);  // rows that process this block
      if (p.skip_masked_blocks)
        for (Index r = 0; r < rows; ++r) live[r] = mask.any_visible(i0 + r, c0);
      const bool any = std::find(live.begin(), live.end(), true) != live.end();
      if (!any) {  // §5.3: a fully masked tile is not computed
        ++st.tiles_skipped;
        continue;
      }
      ++st.tiles_computed;
      MatrixRd sc = q.middleRows(i0, rows) * kt.middleRows(c0, n).transpose();  // S~ (Cube)
      st.max_abs_shifted = std::max(st.max_abs_shifted, sc.cwiseAbs().maxCoeff());
      const Eigen::VectorXd a = sc.rowwise().mean();  // before the mask (§5.2)
      for (Index r = 0; r < rows; ++r)
        for (Index c = 0; c < n; ++c)
          if (!mask.visible(i0 + r, c0 + c)) sc(r, c) = -kInf;
      const Eigen::VectorXd mt = sc.rowwise().maxCoeff();
      const MatrixRd pt = (sc.colwise() - mt).array().exp().matrix();  // P~; NaN if mt = -inf
      const Eigen::VectorXd lt = pt.rowwise().sum();
      const MatrixRd pv = pt * vp.middleRows(c0, n);  // P~ V_j (Cube)
      for (Index r = 0; r < rows; ++r) {
        if (!live[r]) continue;
        const double t = static_cast<double>(rs.done[r]);
        const bool first = rs.done[r] == 0;
        const double abar_old = first ? a(r) : rs.abar[r];
        const double abar = a(r) / (t + 1.0) + abar_old * t / (t + 1.0);
        const double dj = gamma * (a(r) - abar);       // re-reference the new block
        const double dj1 = gamma * (abar_old - abar);  // re-reference the accumulated state
        const double mn = first ? mt(r) + dj : std::max(mt(r) + dj, rs.m[r] + dj1);
        const double c_new = std::exp(mt(r) + dj - mn);
        if (first) {
          rs.l[r] = c_new * lt(r);
          rs.o.row(r) = c_new * pv.row(r);
        } else {
          const double c_old = std::exp(rs.m[r] + dj1 - mn);
          rs.l[r] = c_old * rs.l[r] + c_new * lt(r);
          rs.o.row(r) = c_old * rs.o.row(r) + c_new * pv.row(r);
        }
        rs.m[r] = mn;
        rs.abar[r] = abar;
        ++rs.done[r];
      }
    }
    for (Index r = 0; r < rows; ++r) out.row(i0 + r) = rs.o.row(r) / rs.l[r];
  }
  if (stats) *stats = st;
  return out;
}

MatrixRd softmax_attention_fp64(const MatrixRd& q, const MatrixRd& k, const MatrixRd& v,
                                double scale, bool causal) {
  check_shapes("softmax_attention_fp64", q, k, v, scale, causal);
  const Mask mask{k.rows(), k.rows() - q.rows(), causal};
  MatrixRd sc = scale * (q * k.transpose());
  for (Index r = 0; r < sc.rows(); ++r)
    for (Index c = 0; c < sc.cols(); ++c)
      if (!mask.visible(r, c)) sc(r, c) = -kInf;
  const Eigen::VectorXd mx = sc.rowwise().maxCoeff();
  const MatrixRd e = (sc.colwise() - mx).array().exp().matrix();
  return ((e * v).array().colwise() / e.rowwise().sum().array()).matrix();
}

}  // namespace ascendsim::kernels::pasa
