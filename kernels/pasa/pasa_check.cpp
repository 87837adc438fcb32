// check_pasa: the prefill kernels' output against fp64 softmax attention (pasa_check.hpp).
#include "kernels/pasa/pasa_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/common/reference.hpp"
#include "kernels/pasa/pasa_reference.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {

using numeric::DType;
namespace {

MatrixRd rows_of(const isa::TensorDecl& t, std::uint64_t first, std::uint64_t count,
                 std::uint64_t cols) {
  std::vector<std::uint64_t> index(count);
  for (std::uint64_t i = 0; i < count; ++i) index[i] = first + i;
  return decode_rows(t, index, cols);
}

}  // namespace

CheckResult check_pasa(const PasaPlan& plan, const isa::Program& result) {
  CheckResult res;
  const PasaParams& p = plan.params;
  const std::uint64_t d = p.head_dim, heads = std::uint64_t(p.batch) * p.q_heads;
  const auto& q =
      expect_tensor(result, "pasa check", "q", DType::fp16, heads * plan.q_rows_pad(), d);
  if (q.data.empty()) return res;  // timing-only
  res.performed = true;
  const std::uint64_t kv_rows = std::uint64_t(p.batch) * p.kv_heads * plan.kv_rows_pad();
  const auto& k = expect_tensor(result, "pasa check", "k", DType::fp16, kv_rows, d);
  const auto& v = expect_tensor(result, "pasa check", "v", DType::fp16, kv_rows, d);
  const auto& out =
      expect_tensor(result, "pasa check", "out", p.out_dtype, heads * plan.q_rows_pad(), d);
  ErrorMetrics m;
  double max_v = 0, max_score = 0, max_abs_dot = 0, sum_sq_v = 0, count_v = 0, spread = 0;
  double shift_abs_dot = 0;  // pasa: max scale sum |q| (|k| + beta colmax |k|) >= sum |q k~|
  std::vector<MatrixRd> outs, refs;        // per head, kept for the per-element gates below
  std::vector<Eigen::RowVectorXd> lo, hi;  // per head: V's column minima and maxima
  for (std::uint32_t b = 0; b < p.batch; ++b)
    for (std::uint32_t h = 0; h < p.q_heads; ++h) {
      const std::uint64_t head = std::uint64_t(b) * p.q_heads + h;
      const std::uint64_t kv = (std::uint64_t(b) * p.kv_heads + h / p.group()) * plan.kv_rows_pad();
      const MatrixRd qh = rows_of(q, head * plan.q_rows_pad(), p.s_q, d);
      const MatrixRd kh = rows_of(k, kv, p.s_kv, d), vh = rows_of(v, kv, p.s_kv, d);
      const MatrixRd ref = pasa::softmax_attention_fp64(qh, kh, vh, p.scale, p.causal);
      const MatrixRd got = rows_of(out, head * plan.q_rows_pad(), p.s_q, d);
      for (Eigen::Index i = 0; i < ref.rows(); ++i)
        for (Eigen::Index c = 0; c < ref.cols(); ++c) m.add(ref(i, c), got(i, c));
      lo.push_back(vh.colwise().minCoeff());
      hi.push_back(vh.colwise().maxCoeff());
      spread = std::max(spread, (hi.back() - lo.back()).maxCoeff());
      outs.push_back(got);
      refs.push_back(ref);
      max_v = std::max(max_v, vh.cwiseAbs().maxCoeff());
      sum_sq_v += vh.squaredNorm(), count_v += double(vh.size());
      max_score = std::max(max_score, (p.scale * qh * kh.transpose()).cwiseAbs().maxCoeff());
      max_abs_dot =
          std::max(max_abs_dot, (p.scale * qh.cwiseAbs() * kh.cwiseAbs().transpose()).maxCoeff());
      if (p.variant == PasaVariant::pasa) {  // |k~| <= scale (|k| + beta |block mean|)
        const Eigen::RowVectorXd colmax = kh.cwiseAbs().colwise().maxCoeff();
        const MatrixRd kt = kh.cwiseAbs().rowwise() + p.beta * colmax;
        shift_abs_dot = std::max(shift_abs_dot,
                                 (p.scale * qh.cwiseAbs() * kt.transpose()).maxCoeff());
      }
    }
  const double u16 = std::ldexp(1.0, -11), u_out = unit_roundoff(p.out_dtype);
  const bool fp16_scores = p.variant != PasaVariant::fa_mixed;
  std::uint64_t blocks = 0;
  for (const PasaTask& t : plan.tasks) blocks = std::max(blocks, t.kv_blocks);
  // A score's exponent error delta: the Cube's fp32 accumulation over d products (worst case
  // gamma_d sum |q k|), and the roundings of the score: fa: its storage in S's type and the
  // scale multiply (u_s |S| each); pasa: K~'s fp16 rounding after its own fp32 sum over n keys
  // ((u16 + gamma_n) sum |q k~|) and S~'s fp16 storage (|S~| <= (1 + beta) max_score; M_s holds
  // the scale). Each weight then moves by a factor in [e^-delta, e^delta], the normalised ones
  // by [e^-2 delta, e^2 delta]: their total change is at most expm1(2 delta), and as both sets
  // sum to 1 the output moves by at most that times half of V's column spread.
  const double u32 = std::ldexp(1.0, -24), u_s = fp16_scores ? u16 : u32;
  auto gamma = [&](double n) { return n * u32 / (1 - n * u32); };
  const double delta =
      p.variant == PasaVariant::pasa
          ? (gamma(double(d)) + u16 + gamma(double(p.block_cols))) * shift_abs_dot +
                u16 * (1 + p.beta) * max_score
          : gamma(double(d)) * max_abs_dot + 2 * u_s * max_score;
  // The roundings after the weights, relative to max |v|: P to fp16, PV's cast (fp16 scores),
  // two per KV block in the O update (o_accum) and three per block in l's update plus its row
  // sum's final rounding (stats type), the output cast, and 2^-20 for the fp32 exp and sums.
  const double u_st = unit_roundoff(p.stats), blocks_d = double(blocks);
  const double rel = u16 + (fp16_scores ? u16 : 0.0) + 2 * blocks_d * unit_roundoff(p.o_accum) +
                     (3 * blocks_d + 1) * u_st + u_out + std::ldexp(1.0, -20);
  const double bound = rel * max_v + std::expm1(2 * delta) * spread / 2;
  const double rms_v = std::sqrt(sum_sq_v / std::max(count_v, 1.0));
  // Every output is a convex combination of its head's V rows, whatever the weights' errors:
  // outside V's column range by more than the roundings after the weights is wrong.
  const double hull_tol = rel * max_v;
  std::uint64_t outside = 0, beyond = 0;
  for (std::size_t h = 0; h < outs.size(); ++h)
    for (Eigen::Index i = 0; i < outs[h].rows(); ++i)
      for (Eigen::Index c = 0; c < outs[h].cols(); ++c) {
        const double y = outs[h](i, c);
        if (!std::isfinite(y)) continue;
        outside += y < lo[h](c) - hull_tol || y > hi[h](c) + hull_tol;
        beyond += std::fabs(y - refs[h](i, c)) > bound;
      }
  // With a non-finite output the error is unbounded: the figures are null rather than those of
  // the finite outputs alone, which would read as a small error (all-inf fa_fp16 gave 0).
  const bool finite = m.nonfinite == 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  res.max_abs_error = finite ? m.max_abs : nan;
  res.max_rel_error = finite ? m.max_rel : nan;
  res.rmse = finite ? m.rmse() : nan;
  res.compared = m.count + m.nonfinite;
  res.passed = m.nonfinite == 0 && outside == 0 && beyond == 0;
  Json& x = res.extra;
  x["nonfinite_outputs"] = m.nonfinite;
  x["rmse_over_rms_v"] = !finite ? Json(nullptr) : Json(rms_v > 0 ? res.rmse / rms_v : 0.0);
  x["rmse_over_rms_ref"] =
      !finite ? Json(nullptr) : Json(m.reference_rms() > 0 ? res.rmse / m.reference_rms() : 0.0);
  x["max_score"] = max_score;
  x["max_abs_dot"] = max_abs_dot;
  x["score_exponent_error"] = delta;
  x["error_bound"] = bound;
  x["beyond_bound"] = beyond;
  x["outside_v_range"] = outside;
  // A bound at or above V's spread admits any output inside the range: only finiteness and the
  // range are then tested (fp16 scores on biased inputs).
  x["bound_exceeds_v_spread"] = bound >= spread;
  x["bound"] =
      "(2^-11 + u_pv + 2 T u_o + (3 T + 1) u_stats + u_out + 2^-20) max|v| + "
      "expm1(2 delta) spread(V) / 2, delta = score_exponent_error (pasa_check.hpp)";
  return res;
}

}  // namespace ascendsim::kernels
