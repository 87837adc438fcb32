// The W1 kernels' run-file parameters and check gates (kernels/finom/finom_params.hpp,
// finom_check.hpp), in plain C++: a result equal to the fp64 reference passes, and each gate
// fails on its own when its figure is pushed past the bound.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "kernels/finom/finom_check.hpp"
#include "kernels/finom/finom_sinkhorn.hpp"
#include "sim/config/config_node.hpp"

namespace {

using namespace ascendsim::kernels::finom;
using ascendsim::config::ConfigError;
using ascendsim::config::ConfigNode;

FinomParams params_of(const std::string& yaml, Method m = Method::finom) {
  return read_finom_params(ConfigNode::from_string(yaml, "run.yaml").child("kernel"), m);
}

std::string error_of(const std::string& yaml, Method m = Method::finom) {
  try {
    make_problem(params_of(yaml, m));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The fp64 Sinkhorn's u, v, K v and <C, P> after `iterations`: what an exact kernel leaves.
struct Exact {
  FinomParams params;
  Problem problem;
  NpuResult npu;
};

Exact exact(int iterations) {
  Exact e;
  e.params = params_of(
      "kernel: {source: {mesh: graded, n: 300, p: 2}, target: {mesh: random, n: 200, seed: 3}, "
      "eps: 0.05}\n");
  e.problem = make_problem(e.params);
  SinkhornParams sp;
  sp.eps = e.params.eps;
  sp.tol = 0;
  sp.max_iter = iterations;
  const Problem& p = e.problem;
  const SinkhornResult r = sinkhorn(p.x, p.a, p.y, p.b, sp);
  e.npu.u = r.u;
  e.npu.v = r.v;
  e.npu.kv = FinomKernel(p.x, p.y, sp.eps).kv(r.v);
  e.npu.w_eps = r.cost_finom;
  return e;
}

bool failed_with(const ascendsim::kernels::CheckResult& r, const std::string& what) {
  for (const auto& f : r.extra["failed"])
    if (f.get<std::string>().find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the W1 check passes the fp64 reference's own result and reports the issue's fields",
          "[finom]") {
  const Exact e = exact(40);
  const auto r = check_w1(e.params, e.problem, 40, false, e.npu);
  INFO(r.extra.dump());
  CHECK(r.passed);
  CHECK(r.extra["kv_rel_error_vs_dense"].get<double>() < 1e-12);  // dense vs FINOM in fp64
  CHECK(r.extra["w_eps_rel_error_vs_reference"].get<double>() == 0.0);
  for (const char* key : {"w_eps", "w1_exact", "marginal_error", "iterations"})
    CHECK(r.extra.contains(key));
}

TEST_CASE("each W1 check gate fails on its own past its bound", "[finom]") {
  const Exact e = exact(40);
  SECTION("K v off by 2e-4 relative in one row (bound 1e-4)") {
    NpuResult n = e.npu;
    n.kv(7) *= 1 + 2e-4;
    const auto r = check_w1(e.params, e.problem, 40, false, n);
    CHECK_FALSE(r.passed);
    CHECK(failed_with(r, "kv_rel_error_vs_dense"));
  }
  SECTION("w_eps off by 2e-4 relative (bound 1e-4)") {
    NpuResult n = e.npu;
    n.w_eps *= 1 + 2e-4;
    const auto r = check_w1(e.params, e.problem, 40, false, n);
    CHECK_FALSE(r.passed);
    CHECK(failed_with(r, "fp64 reference"));
  }
  SECTION("a non-finite scaling gives no error figure that could read as small") {
    NpuResult n = e.npu;
    n.u(0) = NAN;
    const auto r = check_w1(e.params, e.problem, 40, false, n);
    CHECK_FALSE(r.passed);
    CHECK(failed_with(r, "non-finite"));
    CHECK(r.extra["marginal_error"].is_null());
  }
  SECTION("with iterations: auto, a marginal error above the reference's + the fp32 allowance") {
    // the NPU's u off by 1 % everywhere: its marginal error is 1e-2, the reference's ~1e-5
    const Exact conv = exact(40);
    NpuResult n = conv.npu;
    n.u *= 1.01;
    const auto r = check_w1(conv.params, conv.problem, 40, true, n);
    CHECK_FALSE(r.passed);
    CHECK(failed_with(r, "marginal_error > marginal_error_bound"));
  }
}

TEST_CASE(
    "the W1 check's gates hold at their edges: a zero reference, disjoint supports, a "
    "capped auto count, a NaN in K v",
    "[finom]") {
  const Exact e = exact(40);
  SECTION("a K v entry that is NaN makes the K v error null, not small") {
    NpuResult n = e.npu;
    n.kv(3) = NAN;
    const auto r = check_w1(e.params, e.problem, 40, false, n);
    CHECK_FALSE(r.passed);
    CHECK(r.extra["kv_rel_error_vs_dense"].is_null());
  }
  SECTION("an fp32 w_eps a few ulps under w1 passes when the reference sits on w1") {
    // disjoint supports: every coupling costs W1, so the reference is w1 exactly and the NPU's
    // fp32 cost may land an ulp below it; the 1e-4 agreement allowance covers it
    NpuResult n = e.npu;
    Problem p = e.problem;
    const double w1 = w1_exact(p.x, p.a, p.y, p.b);
    n.w_eps =
        w1 * (1 - 1e-7) - (n.u.cwiseProduct(FinomKernel(p.x, p.y, 0.05).kv(n.v)) - p.a).lpNorm<1>();
    const auto r = check_w1(e.params, e.problem, 40, false, n);
    CHECK_FALSE(failed_with(r, "outside"));
  }
  SECTION("auto capped at max_iter: the NPU is held to the reference's own marginal error") {
    const Exact few = exact(3);  // the reference stopped at 3, far from tol
    FinomParams p = few.params;
    p.max_iter = 3;
    const auto r = check_w1(p, few.problem, 3, true, few.npu);
    CHECK_FALSE(failed_with(r, "marginal_error > marginal_error_bound"));
  }
}

TEST_CASE("W1 run-file errors name the key and the bad value", "[finom]") {
  CHECK_THAT(error_of("kernel: {source: {mesh: hexagonal, n: 10}}\n"),
             Catch::Contains("kernel.source.mesh") && Catch::Contains("chebyshev"));
  CHECK_THAT(error_of("kernel: {source: {mesh: uniform, n: 1}}\n"),
             Catch::Contains("kernel.source.n"));
  CHECK_THAT(error_of("kernel: {target: {mesh: graded, n: 10, p: 0}}\n"),
             Catch::Contains("kernel.target.p"));
  CHECK_THAT(error_of("kernel: {target_weights: [{weight: 1, mean: 0.5, sigma: 0}]}\n"),
             Catch::Contains("kernel.target_weights[0].sigma"));
  CHECK_THAT(error_of("kernel: {source_weights: [{weight: 1, mean: 40, sigma: 0.01}]}\n"),
             Catch::Contains("kernel.source_weights") && Catch::Contains("underflows"));
  CHECK_THAT(error_of("kernel: {lanes: 64}\n", Method::dense),
             Catch::Contains("kernel.lanes") && Catch::Contains("finom"));
  CHECK_THAT(error_of("kernel: {iterations: many}\n"),
             Catch::Contains("kernel.iterations: expected auto or an iteration count"));
  CHECK_THAT(error_of("kernel: {source: {mesh: file, path: missing.npy}}\n"),
             Catch::Contains("kernel.source.path") && Catch::Contains(".npy"));
}
