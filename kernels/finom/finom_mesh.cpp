// Contract meshes and Gaussian-mixture weights (issue #6); see finom_mesh.hpp for the formulas.
#include "kernels/finom/finom_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

#include "sim/trace/materialize.hpp"

namespace ascendsim::kernels::finom {
namespace {

constexpr double kPi = 3.141592653589793;  // pi rounded to double

std::string num(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

void check_n(const char* who, std::int64_t n) {
  if (n < 2)
    throw std::invalid_argument(std::string(who) + ": N must be >= 2 (the formulas divide by " +
                                "N - 1), got " + std::to_string(n));
}

// i / (N - 1) for i = 0 .. N - 1: one rounding each, exactly 0 and 1 at the ends.
Eigen::VectorXd unit_fractions(std::int64_t n) {
  Eigen::VectorXd t(n);
  const double last = static_cast<double>(n - 1);
  for (std::int64_t i = 0; i < n; ++i) t(i) = static_cast<double>(i) / last;
  return t;
}

}  // namespace

Eigen::VectorXd uniform_mesh(std::int64_t n) {
  check_n("uniform_mesh", n);
  return unit_fractions(n);
}

Eigen::VectorXd graded_mesh(std::int64_t n, double p) {
  check_n("graded_mesh", n);
  if (!(p > 0.0) || !std::isfinite(p))
    throw std::invalid_argument("graded_mesh: exponent p must be finite and > 0, got " + num(p));
  Eigen::VectorXd x = unit_fractions(n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = std::pow(x(i), p);
  return x;
}

Eigen::VectorXd chebyshev_mesh(std::int64_t n) {
  check_n("chebyshev_mesh", n);
  Eigen::VectorXd x = unit_fractions(n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = (1.0 - std::cos(kPi * x(i))) / 2.0;
  return x;
}

Eigen::VectorXd random_mesh(std::int64_t n, std::uint64_t seed) {
  check_n("random_mesh", n);
  std::mt19937_64 gen(seed);  // raw output is fully specified by the standard
  Eigen::VectorXd x(n);
  for (std::int64_t i = 0; i < n; ++i) x(i) = trace::unit_draw(gen);
  std::sort(x.data(), x.data() + x.size());
  return x;
}

Eigen::VectorXd make_mesh(const MeshSpec& spec) {
  switch (spec.kind) {
    case MeshKind::uniform:
      return uniform_mesh(spec.n);
    case MeshKind::graded:
      return graded_mesh(spec.n, spec.p);
    case MeshKind::chebyshev:
      return chebyshev_mesh(spec.n);
    case MeshKind::random:
      return random_mesh(spec.n, spec.seed);
  }
  throw std::invalid_argument("make_mesh: unknown mesh kind");
}

std::string mesh_kind_name(MeshKind kind) {
  switch (kind) {
    case MeshKind::uniform:
      return "uniform";
    case MeshKind::graded:
      return "graded";
    case MeshKind::chebyshev:
      return "chebyshev";
    case MeshKind::random:
      return "random";
  }
  return "?";
}

MeshKind parse_mesh_kind(const std::string& name) {
  for (MeshKind k : {MeshKind::uniform, MeshKind::graded, MeshKind::chebyshev, MeshKind::random})
    if (mesh_kind_name(k) == name) return k;
  throw std::invalid_argument("unknown mesh kind \"" + name +
                              "\" (known: uniform, graded, chebyshev, random)");
}

Eigen::VectorXd gaussian_mixture_weights(const Eigen::VectorXd& x,
                                         const std::vector<GaussianComponent>& components) {
  const std::string who = "gaussian_mixture_weights: ";
  if (x.size() == 0) throw std::invalid_argument(who + "no nodes");
  if (components.empty()) throw std::invalid_argument(who + "no mixture component");
  bool any_weight = false;
  for (std::size_t c = 0; c < components.size(); ++c) {
    const GaussianComponent& g = components[c];
    const std::string at = "component " + std::to_string(c) + ": ";
    if (!(g.weight >= 0.0) || !std::isfinite(g.weight))
      throw std::invalid_argument(who + at + "weight must be finite and >= 0, got " +
                                  num(g.weight));
    if (!(g.sigma > 0.0) || !std::isfinite(g.sigma))
      throw std::invalid_argument(who + at + "sigma must be finite and > 0, got " + num(g.sigma));
    if (!std::isfinite(g.mean))
      throw std::invalid_argument(who + at + "mean must be finite, got " + num(g.mean));
    any_weight = any_weight || g.weight > 0.0;
  }
  if (!any_weight) throw std::invalid_argument(who + "every component weight is 0");
  if (!x.allFinite()) throw std::invalid_argument(who + "a node is not finite");
  Eigen::VectorXd a = Eigen::VectorXd::Zero(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i)
    for (const GaussianComponent& g : components) {
      const double z = (x(i) - g.mean) / g.sigma;
      a(i) += g.weight * std::exp(-0.5 * z * z);
    }
  const double sum = a.sum();
  if (!(sum > 0.0))
    throw std::invalid_argument(who + "the mixture underflows to 0 at every node (sum 0): " +
                                "nodes too far from every component for its sigma");
  if (!std::isfinite(sum))
    throw std::invalid_argument(who + "the mixture sum overflows: component weights too large");
  return a / sum;
}

}  // namespace ascendsim::kernels::finom
