// check_attn: the fp64 reference of dequant_attention / msd_attention and the per-element bound
// of attn_check.hpp. Every value comes from GM (Q, K_q, V_q, s_K, s_V, out and, for msd, the Q
// pieces and alpha_q the AIVs wrote); the kernels' arithmetic is not replayed, only bounded, by
// counting the roundings each term passes through on attn_pipeline.hpp's data path.
//
// The bound. Row i of a task, keys j = 1 .. M, output columns c; exact (fp64) quantities:
//   x_c = Q_c s_K[c], X_j = scale sum_c x_c Kq_jc, m = max_j X_j, w_j = exp(X_j - m),
//   L = sum_j w_j >= 1, p_j = w_j / L, V_jc = s_V[c] Vq_jc, ref_c = sum_j p_j V_jc.
//   u = 2^-24; gamma_n = n u / (1 - n u) bounds an n-term fp32 sum in any order (Higham,
//   Accuracy and Stability of Numerical Algorithms, 2nd ed., Lemma 3.1 and eq. 3.5).
// dequant's reference operands. Its bound is taken against the reference of the operands the
//   pipeline chose, K^ = bf16_RNE(fp32(s_K Kq)) and V^ = bf16_RNE(fp32(s_V Vq)) (MSD.md §3 /
//   §10: the baseline's declared format is "K, V -> BF16"; both conversions are deterministic,
//   so the check forms them exactly): in what follows, for dequant, x_c = Q_c, Kq_jc = K^_jc
//   and V_jc = V^_jc. Charging the worst case of those two roundings instead (2^-8 relative,
//   the bound's dominant term) leaves correct runs at ~1 % of the bound and lets a softmax
//   scale off by 1 - 3 % pass (caught now). A K / V cast that truncates instead of rounding
//   moves out by about half of P's remaining 2^-8 term, so it is caught only where the two line
//   up (the default small run of configs/runs/msd_attention.yaml, not every seed). The figures
//   (max_abs_error, rmse, l2_rel_error, frac_rel_error_above) stay against the true reference
//   (s_K Kq, s_V Vq exact); format_l2_rel_error is the l2 error against the K^, V^ one.
// 1. Scores. The kernel's S^_j = X_j + err, |err| <= delta_j:
//   dequant: the products Q K^ are exact in fp32 (8 x 8 bits), their d-term fp32 sum gamma_d,
//     FixPipe's x fl32(scale) 2 roundings: delta_j = scale A_j ((1 + gamma_d)(1 + u)^2 - 1),
//     A_j = sum_c |Q_c K^_jc|.
//   msd: x^_c = alpha (q1_c + q2_c / 254) (ws_q, ws_alpha) is off x_c by err_c (the whole split
//     error, fp32(Q s_K) included; ~ alpha / 508 (1 + 0.023) by Theorem 5.1 and docs/msd.md);
//     z_k = q_k Kq^T is exact in int32; S^ = fl(fl(fl(fl(z1) + fl(fl(z2) fl(1/254))) alpha)
//     fl(scale)): z1 passes 5 roundings, z2 7, so delta_j = scale (D_j + gamma_7 Z_j) with
//     D_j = sum_c |err_c| |Kq_jc|, Z_j = alpha (|z1_j| + |z2_j| / 254).
//   Both + 8 x 2^-126 (a step flushed to zero), dequant + scale 2^-126 (sum_c |Q_c| + d) (K^ or
//   a product flushed). Delta = max_j delta_j.
// 2. Softmax. m^ = max_j S^_j (exact) = m + c, |c| <= Delta. The AIV forms a^_j = fl(S^_j - m^)
//   = X_j - m - c + eta_j, |eta_j| <= delta_j + u (m - X_j + delta_j + Delta), and
//   e^_j = exp(a^_j)(1 + eps), |eps| <= 2^-22: e^_j = K w_j (1 + rho_j), K = e^-c,
//   |rho_j| <= r_j = e^eta_j (1 + 2^-22) - 1 (plus 2^-126 absolute should exp flush). K is common
//   to O and l and cancels; only absolute terms see it (1 / K <= e^Delta). l^ = the fp32 sum
//   of the e^_j (chunks of 256, then their adds): gamma_M.
// 3. O, divided by K L:
//   dequant: P^ = bf16(e^) (u_b = 2^-8), V^ exact (the reference's), exact products, an
//     M-term fp32 sum in L0C: O / (K L) = sum_j p_j V^_jc (1 + nu_j), |nu_j| <= mu_j =
//     (1 + r_j)(1 + u_b)(1 + gamma_M) - 1.
//   msd: t = fl(127 e^), q1 = RNE(t), r = t - q1 (exact; |r| <= min(1/2, t)), q2 = RNE(fl(254 r))
//     (|q2| <= 127: no saturation), so P^ = (q1 + q2 / 254) / 127 = e^ (1 + eps1) + zeta, |eps1|
//     <= u and |zeta| <= min(beta_P, (1 + 4u) e^), beta_P = (1 + 254 u) / (127 x 508): q2's
//     rounding (<= 1/2, and <= |fl(254 r)|, so a weight below ~1 / 64516 costs at most itself)
//     plus r's 254 u / 2, over 254 x 127. u_k = q_k Vq exact in int32 over all M keys (L0C);
//     FixPipe x s_V (2 roundings: int32 -> fp32, product), then (u1 + u2 fl(1/254)) fl(1/127):
//     u1 passes 5 roundings, u2 7: error <= gamma_7 sum_j m_j |V_jc|, m_j = (q1_j + |q2_j| /
//     254) / 127 <= 3.01 e^_j (t >= 1/2: q1 + |q2| / 254 <= t + 1.002 <= 3.004 t; t < 1/2:
//     q1 = 0, |q2| <= 2 fl(254 t)). So mu_j = (1 + r_j)(1 + u + 3.01 gamma_7) - 1, and zeta
//     adds the absolute z_j = min(beta_P e^Delta / L, (1 + 4u)(1 + r_j) p_j) per key.
// 4. Out. With l^ / (K L) = 1 + phi, |phi| <= Phi = sum_j p_j ((1 + r_j)(1 + gamma_M) - 1)
//   (+ tiny), O / (K L) = ref_c + a, |a| <= sum_j G_j |V_jc|, G_j = p_j mu_j + z_j (z_j = 0 for
//   dequant): O / l - ref_c = (a - ref_c phi) / (1 + phi), so
//     e_c = (sum_j G_j |V_jc| + Phi |ref_c| + tiny) / (1 - Phi).
//   The division (2 roundings, should it be a reciprocal and a product) and the cast:
//     e'_c = e_c + (2u + u^2)(|ref_c| + e_c),
//     bound_c = e'_c + u_out (|ref_c| + e'_c) + half out_dtype's smallest subnormal,
//   u_out = 2^-8 for bf16, 0 for fp32 (the division's rounding is the last).
//   Hull: O^ / l^ is nearly a convex combination of the V^_j whatever the scores, so also
//   e_c <= |ref_c| + hull max_j |V_jc|, hull = (1 + u_b)(1 + gamma_M) / (1 - gamma_M)
//   for dequant (P^ <= e^ (1 + u_b)) and (2 + 5u + 3.01 gamma_7) / (1 - gamma_M) for msd
//   (P^ <= (2 + 5u) e^ by step 3; the sum's error 3.01 gamma_7 e^): the smaller of the two is
//   taken, the hull alone when Phi >= 1 (scores so large that the score error flips the softmax:
//   dequant with |scale q k| ~ 100s).
//   tiny: (M + 8) 2^-124 e^Delta / L absolute (exp, P^, V^, products or FixPipe flushed to zero,
//   each below 2^-126), and M 2^-126 e^Delta / L in Phi (exp flushed in l).
// Not covered: fp32 underflow of the msd recombinations beyond the 8 x 2^-126 (it needs
// alpha scale near 2^-126), |S| or O overflowing fp32.
#include "kernels/msd/attn_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

