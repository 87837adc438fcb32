#pragma once
// Seeded inputs for the FINOM reference tests: n draws lo + (hi - lo) u() with the trace
// generators' portable u() (sim/trace/materialize.hpp), unlike std:: distributions.
#include <Eigen/Dense>
#include <cstdint>
#include <random>

#include "sim/trace/materialize.hpp"

namespace ascendsim::testing {

inline Eigen::VectorXd draws(Eigen::Index n, std::uint64_t seed, double lo, double hi) {
  std::mt19937_64 gen(seed);
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i) v(i) = lo + (hi - lo) * trace::unit_draw(gen);
  return v;
}

}  // namespace ascendsim::testing
