#pragma once
// What the MSD checks (linear_check.cpp, attn_check.cpp) gather per compared element: the
// error metrics, the shares above MSD.md §10's relative levels (0.1 %, 0.5 %, 1 %, 5 %), the
// worst error-to-bound ratio and the first element beyond its bound; and how they land in a
// CheckResult.
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "kernels/common/kernel.hpp"
#include "kernels/common/reference.hpp"

namespace ascendsim::kernels {

inline constexpr std::array<std::pair<double, const char*>, 4> kRelLevels = {
    {{0.001, "0.001"}, {0.005, "0.005"}, {0.01, "0.01"}, {0.05, "0.05"}}};

struct BoundTally {
  ErrorMetrics metrics;
  std::uint64_t failures = 0;
  double worst_ratio = 0;
  std::array<std::uint64_t, 4> above{};
  Json first_failure;

  // `where()` gives the element's coordinates (a JSON object), asked for the first failure only.
  template <class Where>
  void add(double ref, double got, double bound, Where where) {
    add_gated(ref, ref, got, bound, where);
  }
  // The metrics against `ref`, the bound against `gate_ref` (a check whose pass criterion is
  // taken against what the kernel should have computed from its own exact intermediate values).
  template <class Where>
  void add_gated(double ref, double gate_ref, double got, double bound, Where where) {
    metrics.add(ref, got);
    const double err = std::fabs(got - ref), gate_err = std::fabs(got - gate_ref);
    const bool finite = std::isfinite(got);
    for (std::size_t l = 0; l < kRelLevels.size(); ++l)  // ref = 0: exceeded iff err != 0
      above[l] += !finite || (ref != 0 ? err / std::fabs(ref) > kRelLevels[l].first : err != 0);
    if (finite) worst_ratio = std::max(worst_ratio, bound > 0 ? gate_err / bound : 0.0);
    if (finite && gate_err <= bound) return;
    if (failures++ == 0) {
      first_failure = where();
      first_failure["reference"] = gate_ref;
      first_failure["computed"] = finite ? Json(got) : Json("non-finite");
      first_failure["bound"] = bound;
    }
  }

  // passed, the error figures and the extra fields l2_rel_error, frac_rel_error_above,
  // worst_bound_ratio (failures, nonfinite and first_failure: finish()).
  void report(CheckResult& res) const {
    const ErrorMetrics& m = metrics;
    res.passed = failures == 0;
    res.max_abs_error = m.max_abs;
    res.max_rel_error = m.max_rel;
    res.rmse = m.rmse();
    res.compared = m.count + m.nonfinite;
    Json& x = res.extra;
    // (reference all zero with an error: +inf, which the JSON shows as null.)
    x["l2_rel_error"] = m.sum_sq_error == 0 ? 0.0 : std::sqrt(m.sum_sq_error / m.sum_sq_reference);
    for (std::size_t l = 0; l < kRelLevels.size(); ++l)
      x["frac_rel_error_above"][kRelLevels[l].second] =
          res.compared ? double(above[l]) / double(res.compared) : 0.0;
    x["worst_bound_ratio"] = worst_ratio;
  }
  void finish(CheckResult& res) const {
    res.extra["failures"] = failures;
    res.extra["nonfinite"] = metrics.nonfinite;
    if (failures) res.extra["first_failure"] = first_failure;
  }
};

}  // namespace ascendsim::kernels