#include "kernels/common/reference.hpp"
#include "kernels/msd/attn_check_inputs.hpp"
#include "kernels/msd/check_tally.hpp"
#include "kernels/msd/linear_plan.hpp"  // kAlphaCols: ws_alpha's 8-float rows
#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

using namespace attn_check_detail;

constexpr double kU = 0x1p-24;         // fp32 unit roundoff
constexpr double kExpError = 0x1p-22;  // one Vector exp, relative (a few ulps of fp32)
constexpr double kFlush = 0x1p-126;    // a result below fp32's normal range flushed to zero
constexpr double kTinyPerKey = 0x1p-124;
constexpr double kChainRoundings = 7;     // the msd recombinations of S and O (steps 1 and 3)
constexpr double kPieceMagnitude = 3.01;  // (q1 + |q2| / 254) / 127 <= 3.01 e^ (step 3)
// Work cap: up to 2^31 (query row, key, column) triples, tasks x N x M x (d + d_v), every task
// is checked; above it an evenly spread sample of tasks.
constexpr double kCheckedTriples = 2147483648.0;

// The bound's constants (the derivation above).
struct Bound {
  bool msd = false;
  double score_rel = 0;    // dequant: (1 + gamma_d)(1 + u)^2 - 1 (against K^)
  double chain_gamma = 0;  // msd: gamma_7
  double l_gamma = 0;      // gamma_M (l, dequant's O)
  double num_factor = 0;   // mu_j = (1 + r_j) num_factor - 1
  double beta_p = 0;       // msd: P's split error per key
  double hull = 0;         // |O / l^| <= hull max_j |V_jc| (step 4)
  double u_out = 0, out_tiny = 0;

