// The W1 kernels' check (finom_check.hpp).
#include "kernels/finom/finom_check.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/common/reference.hpp"
#include "kernels/finom/finom_sinkhorn.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels::finom {

using numeric::DType;

namespace {

constexpr double kKvFloor = 0x1p-126;            // FLT_MIN (see the header)
constexpr double kKvTolerance = 1e-4;            // the fp32 bound on K v
constexpr double kAgreement = 1e-4;              // the w_eps agreement
constexpr std::uint64_t kDenseMax = 1ull << 24;  // M N up to which K v is checked densely

Json finite_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

}  // namespace

CheckResult check_w1(const FinomParams& params, const Problem& pr, std::uint32_t iterations,
                     bool iterations_auto, const NpuResult& npu) {
  CheckResult r;
  r.performed = true;
  const double eps = params.eps;
  const std::uint64_t m = pr.x.size(), n = pr.y.size();
  const bool dense = m * n <= kDenseMax;
  const FinomKernel fk(pr.x, pr.y, eps);
  const Vec kv = dense ? dense_kv(pr.x, pr.y, eps, npu.v) : fk.kv(npu.v);

  double kv_err = 0, sq = 0, max_abs = 0;
  std::uint64_t compared = 0, below = 0;
  bool finite =
      npu.u.allFinite() && npu.v.allFinite() && npu.kv.allFinite() && std::isfinite(npu.w_eps);
  for (Eigen::Index i = 0; i < kv.size(); ++i) {
    const double e = std::fabs(npu.kv(i) - kv(i));
    max_abs = std::max(max_abs, e);
    sq += e * e;
    if (kv(i) < kKvFloor) {
      ++below;
      continue;
    }
    const double rel = e / kv(i);
    if (!(rel <= kv_err) && !std::isnan(kv_err)) kv_err = rel;  // a NaN stays (reported null)
    ++compared;
  }
  const double marginal = (npu.u.cwiseProduct(kv) - pr.a).lpNorm<1>();

  SinkhornParams sp;
  sp.eps = eps;
  sp.tol = 0;  // exactly `iterations` iterations
  sp.max_iter = int(iterations);
  sp.dense_cost = false;
  const SinkhornResult ref = sinkhorn(pr.x, pr.a, pr.y, pr.b, sp);
  const double w_ref = ref.cost_finom;
  const double w_of_scalings = fk.cost(npu.u, npu.v);
  const double w1 = w1_exact(pr.x, pr.a, pr.y, pr.b);
  const double bias_bound = eps * std::log(double(m) * double(n));
  // relative to the reference; absolute (against the diameter 1) when the reference is 0
  const double agreement = std::fabs(npu.w_eps - w_ref) / (w_ref > 0 ? w_ref : 1.0);
  const double marginal_bound = std::max(params.tol, ref.marginal_error) + 2 * kv_err + 0x1p-22;

  const bool kv_ok = kv_err <= kKvTolerance;
  const bool agree_ok = agreement <= kAgreement;
  const double slack = kAgreement * std::max(w1, w_ref);  // the NPU's own w_eps allowance
  const bool bias_ok = npu.w_eps >= w1 - marginal - slack && npu.w_eps <= w1 + bias_bound + slack;
  const bool marginal_ok = !iterations_auto || marginal <= marginal_bound;
  r.passed = finite && kv_ok && agree_ok && bias_ok && marginal_ok;
  r.max_abs_error = max_abs;
  r.max_rel_error = kv_err;
  r.rmse = kv.size() ? std::sqrt(sq / double(kv.size())) : 0.0;
  r.compared = compared;
  r.extra = Json{{"compared_what", "K v of the NPU's final v at the sources, against fp64"},
                 {"kv_reference", dense ? "dense fp64" : "FINOM fp64 scans (M N > 2^24)"},
                 {"kv_rel_error_vs_dense", finite_or_null(kv_err)},
                 {"kv_rel_tolerance", kKvTolerance},
                 {"kv_rows_below_floor", below},
                 {"w_eps", finite_or_null(npu.w_eps)},
                 {"w_eps_reference", w_ref},
                 {"w_eps_rel_error_vs_reference", finite_or_null(agreement)},
                 {"w_eps_agreement_tolerance", kAgreement},
                 {"w_eps_of_npu_scalings", finite_or_null(w_of_scalings)},
                 {"w1_exact", w1},
                 {"w_eps_minus_w1", finite_or_null(npu.w_eps - w1)},
                 {"bias_bound", bias_bound},
                 {"marginal_error", finite_or_null(marginal)},
                 {"marginal_error_reference", ref.marginal_error},
                 {"marginal_error_bound", iterations_auto ? Json(marginal_bound) : Json(nullptr)},
                 {"iterations", iterations},
                 {"iterations_auto", iterations_auto},
                 {"failed", Json::array()}};
  Json& failed = r.extra["failed"];
  if (!finite) failed.push_back("a non-finite u, v, K v or w_eps");
  if (!kv_ok) failed.push_back("kv_rel_error_vs_dense > kv_rel_tolerance");
  if (!agree_ok) failed.push_back("w_eps differs from the fp64 reference by more than 1e-4");
  if (!bias_ok)
    failed.push_back(
        "w_eps outside [w1_exact - marginal_error, w1_exact + bias_bound] (+- 1e-4 relative)");
  if (!marginal_ok) failed.push_back("marginal_error > marginal_error_bound");
  return r;
}

CheckResult check_finom(const FinomPlan& plan, const isa::Program& result) {
  const std::uint64_t rows = std::uint64_t(plan.cores) * plan.rows;
  auto values = [&](const char* name, std::uint64_t cols) {
    return expect_tensor(result, "finom check", name, DType::fp32, name[0] == 'w' ? 1 : rows, cols)
        .data.data();
  };
  const std::uint8_t *u = values("u", plan.lanes), *v = values("v", plan.lanes),
                     *kv = values("kv", plan.lanes), *w = values("w_eps", 8);
  NpuResult npu;
  npu.u.resize(Eigen::Index(plan.m));
  npu.kv.resize(Eigen::Index(plan.m));
  npu.v.resize(Eigen::Index(plan.n));
  for (std::uint64_t k = 0; k < plan.merged; ++k) {
    const std::uint64_t pos = plan.position(k);
    const std::int64_t who = plan.who[k];
    if (who >= 0) {
      npu.u(who) = numeric::load_element(DType::fp32, u, pos);
      npu.kv(who) = numeric::load_element(DType::fp32, kv, pos);
    } else {
      npu.v(-who - 1) = numeric::load_element(DType::fp32, v, pos);
    }
  }
  npu.w_eps = numeric::load_element(DType::fp32, w, 0);
  return check_w1(plan.params, plan.problem, plan.iterations, plan.iterations_auto, npu);
}

}  // namespace ascendsim::kernels::finom
