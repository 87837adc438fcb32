// Exact 1D W1, the O(M + N) transport cost and the Sinkhorn loop (kernels/finom/): FINOM.md §3
// (bias bound), §8.4 (cost term) and §8.6 (Sinkhorn behaviour), issue #6's acceptance in fp64.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/finom/finom_mesh.hpp"
#include "kernels/finom/finom_sinkhorn.hpp"
#include "tests/unit/test_finom_draws.hpp"

namespace {

using namespace ascendsim::kernels::finom;
using ascendsim::testing::draws;

// Issue #6 asks FINOM and dense to agree on w_eps (and the O(M + N) cost to equal the dense
// <C, P>) to 1e-10 relative here. Measured: <= 1e-14 (both sums are of positive terms).
constexpr double kCostTol = 1e-10;

double rel(double ref, double got) { return std::fabs(got - ref) / std::fabs(ref); }

// A problem of issue #6: two meshes and mixture weights on them (a bimodal source, a broad
// target, so the plan moves mass both ways and W1 is not a plain shift).
struct Problem {
  std::string name;
  Vec x, a, y, b;
};

std::vector<Problem> problems() {
  const std::vector<GaussianComponent> src = {{0.6, 0.3, 0.08}, {0.4, 0.7, 0.1}};
  const std::vector<GaussianComponent> dst = {{1.0, 0.55, 0.15}};
  std::vector<Problem> ps;
  // Sizes 100-160: dense log-domain Sinkhorn at eps 1e-3 (~2600 iterations of M N exps) stays
  // around a second; M != N in all but the first.
  const auto add = [&](std::string name, Vec x, Vec y) {
    ps.push_back({std::move(name), x, gaussian_mixture_weights(x, src), y,
                  gaussian_mixture_weights(y, dst)});
  };
  add("uniform 128 = uniform 128", uniform_mesh(128), uniform_mesh(128));
  add("graded p2 150 / chebyshev 120", graded_mesh(150, 2.0), chebyshev_mesh(120));
  add("random 100 / graded p3 160", random_mesh(100, 3), graded_mesh(160, 3.0));
  return ps;
}

// Plain domain while u, v stay in range (eps >= 1e-2: e^{1/eps} <= e^100), log domain below.
SinkhornParams params(double eps, SinkhornProduct product) {
  SinkhornParams p;
  p.eps = eps;
  p.tol = 1e-9;         // POT's default stopThr (FINOM.md §3)
  p.max_iter = 100000;  // eps 1e-3 needs ~2600 iterations here; the cap is never the stop
  p.product = product;
  p.domain = eps >= 1e-2 ? SinkhornDomain::plain : SinkhornDomain::log;
  return p;
}

}  // namespace

TEST_CASE("w1_exact gives |x - y| for two Diracs, 0 for equal measures, s for a shift by s",
          "[finom]") {
  // Dyadic positions, so every difference below is exact in double.
  const Vec one = Vec::Ones(1);
  CHECK(w1_exact(Vec::Constant(1, 0.25), one, Vec::Constant(1, 0.75), one) == 0.5);
  CHECK(w1_exact(Vec::Constant(1, 0.75), one, Vec::Constant(1, 0.25), one) == 0.5);  // symmetric
  // Equal measures: F_a - F_b is exactly 0 after every pair of coinciding atoms.
  const Vec x = graded_mesh(50, 3.0), a = gaussian_mixture_weights(x, {{1.0, 0.4, 0.2}});
  CHECK(w1_exact(x, a, x, a) == 0.0);
  // Uniform measure on 64 nodes shifted by s = 0.125: every unit of mass moves s. 64 terms of
  // |F_a - F_b| dx, each F a multiple of 1/64 up to rounding: 1e-15 relative.
  const Vec u = uniform_mesh(64), w = Vec::Constant(64, 1.0 / 64.0);
  CHECK(w1_exact(u, w, (u.array() + 0.125).matrix(), w) == Approx(0.125).epsilon(1e-15));
  // Half at 0 and half at 1 against all at 1/2: each half moves 1/2, so W1 = 1/2.
  const Vec ends = (Vec(2) << 0.0, 1.0).finished(), halves = Vec::Constant(2, 0.5);
  CHECK(w1_exact(ends, halves, Vec::Constant(1, 0.5), one) == 0.5);
  // Input order does not matter (the supports are merged after sorting).
  const Vec rev = u.reverse(), shifted_rev = (rev.array() + 0.125).matrix();
  CHECK(w1_exact(rev, w, shifted_rev, w) == Approx(0.125).epsilon(1e-15));
  CHECK_THROWS_WITH(w1_exact(ends, halves, Vec::Constant(1, 0.5), Vec::Constant(1, 2.0)),
                    Catch::Contains("total masses differ"));
  CHECK_THROWS_WITH(w1_exact(ends, (Vec(2) << 1.5, -0.5).finished(), ends, halves),
                    Catch::Contains("measure a: weight 1 must be finite and >= 0, got -0.5"));
}