  explicit Bound(const AttnParams& p) : msd(p.pipeline == LinearPipeline::msd) {
    const double u_b = unit_roundoff(DType::bf16);
    score_rel = (1 + gamma_n(double(p.head_dim), kU)) * (1 + kU) * (1 + kU) - 1;
    chain_gamma = gamma_n(kChainRoundings, kU);
    l_gamma = gamma_n(double(p.s_kv), kU);
    num_factor = msd ? 1 + kU + kPieceMagnitude * chain_gamma : (1 + u_b) * (1 + l_gamma);
    beta_p = (1 + kStep * kU) / (kFirst * 2 * kStep);
    hull = (msd ? 2 + 5 * kU + kPieceMagnitude * chain_gamma : (1 + u_b) * (1 + l_gamma)) /
           (1 - l_gamma);
    u_out = p.out_dtype == DType::fp32 ? 0.0 : unit_roundoff(p.out_dtype);
    out_tiny = smallest_positive(p.out_dtype) / 2;
  }
  // bound_c from e_c (step 4).
  double operator()(double ref, double e) const {
    const double r = std::fabs(ref);
    const double div = e + (2 * kU + kU * kU) * (r + e);
    return div + u_out * (r + div) + out_tiny;
  }
};

// Task t of die g (global index `task`): every real query row, every column of out.
// Row-wise softmax in fp64.
MatrixRd softmax(MatrixRd s) {
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    s.row(i).array() = (s.row(i).array() - s.row(i).maxCoeff()).exp();
    s.row(i) /= s.row(i).sum();
  }
  return s;
}

// dequant's operands: bf16_RNE(fp32(codes . s)) per element, as the AIV's convert forms them.
MatrixRd chosen(const MatrixRd& codes, const Eigen::RowVectorXd& s) {
  const MatrixRd exact = codes.array().rowwise() * s.array();
  return exact.unaryExpr([](double v) { return numeric::quantize(DType::bf16, double(float(v))); });
}

