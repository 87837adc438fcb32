// The GEMM model's memory-side pieces: which loads miss L2 first, and how cores share a
// bandwidth (see gemm_model.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <array>
#include <utility>

#include "kernels/gemm/gemm_model.hpp"

namespace ascendsim::kernels {

// Loads are ordered by logical time: round (a core's n-th tile runs in round n on every core),
// step within the tile, core. Per L2 line: the first load that touches it fetches it from HBM;
// a load at the same logical time finds it in flight and waits for it as long as its fetcher
// (so its `wait` is the fetcher's bytes, though its `fetch` has none of them); a later one finds
// it in L2.
// Lines, not chunks, are the unit: with rows narrower than a line (int8, 256-B chunk rows)
// neighbouring chunks share lines, and a fetch moves the whole line.
GemmMisses gemm_first_touches(const GemmPlan& plan, const config::HardwareConfig& hw,
                              bool b_reused) {
  const std::size_t cores = plan.cores.size(), n = plan.chunks.size();
  const std::uint64_t tiles = plan.tile_count(), line = hw.l2.line_bytes;
  const auto bytes = [&](std::uint64_t e) { return numeric::dtype_bytes(plan.params.dtype, e); };
  GemmMisses out(tiles, std::vector<ChunkMisses>(n));
  // Per line of A and of B: the logical time it was first touched (0: never) and by which load.
  struct Line {
    std::uint64_t when = 0, fetcher = 0;
  };
  std::array<std::vector<Line>, 2> lines{
      std::vector<Line>(bytes(plan.m_pad * plan.k_pad) / line + 2),
      std::vector<Line>(bytes(plan.k_pad * plan.n_pad) / line + 2)};
  std::vector<std::vector<std::size_t>> orders(tiles);
  for (std::uint64_t t = 0; t < tiles; ++t) orders[t] = plan.chunk_order(t);
  std::vector<double> own(2 * tiles, 0.0);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;  // (waiter, fetcher) load ids
  std::uint64_t now = 0;
  for (std::uint64_t round0 = 0; round0 < tiles; round0 += cores)
    for (std::size_t s = 0; s < n; ++s) {
      ++now;
      merged.clear();
      const std::uint64_t end_t = std::min<std::uint64_t>(round0 + cores, tiles);
      for (std::uint64_t t = round0; t < end_t; ++t) {
        const OutputTile o = plan.output_tile(t);
        const KChunk& ch = plan.chunks[orders[t][s]];
        // A: rows of the tile, K columns of the chunk; B: K rows of the chunk, the tile's columns.
        const std::array<std::array<std::uint64_t, 4>, 2> loads{
            {{o.row0, o.rows, ch.k0, plan.k_pad}, {ch.k0, ch.depth, o.col0, plan.n_pad}}};
        const std::array<std::uint64_t, 2> widths{ch.depth, o.cols};
        for (std::size_t op = 0; op < 2; ++op) {
          const std::uint64_t id = 2 * t + op;  // this step's load: own[id] is its fetch
          own[id] = 0;
          const auto& [row0, rows, col0, stride] = loads[op];
          for (std::uint64_t r = row0; r < row0 + rows; ++r) {
            const std::uint64_t begin = bytes(r * stride + col0);
            const std::uint64_t end = begin + bytes(widths[op]);
            for (std::uint64_t l = begin / line; l * line < end; ++l) {
              Line& e = lines[op][l];
              if (e.when == 0 || (op == 1 && !b_reused)) {
                e = {now, id};
                own[id] += double(line);
              } else if (e.when == now && e.fetcher != id) {
                merged.push_back({id, e.fetcher});
              }
            }
          }
          out[t][orders[t][s]][op] = {own[id], own[id]};
        }
      }
      for (const auto& [waiter, fetcher] : merged) {
        double& w = out[waiter / 2][orders[waiter / 2][s]][waiter % 2].wait;
        w = std::max(w, own[fetcher]);
      }
    }
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
