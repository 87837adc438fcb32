#pragma once
// The contract meshes and weights of issue #6 on [0, 1] (FINOM.md §7), host-side fp64.
//
//   uniform     x_i = i / (N - 1)
//   graded      x_i = (i / (N - 1))^p                     p > 0 (p > 1 clusters nodes near 0)
//   chebyshev   x_i = (1 - cos(pi i / (N - 1))) / 2        clusters nodes near both ends
//   random      N draws u() = (mt19937_64(seed)() >> 11) 2^-53, uniform in [0, 1), sorted
//               ascending (the u() of sim/trace/materialize.hpp, so platform independent; that
//               function is private to the trace generators, so the formula is restated here)
//
// i = 0 .. N - 1 and i / (N - 1) is one correctly rounded division, so uniform, graded and
// chebyshev meshes start at exactly 0 and end at exactly 1. Every mesh is non-decreasing
// (strictly increasing except for a random mesh that draws the same value twice).
//
// Weights: a Gaussian mixture evaluated at the nodes, a_i = m(x_i) / sum_k m(x_k) with
// m(t) = sum_c w_c exp(-(t - mu_c)^2 / (2 sigma_c^2)). A node far from every component gets an
// exactly zero weight when its exp underflows; the whole sum underflowing is an error.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace ascendsim::kernels::finom {

enum class MeshKind { uniform, graded, chebyshev, random };

struct MeshSpec {
  MeshKind kind = MeshKind::uniform;  // which formula above
  std::int64_t n = 2;                 // number of nodes N (>= 2)
  double p = 1.0;                     // graded exponent (> 0); ignored by the other kinds
  std::uint64_t seed = 0;             // random mesh seed; ignored by the other kinds
};

// One mixture component: weight w (>= 0), mean mu (finite), standard deviation sigma (> 0).
struct GaussianComponent {
  double weight = 1.0;
  double mean = 0.5;
  double sigma = 0.1;
};

// Each throws std::invalid_argument for N < 2 (and graded for p <= 0 or non-finite), naming
// the function and the bad value.
Eigen::VectorXd uniform_mesh(std::int64_t n);
Eigen::VectorXd graded_mesh(std::int64_t n, double p);
Eigen::VectorXd chebyshev_mesh(std::int64_t n);
Eigen::VectorXd random_mesh(std::int64_t n, std::uint64_t seed);
// Dispatches on spec.kind.
Eigen::VectorXd make_mesh(const MeshSpec& spec);

// "uniform" / "graded" / "chebyshev" / "random", and back; parse throws std::invalid_argument
// listing the known names.
std::string mesh_kind_name(MeshKind kind);
MeshKind parse_mesh_kind(const std::string& name);

// The normalized mixture weights at the nodes x (sum 1 up to rounding, all >= 0). Throws
// std::invalid_argument for empty x or no component, a negative or non-finite weight, all
// weights zero, sigma <= 0 or non-finite, a non-finite mean or node, or a sum that underflows
// to 0 (every node too far from every component).
Eigen::VectorXd gaussian_mixture_weights(const Eigen::VectorXd& x,
                                         const std::vector<GaussianComponent>& components);

}  // namespace ascendsim::kernels::finom