// Task t of die g (global index `task`): every real query row, every column of out. The bound
// goes to `tally`, against the reference of the operands the pipeline chose (dequant: K^, V^;
// msd: s_K K_q, s_V V_q); dequant's error against the true reference goes to `truth` (no bound).
void check_task(const AttnPlan& plan, const DieTensors& g, std::uint64_t t, std::uint64_t task,
                const Bound& b, BoundTally& tally, BoundTally& truth, std::uint64_t& rows) {
  const AttnParams& p = plan.params;
  const std::uint64_t n = p.queries, d = p.head_dim, dv = p.v_dim, keys = p.s_kv;
  const TaskQ q = decode_q(plan, g, t);
  const MatrixRd kq = decode_rows(*g.k, row_range(t * keys, keys), d);
  const MatrixRd k_hat = b.msd ? MatrixRd() : chosen(kq, q.s_k);
  // w: X (dequant: scale Q K^T), then p. h: delta, then r, then G (steps 1 - 3).
  MatrixRd w = b.msd ? MatrixRd(p.scale * (q.x * kq.transpose()))
                     : MatrixRd(p.scale * (q.qm * k_hat.transpose()));
  MatrixRd h;
  if (b.msd) {
    h = q.err * kq.cwiseAbs().transpose();
    const MatrixRd z =
        (q.q1 * kq.transpose()).cwiseAbs() + (q.q2 * kq.transpose()).cwiseAbs() / kStep;
    h.noalias() += b.chain_gamma * (q.alpha.asDiagonal() * z);
    h = p.scale * h;
    h.array() += 8 * kFlush;
  } else {
    h = (p.scale * b.score_rel) * (q.qm.cwiseAbs() * k_hat.cwiseAbs().transpose());
    for (Eigen::Index i = 0; i < h.rows(); ++i)
      h.row(i).array() += p.scale * kFlush * (q.q_abs_sum(i) + double(d)) + 8 * kFlush;
  }
  Eigen::VectorXd phi(h.rows()), tiny(h.rows());
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const double m = w.row(i).maxCoeff(), delta_max = h.row(i).maxCoeff();
    double l = 0;
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      const double a = w(i, j) - m, delta = h(i, j);
      const double eta = delta + kU * (-a + delta + delta_max);
      h(i, j) = std::expm1(eta) * (1 + kExpError) + kExpError;  // r_j
      w(i, j) = std::exp(a);
      l += w(i, j);
    }
    const double shift = std::exp(delta_max) / l;  // e^Delta / L
    double ph = 0;
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      const double pj = w(i, j) / l, r = h(i, j);
      w(i, j) = pj;
      h(i, j) = 0;
      if (pj == 0) continue;  // (r may be inf there)
      ph += pj * ((1 + r) * (1 + b.l_gamma) - 1);
      h(i, j) = pj * ((1 + r) * b.num_factor - 1);
      if (b.msd) h(i, j) += std::min(b.beta_p * shift, (1 + 4 * kU) * (1 + r) * pj);
    }
    phi(i) = ph + double(keys) * kFlush * shift * (1 + b.l_gamma);
    tiny(i) = double(keys + 8) * kTinyPerKey * shift;
    if (!(phi(i) < 1)) h.row(i).setZero();  // the hull bound alone (step 4); no inf x 0 below
  }
  const MatrixRd vq = decode_rows(*g.v, row_range(t * keys, keys), dv);
  const Eigen::RowVectorXd s_v = decode_rows(*g.s_v, {t * 16}, dv).row(0);
  const MatrixRd v_true = vq.array().rowwise() * s_v.array();
  const MatrixRd v = b.msd ? v_true : chosen(vq, s_v);
  const MatrixRd ref = w * v;
  const MatrixRd ref_true =
      b.msd ? MatrixRd() : MatrixRd(softmax(p.scale * (q.x * kq.transpose())) * v_true);
  const MatrixRd v_abs = v.cwiseAbs();
  const MatrixRd err = h * v_abs;
  const Eigen::RowVectorXd v_max = v_abs.colwise().maxCoeff();
  const MatrixRd got = decode_rows(*g.out, row_range(t * plan.n_pad, n), dv);
  for (Eigen::Index i = 0; i < ref.rows(); ++i) {
    for (Eigen::Index c = 0; c < ref.cols(); ++c) {
      const double hull = std::fabs(ref(i, c)) + b.hull * v_max(c);
      const double e =
          phi(i) < 1
              ? std::min(hull, (err(i, c) + phi(i) * std::fabs(ref(i, c)) + tiny(i)) / (1 - phi(i)))
              : hull;
      const auto where = [&] {
        Json j{{"task", task}, {"row", std::uint64_t(i)}, {"column", std::uint64_t(c)}};
        if (!b.msd) j["true_reference"] = ref_true(i, c);
        return j;
      };
      tally.add(ref(i, c), got(i, c), b(ref(i, c), e), where);
      if (!b.msd) truth.add(ref_true(i, c), got(i, c), HUGE_VAL, where);
    }
  }
  rows += n;
}

}  // namespace

