// The inputs of the attention check (attn_check_inputs.hpp): GM tensors read back, a task's
// query rows and MSD's Q pieces, and the activation_* fields of MSD's Q split.
#include "kernels/msd/attn_check_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/msd/linear_plan.hpp"  // kAlphaCols, kSplitFloor
#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels::attn_check_detail {

const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name, DType t,
                              std::uint64_t rows, std::uint64_t cols) {
  return expect_tensor(p, "attn check", name, t, rows, cols, /*at_least_rows=*/true);
}

DieTensors die_tensors(const AttnPlan& plan, const isa::Program& result, std::uint32_t d) {
  const AttnParams& p = plan.params;
  const std::uint64_t t = plan.die_tasks[d];
  const auto name = [&](const char* base) { return plan.tensor_name(base, d); };
  DieTensors g;
  g.q = &tensor(result, name("q"), DType::bf16, t * plan.n_pad, p.head_dim);
  g.k = &tensor(result, name("k"), DType::int8, t * p.s_kv, p.head_dim);
  g.v = &tensor(result, name("v"), DType::int8, t * p.s_kv, p.v_dim);
  g.s_k = &tensor(result, name("s_k"), DType::fp32, t * 16, p.head_dim);
  g.s_v = &tensor(result, name("s_v"), DType::fp32, t * 16, p.v_dim);
  g.out = &tensor(result, name("out"), p.out_dtype, t * plan.n_pad, p.v_dim);
  if (p.pipeline == LinearPipeline::msd) {
    g.ws_q = &tensor(result, name("ws_q"), DType::int8, t * 2 * plan.n_pad, p.head_dim);
    g.ws_alpha = &tensor(result, name("ws_alpha"), DType::fp32, t * plan.n_pad, kAlphaCols);
  }
  return g;
}

std::vector<std::uint64_t> row_range(std::uint64_t first, std::uint64_t count) {
  std::vector<std::uint64_t> rows(count);
  std::iota(rows.begin(), rows.end(), first);
  return rows;
}

TaskQ decode_q(const AttnPlan& plan, const DieTensors& g, std::uint64_t t) {
  const AttnParams& p = plan.params;
  const std::uint64_t n = p.queries, d = p.head_dim;
  TaskQ q;
  q.qm = decode_rows(*g.q, row_range(t * plan.n_pad, n), d);
  q.s_k = decode_rows(*g.s_k, {t * 16}, d).row(0);
  q.x = q.qm.array().rowwise() * q.s_k.array();
  q.q_abs_sum = q.qm.cwiseAbs().rowwise().sum();
  if (!g.ws_q) return q;
  q.q1 = decode_rows(*g.ws_q, row_range(t * 2 * plan.n_pad, n), d);
  q.q2 = decode_rows(*g.ws_q, row_range(t * 2 * plan.n_pad + plan.n_pad, n), d);
  q.alpha.resize(Eigen::Index(n));
  q.err.resize(Eigen::Index(n), Eigen::Index(d));
  for (Eigen::Index i = 0; i < Eigen::Index(n); ++i) {
    const double a = numeric::load_element(DType::fp32, g.ws_alpha->data.data(),
                                           (t * plan.n_pad + std::uint64_t(i)) * kAlphaCols);
    q.alpha(i) = a;
    const double max_x = q.x.row(i).cwiseAbs().maxCoeff();
    if (a == 0) {  // x^ = 0: the error is x; the ratio M over the bound
      q.err.row(i) = q.x.row(i).cwiseAbs();
      q.split_ratio = std::max(q.split_ratio, max_x == 0 ? 0.0 : 2 * kFirst * kStep);
      continue;
    }
    // |x / (alpha / 254) - (254 q1 + q2)| (alpha / 254), as linear_check: the integer sum is
    // exact, and so is x 254 / alpha when alpha is a power of two (no fp64 push over a tie).
    const Eigen::RowVectorXd scaled =
        (q.x.row(i) * (kStep / a) - (kStep * q.q1.row(i) + q.q2.row(i))).cwiseAbs();
    q.err.row(i) = scaled * (a / kStep);
    // |e| / (M / (2 127 254)) = 2 |e / (alpha / 254)| 127 alpha / M; rows below kSplitFloor are
    // split at the floor's scale by design (Theorem 5.1 does not apply to them).
    if (max_x >= kSplitFloor)
      q.split_ratio = std::max(q.split_ratio, 2 * scaled.maxCoeff() * (kFirst * a) / max_x);
  }
  return q;
}

// msd: the Q split over every task (the extra fields activation_*).
Json activation_fields(const AttnPlan& plan, const std::vector<DieTensors>& dies) {
  double sq_err = 0, sq_x = 0, worst = 0;
  for (std::uint32_t d = 0; d < plan.dies; ++d)
    for (std::uint64_t t = 0; t < plan.die_tasks[d]; ++t) {
      const TaskQ q = decode_q(plan, dies[d], t);
      sq_err += q.err.squaredNorm();
      sq_x += q.x.squaredNorm();
      worst = std::max(worst, q.split_ratio);
    }
  return Json{{"activation_effective_bits",
               sq_err == 0 ? Json("inf") : Json(-0.5 * std::log2(sq_err / sq_x))},
              // The worst row's log2(M / max |x - x_hat|) (MSD.md's "bits against the max").
              {"activation_max_bits",
               worst == 0 ? Json("inf") : Json(std::log2(2 * kFirst * kStep / worst))},
              {"activation_bound_ratio", worst}};
}

}  // namespace ascendsim::kernels::attn_check_detail
