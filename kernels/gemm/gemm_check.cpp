// check_gemm: fp64 reference and per-element forward-error bound (see gemm_check.hpp).
#include "kernels/gemm/gemm_check.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/common/reference.hpp"
#include "sim/isa/sim_error.hpp"

namespace ascendsim::kernels {
namespace {

const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name) {
  const isa::TensorDecl* t = p.find_tensor(name);
  if (!t) throw isa::SimulationError("gemm check: the program has no tensor '" + name + "'");
  return *t;
}

constexpr double kFp32Roundoff = 1.0 / 16777216.0;   // 2^-24
constexpr std::uint64_t kReferenceBlockRows = 1024;  // rows of B decoded at a time

}  // namespace

double gemm_error_bound(const GemmParams& p, double reference, double sum_abs) {
  if (!numeric::is_float(p.dtype)) return 0.0;
  const double k = static_cast<double>(p.k);
  const double gamma = gamma_n(k, kFp32Roundoff);
  const double accumulate = gamma * sum_abs + k * smallest_positive(numeric::DType::fp32);
  if (p.out_dtype == numeric::DType::fp32) return accumulate;
  const double u_out = unit_roundoff(p.out_dtype);
  return accumulate + u_out * (std::fabs(reference) + accumulate) +
         smallest_positive(p.out_dtype) / 2;
}

CheckResult check_gemm(const GemmParams& p, const isa::Program& result) {
  CheckResult r;
  const isa::TensorDecl &a = tensor(result, "a"), &b = tensor(result, "b"),
                        &c = tensor(result, "c");
  if (a.data.empty() || b.data.empty() || c.data.empty()) return r;  // timing-only
  r.performed = true;

  // C_ref and S = |A| |B| over the sampled rows, B decoded a block of K rows at a time so the
  // fp64 copy of a large B never has to exist whole.
  const std::vector<std::uint64_t> rows = sample_rows(p.m, kMaxCheckedRows);
  const MatrixRd a_rows = decode_rows(a, rows, p.k);
  MatrixRd c_ref = MatrixRd::Zero(a_rows.rows(), Eigen::Index(p.n));
  MatrixRd sum_abs = c_ref;
  for (std::uint64_t k0 = 0; k0 < p.k; k0 += kReferenceBlockRows) {
    const std::uint64_t depth = std::min(kReferenceBlockRows, p.k - k0);
    std::vector<std::uint64_t> b_rows(depth);
    for (std::uint64_t i = 0; i < depth; ++i) b_rows[i] = k0 + i;
    const MatrixRd b_block = decode_rows(b, b_rows, p.n);
    const auto a_block = a_rows.middleCols(Eigen::Index(k0), Eigen::Index(depth));
    c_ref.noalias() += a_block * b_block;
    sum_abs.noalias() += a_block.cwiseAbs() * b_block.cwiseAbs();
  }
  const MatrixRd c_got = decode_rows(c, rows, p.n);

  ErrorMetrics metrics;
  std::uint64_t failures = 0;
  double worst_ratio = 0;
  Json first_failure;
  for (Eigen::Index i = 0; i < c_ref.rows(); ++i) {
    for (Eigen::Index j = 0; j < c_ref.cols(); ++j) {
      const double ref = c_ref(i, j), got = c_got(i, j);
      metrics.add(ref, got);
      const double err = std::fabs(got - ref);
      const double bound = gemm_error_bound(p, ref, sum_abs(i, j));
      const bool ok = std::isfinite(got) && err <= bound;
      if (bound > 0 && std::isfinite(err)) worst_ratio = std::max(worst_ratio, err / bound);
      if (ok) continue;
      if (failures++ == 0)
        first_failure = Json{{"row", rows[i]},
                             {"col", j},
                             {"reference", ref},
                             {"computed", std::isfinite(got) ? Json(got) : Json("non-finite")},
                             {"bound", bound}};
    }
  }
  r.passed = failures == 0;
  r.max_abs_error = metrics.max_abs;
  r.max_rel_error = metrics.max_rel;
  r.rmse = metrics.rmse();
  r.compared = metrics.count + metrics.nonfinite;
  const bool exact = !numeric::is_float(p.dtype);
  r.extra["error_bound"] =
      exact ? "exact (int32 accumulation of int8 products)"
      : p.out_dtype == numeric::DType::fp32
          ? "gamma_k*sum|a||b| + k*2^-149, gamma_k = k*2^-24/(1-k*2^-24)"
          : "gamma_k*sum|a||b| + k*2^-149 + u_out*(|c_ref| + that) + half the smallest "
            "out_dtype subnormal, gamma_k = k*2^-24/(1-k*2^-24)";
  if (!exact) r.extra["worst_error_to_bound"] = worst_ratio;
  r.extra["failures"] = failures;
  r.extra["nonfinite"] = metrics.nonfinite;
  r.extra["sampled"] = rows.size() < p.m;
  r.extra["rows_compared"] = rows.size();
  r.extra["reference_rms"] = metrics.reference_rms();
  if (failures) r.extra["first_failure"] = first_failure;
  return r;
}

}  // namespace ascendsim::kernels
