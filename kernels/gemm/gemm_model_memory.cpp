// The GEMM model's memory-side pieces: which loads miss L2 first, and how cores share a
// bandwidth (see gemm_model.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "kernels/gemm/gemm_model.hpp"

namespace ascendsim::kernels {

// A panel's misses go to whichever of its readers is first; the readers run side by side and
// the one a miss delays falls behind the others, so over many chunks the misses spread evenly.
std::vector<double> gemm_first_touch_loads(const GemmPlan& plan, bool b_reused) {
  const std::size_t cores = plan.cores.size();
  const double chunks = double(plan.chunks.size());
  std::vector<double> out(cores, 0.0);
  // Which cores read each A row panel (tile row) and each B column panel (tile column).
  std::vector<std::set<std::size_t>> a_readers(plan.tiles_m), b_readers(plan.tiles_n);
  for (std::uint64_t t = 0; t < plan.tile_count(); ++t) {
    a_readers[t / plan.tiles_n].insert(plan.core_of(t));
    b_readers[t % plan.tiles_n].insert(plan.core_of(t));
  }
  for (const std::set<std::size_t>& panel : a_readers)
    for (std::size_t c : panel) out[c] += chunks / double(panel.size());
  if (!b_reused) {
    for (std::size_t c = 0; c < cores; ++c) out[c] += chunks * double(plan.tiles_of(c).size());
    return out;
  }
  for (const std::set<std::size_t>& panel : b_readers)
    for (std::size_t c : panel) out[c] += chunks / double(panel.size());
  return out;
}

double shared_completion_cycles(std::vector<double> bytes, const std::vector<double>& caps,
                                double rate) {
  const std::vector<double> requested = bytes;
  double now = 0;
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] > 0) active.push_back(i);
  std::vector<double> share(bytes.size(), 0.0);
  while (!active.empty()) {
    // Water-filling: the slowest cores take their cap, the rest split what is left evenly.
    std::sort(active.begin(), active.end(),
              [&](std::size_t a, std::size_t b) { return caps[a] < caps[b]; });
    double left = rate;
    for (std::size_t j = 0; j < active.size(); ++j) {
      share[active[j]] = std::min(caps[active[j]], left / double(active.size() - j));
      left -= share[active[j]];
    }
    double step = std::numeric_limits<double>::infinity();
    for (std::size_t i : active)
      if (share[i] > 0) step = std::min(step, bytes[i] / share[i]);
    if (!std::isfinite(step)) return step;  // nobody can move: a core with no pace
    now += step;
    std::vector<std::size_t> still;
    for (std::size_t i : active) {
      bytes[i] -= share[i] * step;
      if (bytes[i] > 1e-9 * requested[i]) still.push_back(i);
    }
    active.swap(still);
  }
  return now;
}

}  // namespace ascendsim::kernels
