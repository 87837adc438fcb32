// The core split and tiling of `sinkhorn_dense` (dense_plan.hpp).
#include "kernels/sinkhorn/dense_plan.hpp"

#include <algorithm>
#include <string>

#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels::sinkhorn {
namespace {

constexpr std::uint64_t kSlack = 1024;      // UB bytes left for allocation rounding
constexpr std::uint64_t kMinUb = 64 << 10;  // room for the columns and 7 tiles of 8 x 64

std::uint64_t round_up(std::uint64_t x, std::uint64_t q) { return (x + q - 1) / q * q; }
std::uint64_t round_down(std::uint64_t x, std::uint64_t q) { return std::max(q, x / q * q); }
std::uint64_t pow2_floor(std::uint64_t x) {
  std::uint64_t p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

// `groups` blocks of 8 elements spread over `cores` as evenly as possible, in order.
std::vector<Span> split(std::uint64_t padded, std::uint32_t cores) {
  const std::uint64_t groups = padded / 8, base = groups / cores, extra = groups % cores;
  std::vector<Span> out(cores);
  for (std::uint32_t c = 0; c < cores; ++c)
    out[c] = {8 * (c * base + std::min<std::uint64_t>(c, extra)), 8 * (base + (c < extra))};
  return out;
}

std::uint64_t largest(const std::vector<Span>& blocks) {
  std::uint64_t w = 8;
  for (const Span& s : blocks) w = std::max(w, s.count);
  return w;
}

// A chunk width for `width` elements of at most `max`: as few chunks as fit, each but the last
// a multiple of 128 where `max` allows (whole 512-byte L2 lines: when K's rows start on a line,
// no line is split between two chunks, which would fetch it twice when K streams from HBM),
// else of 8.
std::uint64_t chunk_width(std::uint64_t width, std::uint64_t max) {
  if (width <= max) return width;
  const std::uint64_t q = max >= 128 ? 128 : 8, widest = max / q * q;
  const std::uint64_t pieces = (width + widest - 1) / widest;
  return round_up((width + pieces - 1) / pieces, q);
}

// A row pass's tile: `slots` tiles beside `fixed` bytes of columns, the widest chunk of the
// padded columns that leaves 8 rows, then as many rows as fit, at most a panel and at most
// kMaxRepRows (each row of the tile is one copy of v's chunk per chunk).
TileShape row_pass_tile(std::uint64_t ub, std::uint64_t fixed, std::uint32_t slots,
                        std::uint64_t n_pad, std::uint32_t panel) {
  const std::uint64_t elements = (ub - fixed - kSlack) / slots / 4;
  const std::uint64_t cols = chunk_width(n_pad, round_down(elements / 8, 64));
  const std::uint64_t rows =
      std::min<std::uint64_t>({panel, kMaxRepRows, round_down(elements / cols, 8)});
  return {std::uint32_t(rows), std::uint32_t(cols)};
}

}  // namespace

std::vector<std::pair<std::uint64_t, std::uint64_t>> piece_counts(Span s, std::uint64_t piece) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (s.count >= piece) out.push_back({piece, s.count / piece});
  if (s.count % piece) out.push_back({s.count % piece, 1});
  return out;
}

DensePlan plan_dense(const finom::FinomParams& params, const config::HardwareConfig& hw) {
  DensePlan plan;
  plan.params = params;
  plan.problem = finom::make_problem(params);  // as `finom` gets it
  plan.iterations = finom::resolve_iterations(params, plan.problem);
  plan.iterations_auto = params.iterations == 0;
  plan.m = plan.problem.x.size();
  plan.n = plan.problem.y.size();
  plan.m_pad = round_up(plan.m, 8);
  plan.n_pad = round_up(plan.n, 8);
  const std::uint32_t aivs = hw.dies * hw.aiv_per_die();
  if (params.cores > aivs)
    throw config::ConfigError(params.where_cores + ": " + std::to_string(params.cores) +
                              " cores asked, the chip has " + std::to_string(aivs) + " AIVs");
  plan.cores = params.cores ? params.cores : aivs;
  plan.dies = (plan.cores + hw.aiv_per_die() - 1) / hw.aiv_per_die();
  plan.rows = split(plan.m_pad, plan.cores);
  plan.cols = split(plan.n_pad, plan.cores);

  const std::uint64_t ub = hw.buffer_bytes(isa::CoreKind::AIV, isa::Buffer::UB);
  if (ub < kMinUb)
    throw config::ConfigError("chip.aiv.buffers.ub: sinkhorn_dense needs at least " +
                              std::to_string(kMinUb) + " bytes of UB, this chip has " +
                              std::to_string(ub));
  plan.panel_rows = std::uint32_t(std::min<std::uint64_t>(kMaxPanelRows, largest(plan.rows)));
  const std::uint64_t panel_bytes = 4ull * plan.panel_rows;
  // Both row passes keep four panel columns (K v: sums, a, not_src, u; final: K v and cost
  // sums, x, u), a column of one tile's row sums and the running cost.
  const std::uint64_t columns = 5 * panel_bytes + 32;
  plan.kv = row_pass_tile(ub, columns, kKvSlots, plan.n_pad, plan.panel_rows);
  plan.final = row_pass_tile(ub, columns, kFinalSlots, plan.n_pad, plan.panel_rows);
  // K^T u: two u columns of up to kMaxKtuRows, and b, not_tgt, v rows of up to kMaxKtuCols
  // (a core's whole column block in one chunk up to N = 48 x 1664 on a 910B2)
  const std::uint64_t ktu_elements =
      (ub - 8ull * kMaxKtuRows - 12ull * kMaxKtuCols - kSlack) / kKtuSlots / 4;
  const std::uint64_t ktu_cols = chunk_width(
      largest(plan.cols), std::min<std::uint64_t>(kMaxKtuCols, round_down(ktu_elements / 8, 64)));
  // at most M's rows, so the first row tile fills the accumulator
  const std::uint64_t ktu_rows =
      pow2_floor(std::min<std::uint64_t>({ktu_elements / ktu_cols, kMaxKtuRows, plan.m_pad}));
  plan.ktu = {std::uint32_t(ktu_rows), std::uint32_t(ktu_cols)};
  return plan;
}

Json dense_plan_json(const DensePlan& plan) {
  auto tile = [](const TileShape& t) { return Json{{"rows", t.rows}, {"cols", t.cols}}; };
  return Json{{"cores", plan.cores},
              {"dies", plan.dies},
              {"m_padded", plan.m_pad},
              {"n_padded", plan.n_pad},
              {"rows_per_core", largest(plan.rows)},
              {"cols_per_core", largest(plan.cols)},
              {"panel_rows", plan.panel_rows},
              {"kv_tile", tile(plan.kv)},
              {"ktu_tile", tile(plan.ktu)},
              {"final_tile", tile(plan.final)},
              {"k_bytes", plan.k_bytes()},
              {"iterations", plan.iterations},
              {"iterations_auto", plan.iterations_auto}};
}

}  // namespace ascendsim::kernels::sinkhorn