TEST_CASE("the O(M + N) transport cost equals the dense sum of C .* P to 1e-10 relative",
          "[finom]") {
  for (const Problem& pr : problems())
    for (double eps : {1e-1, 1e-2, 1e-3}) {
      INFO(pr.name << ", eps " << eps);
      const FinomKernel fk(pr.x, pr.y, eps);
      // Arbitrary positive scalings (not a Sinkhorn solution): the identity holds for any P.
      const Vec u = draws(pr.x.size(), 11, 0.5, 1.5), v = draws(pr.y.size(), 12, 0.5, 1.5);
      CHECK(rel(dense_cost(pr.x, pr.y, eps, u, v), fk.cost(u, v)) <= kCostTol);
      // Log form with potential-like f, g in +-0.2 / eps (up to 200 at eps = 1e-3): the terms
      // exp(f + g - C / eps) then span hundreds of orders of magnitude, which exercises the
      // rescaling of the scaled log accumulators, while the dense sum stays finite.
      const Vec f = draws(pr.x.size(), 13, -0.2, 0.2) / eps;
      const Vec g = draws(pr.y.size(), 14, -0.2, 0.2) / eps;
      const double ref = dense_log_cost(pr.x, pr.y, eps, f, g);
      REQUIRE(ref > 0.0);
      CHECK(rel(ref, fk.log_cost(f, g)) <= kCostTol);
    }
}

TEST_CASE("at convergence w1_exact <= w_eps <= w1_exact + eps min(H(a), H(b)) for eps to 1e-3",
          "[finom]") {
  for (const Problem& pr : problems()) {
    const double w1 = w1_exact(pr.x, pr.a, pr.y, pr.b);
    const double h = std::min(shannon_entropy(pr.a), shannon_entropy(pr.b));
    const double mn = static_cast<double>(pr.x.size() * pr.y.size());
    double last_bias = 0.0;
    for (double eps : {1e-1, 1e-2, 1e-3}) {
      INFO(pr.name << ", eps " << eps);
      const SinkhornResult r =
          sinkhorn(pr.x, pr.a, pr.y, pr.b, params(eps, SinkhornProduct::finom));
      REQUIRE(r.converged);
      CHECK(r.marginal_error <= 1e-9);  // the tol of params()
      // Both marginals recomputed from the returned log u, log v with the dense log products,
      // not trusting the loop's own figure: the row error is the stopping one (<= tol, plus
      // 1e-12 for the rounding of ~150-term sums of numbers <= 1); the column sums are exact
      // after the v-update up to that rounding.
      const Vec rows = exp_each(r.log_u + dense_log_kv(pr.x, pr.y, eps, r.log_v));
      const Vec cols = exp_each(r.log_v + dense_log_ktu(pr.x, pr.y, eps, r.log_u));
      CHECK((rows - pr.a).lpNorm<1>() <= 1e-9 + 1e-12);
      CHECK((cols - pr.b).lpNorm<1>() <= 1e-12);
      // FINOM.md §3: 0 <= <C, P_eps> - W1 <= eps min(H(a), H(b)) <= eps log min(M, N), which
      // implies issue #6's eps log(M N). P's row sums are off by marginal_error in l1, which
      // moves the cost by at most that much on [0, 1]: the slack on both sides.
      const double slack = r.marginal_error;
      CHECK(r.cost_finom >= w1 - slack);
      CHECK(r.cost_finom <= w1 + eps * h + slack);
      CHECK(r.cost_finom <= w1 + eps * std::log(mn));
      // The bound is linear in eps, and the bias shrinks at least as fast: by >= 10x per decade
      // (measured 30x to 10^6x), so it is not merely sitting inside a loose bound.
      const double bias = r.cost_finom - w1;
      if (eps < 1e-1) CHECK(bias <= last_bias / 10.0);
      last_bias = bias;
    }
  }
}

