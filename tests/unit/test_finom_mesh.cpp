// The contract meshes and Gaussian-mixture weights of issue #6 (kernels/finom/finom_mesh.hpp):
// hand-computed nodes, the random mesh against the trace generator's u(), and the error
// messages.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/finom/finom_mesh.hpp"
#include "sim/isa/program.hpp"
#include "sim/trace/materialize.hpp"
#include "tests/unit/test_errors.hpp"

namespace {

using namespace ascendsim::kernels::finom;

using ascendsim::testing::invalid_argument_message;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("uniform, graded and chebyshev meshes follow their formulas and end at exactly 0 and 1",
          "[finom]") {
  // N = 5: i / (N - 1) = i / 4 is exact in binary, so every node below is exact.
  const Eigen::VectorXd u = uniform_mesh(5);
  CHECK(u == (Eigen::VectorXd(5) << 0.0, 0.25, 0.5, 0.75, 1.0).finished());
  // (i / 4)^2 = 0, 1/16, 1/4, 9/16, 1: squares of dyadic fractions, exact.
  const Eigen::VectorXd g = graded_mesh(5, 2.0);
  CHECK(g == (Eigen::VectorXd(5) << 0.0, 0.0625, 0.25, 0.5625, 1.0).finished());
  // (i / 4)^3 at i = 2 is 1/8, exact; p = 3 is the graded exponent FINOM.md §7 names.
  CHECK(graded_mesh(5, 3.0)(2) == 0.125);
  // Chebyshev N = 5: (1 - cos(pi i / 4)) / 2. Ends exact (cos 0 = 1, cos pi = -1 in double);
  // the middle is 1/2 up to cos(pi / 2) = 6.1e-17 (pi is rounded), so within 1e-16; node 1 is
  // (1 - sqrt(2) / 2) / 2 = 0.14644660940672624 up to a few ulps (1e-16 absolute).
  const Eigen::VectorXd c = chebyshev_mesh(5);
  CHECK(c(0) == 0.0);
  CHECK(c(4) == 1.0);
  CHECK(c(2) == Approx(0.5).margin(1e-16));
  CHECK(c(1) == Approx((1.0 - std::sqrt(2.0) / 2.0) / 2.0).margin(1e-16));
  // Chebyshev nodes cluster at both ends: the first gap is smaller than the middle one.
  CHECK(c(1) - c(0) < c(2) - c(1));
  // N = 2 is the smallest mesh: just the two ends.
  CHECK(uniform_mesh(2) == (Eigen::VectorXd(2) << 0.0, 1.0).finished());
  // make_mesh dispatches on the kind; parse / name round-trip.
  CHECK(make_mesh({MeshKind::graded, 5, 2.0, 0}) == g);
  for (MeshKind k : {MeshKind::uniform, MeshKind::graded, MeshKind::chebyshev, MeshKind::random})
    CHECK(parse_mesh_kind(mesh_kind_name(k)) == k);
}

TEST_CASE("a random mesh is the sorted u() draws of the trace generator with the same seed",
          "[finom]") {
  const std::uint64_t n = 1000, seed = 42;  // 1000 draws: enough to see any ordering slip
  const Eigen::VectorXd x = random_mesh(static_cast<std::int64_t>(n), seed);
  // The documented formula restated, compared bit for bit: u() = (mt19937_64 >> 11) / 2^53.
  std::mt19937_64 gen(seed);
  std::vector<double> u(n);
  for (double& d : u) d = static_cast<double>(gen() >> 11) / 9007199254740992.0;
  std::sort(u.begin(), u.end());
  for (std::uint64_t i = 0; i < n; ++i) CHECK(x(static_cast<Eigen::Index>(i)) == u[i]);
  CHECK(x.minCoeff() >= 0.0);
  CHECK(x.maxCoeff() < 1.0);
  // And against the trace generator itself: its `uniform` on [0, 1) draws the same u() and
  // rounds to the tensor's dtype. There is no fp64 dtype, so compare in fp32: rounding is
  // monotone, hence sorting the rounded draws equals rounding the sorted ones.
  ascendsim::isa::TensorDecl t;
  t.name = "draws";
  t.dtype = ascendsim::numeric::DType::fp32;
  t.shape = {n};
  t.init.kind = ascendsim::isa::TensorInit::Kind::uniform;
  t.init.seed = seed;
  t.init.a = 0.0;
  t.init.b = 1.0;
  const std::vector<std::uint8_t> bytes = ascendsim::trace::generate_tensor_bytes(t);
  REQUIRE(bytes.size() == n * sizeof(float));
  std::vector<float> draws(n);
  std::memcpy(draws.data(), bytes.data(), bytes.size());
  std::sort(draws.begin(), draws.end());
  for (std::uint64_t i = 0; i < n; ++i) CHECK(static_cast<float>(x(i)) == draws[i]);
  // Deterministic per seed, different across seeds.
  CHECK(random_mesh(64, 7) == random_mesh(64, 7));
  CHECK(random_mesh(64, 7) != random_mesh(64, 8));
}

TEST_CASE("Gaussian-mixture weights are normalized and follow the mixture density", "[finom]") {
  const Eigen::VectorXd x = uniform_mesh(101);
  const std::vector<GaussianComponent> one = {{2.0, 0.5, 0.1}};
  const Eigen::VectorXd a = gaussian_mixture_weights(x, one);
  // Sum 1 up to the rounding of 101 divisions and a 101-term sum (~1e-16 each).
  CHECK(a.sum() == Approx(1.0).margin(1e-14));
  CHECK(a.minCoeff() > 0.0);
  // One component: a_i / a_j = exp(-((x_i - mu)^2 - (x_j - mu)^2) / (2 sigma^2)); the weight 2
  // cancels in the normalization. Nodes 50 (x = 0.5, the mean) and 60 (x = 0.6, one sigma):
  // ratio e^{1/2}, to 1e-14 relative (a few roundings in exp and the quotient).
  CHECK(a(50) / a(60) == Approx(std::exp(0.5)).epsilon(1e-14));
  CHECK(a(40) == Approx(a(60)).epsilon(1e-14));  // symmetric about the mean on a symmetric mesh
  // Two components with weights 3 : 1 far apart (0.2 and 0.8, sigma 0.05: twelve sigmas): the
  // mass left of 1/2 is 3/4 to within the e^-18 ~ 1.5e-8 overlap of the tails.
  const Eigen::VectorXd b = gaussian_mixture_weights(x, {{3.0, 0.2, 0.05}, {1.0, 0.8, 0.05}});
  CHECK(b.head(50).sum() == Approx(0.75).margin(1e-7));
  // A zero-weight component contributes nothing.
  CHECK(gaussian_mixture_weights(x, {{2.0, 0.5, 0.1}, {0.0, 0.9, 0.01}}) == a);
}

TEST_CASE("bad mesh and weight inputs are rejected with a message naming the input", "[finom]") {
  CHECK(
      contains(invalid_argument_message([] { uniform_mesh(1); }), "uniform_mesh: N must be >= 2"));
  CHECK(contains(invalid_argument_message([] { chebyshev_mesh(0); }), "got 0"));
  CHECK(contains(invalid_argument_message([] { random_mesh(-3, 1); }), "random_mesh: N"));
  CHECK(contains(invalid_argument_message([] { graded_mesh(1, 2.0); }), "graded_mesh: N"));
  CHECK(contains(invalid_argument_message([] { graded_mesh(8, 0.0); }), "exponent p must be"));
  CHECK(contains(invalid_argument_message([] { graded_mesh(8, -1.0); }), "got -1"));
  CHECK(contains(invalid_argument_message([] { parse_mesh_kind("cheb"); }), "known: uniform"));
  const Eigen::VectorXd x = uniform_mesh(11);
  CHECK(contains(invalid_argument_message([&] {
                   gaussian_mixture_weights(x, {{1, 0.5, 0.0}});
                 }),
                 "component 0: sigma must be finite and > 0, got 0"));
  CHECK(contains(invalid_argument_message([&] {
                   gaussian_mixture_weights(x, {{1, 0.5, 0.1}, {-0.5, 0.5, 0.1}});
                 }),
                 "component 1: weight must be finite and >= 0, got -0.5"));
  CHECK(contains(invalid_argument_message([&] {
                   gaussian_mixture_weights(x, {{0, 0.5, 0.1}});
                 }),
                 "every component weight is 0"));
  CHECK(contains(invalid_argument_message([&] { gaussian_mixture_weights(x, {}); }),
                 "no mixture component"));
  // Mean 10 with sigma 0.01 lies >= 900 sigmas from every node: exp(-405000) underflows to 0.
  CHECK(contains(invalid_argument_message([&] {
                   gaussian_mixture_weights(x, {{1, 10.0, 0.01}});
                 }),
                 "underflows to 0"));
}
