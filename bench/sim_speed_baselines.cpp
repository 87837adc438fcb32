// The same-process baselines of bench_sim_speed; see sim_speed_baselines.hpp.
#include "bench/sim_speed_baselines.hpp"

#include <sys/resource.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace ascendsim::bench {
namespace {

volatile float g_sink;  // results stored here stay observable: no timed work is elided

}  // namespace

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;  // Linux: KiB
}

BareLoop::BareLoop(const sc_core::sc_module_name& name, std::uint64_t threads, std::uint64_t total,
                   sc_core::sc_time period)
    : sc_module(name), period_(period) {
  for (std::uint64_t t = 0; t < threads; ++t) {
    const std::uint64_t n = total / threads + (t < total % threads ? 1 : 0);
    const std::string thread = "t" + std::to_string(t);
    sc_core::sc_spawn([this, n] { body(n); }, thread.c_str());
  }
}

double BareLoop::round() {
  const auto t0 = Clock::now();
  start.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  return seconds_since(t0);
}

void BareLoop::body(std::uint64_t n) {
  for (;;) {
    sc_core::wait(start);
    for (std::uint64_t i = 0; i < n; ++i) {
      sc_core::wait(period_);
      ++wakeups_;
    }
  }
}

double eigen_gflops(std::uint64_t m, std::uint64_t n, std::uint64_t k, int reps) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  Eigen::MatrixXf a(m, k), b(k, n), c(m, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = u(rng);
  const double flops = 2.0 * double(m) * double(n) * double(k);
  const int count = std::max(1, int(std::ceil(1e9 / flops)));
  double best = 1e300;
  float sink = 0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < count; ++i) {
      c.noalias() = a * b;
      sink += c(i % m, 0);  // each product observable, so none is elided
    }
    best = std::min(best, seconds_since(t0));
  }
  g_sink = sink;
  return flops * count / best / 1e9;
}

}  // namespace ascendsim::bench