TEST_CASE("FINOM and dense Sinkhorn agree on w_eps to 1e-10 and take the same iterations",
          "[finom]") {
  for (const Problem& pr : problems())
    for (double eps : {1e-1, 1e-2, 1e-3}) {
      INFO(pr.name << ", eps " << eps);
      const SinkhornResult fr =
          sinkhorn(pr.x, pr.a, pr.y, pr.b, params(eps, SinkhornProduct::finom));
      const SinkhornResult dr =
          sinkhorn(pr.x, pr.a, pr.y, pr.b, params(eps, SinkhornProduct::dense));
      REQUIRE(fr.converged);
      REQUIRE(dr.converged);
      CHECK(rel(dr.cost_dense, fr.cost_finom) <= kCostTol);
      // FINOM.md §8.6: the products agree to rounding, so the iteration count is the same
      // unless the last error sits within rounding of tol (not the case for these problems).
      CHECK(fr.iterations == dr.iterations);
      // Within one run, the O(M + N) cost and the O(M N) sum of the same P agree.
      CHECK(rel(fr.cost_dense, fr.cost_finom) <= kCostTol);
      CHECK(rel(dr.cost_dense, dr.cost_finom) <= kCostTol);
    }
}

TEST_CASE("plain and log-domain Sinkhorn reach the same w_eps where both are in range", "[finom]") {
  const Problem pr = problems()[1];
  SinkhornParams p = params(1e-2, SinkhornProduct::finom);  // e^{1/eps} = e^100: plain in range
  const SinkhornResult plain = sinkhorn(pr.x, pr.a, pr.y, pr.b, p);
  p.domain = SinkhornDomain::log;
  const SinkhornResult log = sinkhorn(pr.x, pr.a, pr.y, pr.b, p);
  CHECK(rel(plain.cost_finom, log.cost_finom) <= kCostTol);
  CHECK(plain.iterations == log.iterations);  // same iterates up to rounding (f = log u)
  CHECK((plain.log_u - log.log_u).cwiseAbs().maxCoeff() <= 1e-9);  // log u ~ 1e2: ~1e-12 rel
}

TEST_CASE("Sinkhorn stops at max_iter unconverged and rejects bad inputs", "[finom]") {
  const Problem pr = problems()[0];
  SinkhornParams p = params(1e-2, SinkhornProduct::finom);
  p.max_iter = 3;  // eps 1e-2 needs hundreds of iterations to reach 1e-9
  const SinkhornResult r = sinkhorn(pr.x, pr.a, pr.y, pr.b, p);
  CHECK(r.iterations == 3);
  CHECK_FALSE(r.converged);
  CHECK(r.marginal_error > p.tol);
  p.max_iter = 0;
  CHECK_THROWS_WITH(sinkhorn(pr.x, pr.a, pr.y, pr.b, p), Catch::Contains("max_iter must be >= 1"));
  p = params(1e-2, SinkhornProduct::dense);
  CHECK_THROWS_WITH(sinkhorn(pr.x, pr.a, pr.y, 2.0 * pr.b, p),
                    Catch::Contains("must be > 0 and equal"));
  CHECK_THROWS_WITH(sinkhorn(pr.x, pr.a.head(5), pr.y, pr.b, p),
                    Catch::Contains("weights a: 5 entries for 128 nodes"));
}