CheckResult check_attn(const AttnPlan& plan, const isa::Program& result) {
  CheckResult res;
  const AttnParams& p = plan.params;
  const bool msd = p.pipeline == LinearPipeline::msd;
  if (tensor(result, plan.tensor_name("q", 0), DType::bf16, plan.die_tasks[0] * plan.n_pad,
             p.head_dim)
          .data.empty())
    return res;  // timing-only
  res.performed = true;
  std::vector<DieTensors> dies;
  for (std::uint32_t d = 0; d < plan.dies; ++d) dies.push_back(die_tensors(plan, result, d));

  // All tasks, or an even sample of them above the work cap.
  const std::uint64_t tasks = p.tasks();
  const double per_task = double(p.queries) * double(p.s_kv) * double(p.head_dim + p.v_dim);
  const double fit = std::floor(kCheckedTriples / std::max(per_task, 1.0));
  const std::vector<std::uint64_t> checked = sample_rows(
      tasks, std::uint64_t(std::clamp(fit, 1.0, double(std::max<std::uint64_t>(tasks, 1)))));
  const Bound bound(p);
  BoundTally tally, truth;  // truth: dequant's error against the true reference
  std::uint64_t rows = 0;
  for (const std::uint64_t task : checked)
    for (std::uint32_t d = 0; d < plan.dies; ++d)
      if (task >= plan.die_task0[d] && task < plan.die_task0[d] + plan.die_tasks[d])
        check_task(plan, dies[d], task - plan.die_task0[d], task, bound, tally, truth, rows);

  Json& x = res.extra;
  if (msd) {
    tally.report(res);
  } else {  // the error figures against the true reference, pass and bound ratio against K^, V^
    truth.report(res);
    res.passed = tally.failures == 0;
    x["worst_bound_ratio"] = tally.worst_ratio;
    const ErrorMetrics& m = tally.metrics;
    x["format_l2_rel_error"] =
        m.sum_sq_error == 0 ? 0.0 : std::sqrt(m.sum_sq_error / m.sum_sq_reference);
  }
  x["bound"] =
      msd ? "(sum_j G_j |V_jc| + Phi |ref_c| + tiny) / (1 - Phi), then O / l (2u) and the cast "
            "(u_out); G_j = p_j ((1 + r_j)(1 + u + 3.01 gamma_7) - 1) + min(beta_P e^Delta / L, "
            "(1 + 4u)(1 + r_j) p_j), beta_P = (1 + 254u) / (127 x 508), Phi = sum_j p_j ((1 + "
            "r_j)(1 + gamma_M) - 1), r_j = e^eta_j (1 + 2^-22) - 1, eta_j = delta_j + u (m - "
            "x_j + delta_j + Delta), delta_j = scale (sum_c |x_c - x^_c| |K_jc| + gamma_7 alpha "
            "(|z1_j| + |z2_j| / 254)), Delta = max_j delta_j (attn_check.cpp)"
          : "against the reference of the operands the pipeline chose (MSD.md: K, V -> BF16), "
            "ref = softmax(scale Q K^T) V^, K^ = bf16_RNE(fp32(s_K K_q)), V^ = "
            "bf16_RNE(fp32(s_V V_q)), so K's and V's deterministic roundings are not charged as "
            "worst cases (the error figures stay against the true reference; "
            "format_l2_rel_error is against this one): (sum_j G_j |V^_jc| + Phi |ref_c| + tiny) "
            "/ (1 - Phi), then O / l (2u) and the cast (u_out); G_j = p_j ((1 + r_j)(1 + "
            "2^-8)(1 + gamma_M) - 1), Phi = sum_j p_j ((1 + r_j)(1 + gamma_M) - 1), r_j = "
            "e^eta_j (1 + 2^-22) - 1, eta_j = delta_j + u (m - x_j + delta_j + Delta), delta_j = "
            "scale sum_c |Q_c K^_jc| ((1 + gamma_d)(1 + u)^2 - 1) (attn_check.cpp)";
  if (msd) {
    x.update(activation_fields(plan, dies));
    // Q's split must meet Theorem 5.1 up to the Vector's fp32 arithmetic: the split's own
    // rounding, 2 step u (6 first + 1) (linear_check.cpp derives it), plus Q . s_K rounded once
    // to fp32 before the split (x here is the exact product): <= M u, 2 first step u in ratio.
    // Without this gate the bound's D term, computed from the pieces themselves, would let a
    // wrong split pass.
    const double limit = 1 + 2 * kStep * kU * (6 * kFirst + 1) + 2 * kFirst * kStep * kU;
    x["activation_bound_limit"] = limit;
    if (x["activation_bound_ratio"].get<double>() > limit) res.passed = false;
  }
  tally.finish(res);
  x["rows_checked"] = rows;
  x["tasks_checked"] = checked.size();
  x["sampled"] = checked.size() < tasks;
  return res;
}

}  // namespace ascendsim::kernels
