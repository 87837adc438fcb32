#pragma once
// The two same-process baselines of bench_sim_speed (see bench_sim_speed.cpp and README.md):
//   BareLoop      a SystemC event loop doing nothing but waits: the timing-only yardstick;
//   eigen_gflops  plain Eigen fp32 GEMM: the functional yardstick.
// Plus the process's peak RSS. Wall times are std::chrono::steady_clock seconds.
#include <chrono>
#include <cstdint>

#include "models/core/systemc.hpp"

namespace ascendsim::bench {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0);

// getrusage max resident set size of this process, in MiB.
double peak_rss_mib();

// `threads` SystemC threads sharing `total` wake-ups of one clock period each. Every round
// starts with `start` (notified from sc_main) and ends when sc_start() runs out of events; between
// rounds, and while the chip runs, the threads sit on `start` and add no activity.
class BareLoop : public sc_core::sc_module {
 public:
  sc_core::sc_event start;

  BareLoop(const sc_core::sc_module_name& name, std::uint64_t threads, std::uint64_t total,
           sc_core::sc_time period);
  std::uint64_t wakeups() const { return wakeups_; }
  // Wall seconds of one round (all `total` wake-ups).
  double round();

 private:
  void body(std::uint64_t n);
  sc_core::sc_time period_;
  std::uint64_t wakeups_ = 0;
};

// Best GFLOP/s of `reps` timings of plain fp32 Eigen GEMMs C = A * B (m x k times k x n). Each
// timing runs the product back to back until it has done at least 1 GFLOP (once for shapes of
// 1 GFLOP or more), so a small shape is not timed at clock resolution.
double eigen_gflops(std::uint64_t m, std::uint64_t n, std::uint64_t k, int reps);

}  // namespace ascendsim::bench
