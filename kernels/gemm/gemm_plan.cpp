// plan_gemm: padding, tiles, chunks, cores and buffer layout (see gemm_plan.hpp).
#include "kernels/gemm/gemm_plan.hpp"

#include <algorithm>
#include <numeric>

#include "sim/config/config_node.hpp"
#include "sim/isa/validate.hpp"

namespace ascendsim::kernels {
namespace {

std::uint64_t round_up(std::uint64_t x, std::uint64_t to) { return (x + to - 1) / to * to; }
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

std::string shape(std::uint32_t rows, std::uint32_t cols, DType t) {
  return std::to_string(rows) + "x" + std::to_string(cols) + " " +
         std::string(numeric::dtype_name(t));
}

std::uint32_t cube_k0(const GemmParams& p, const config::HardwareConfig& hw) {
  const auto it = hw.aic.cube.k0.find(p.dtype);
  if (it != hw.aic.cube.k0.end() && it->second > 0) return it->second;
  std::string takes;
  for (const auto& [t, k0] : hw.aic.cube.k0)
    takes += (takes.empty() ? "" : ", ") + std::string(numeric::dtype_name(t));
  throw config::ConfigError(p.where_dtype + ": the cube of " + hw.name + " does not take " +
                            std::string(numeric::dtype_name(p.dtype)) + " inputs (it takes " +
                            takes + ")");
}

std::vector<isa::CoreId> pick_cores(const GemmParams& p, const config::HardwareConfig& hw) {
  const std::uint32_t total = hw.total_aic();
  if (p.cores > total)
    throw config::ConfigError(p.where_cores + ": expected at most " + std::to_string(total) +
                              " (the AICs of " + hw.name + "), got " + std::to_string(p.cores));
  const std::uint32_t used = p.cores ? p.cores : total;
  std::vector<isa::CoreId> cores;
  for (std::uint32_t i = 0; i < used; ++i)
    cores.push_back(isa::CoreId{static_cast<std::uint16_t>(i / hw.aic_per_die), isa::CoreKind::AIC,
                                static_cast<std::uint16_t>(i % hw.aic_per_die)});
  return cores;
}

// Allocates every buffer through LocalBuffer, whose ConfigError names the tile keys involved.
GemmLayout allocate(const GemmPlan& plan, const config::HardwareConfig& hw) {
  const GemmTileParams& t = plan.tile;
  const DType in = plan.params.dtype;
  const DType acc = numeric::is_float(in) ? DType::fp32 : DType::int32;
  const std::string& at = plan.params.where_tile;
  auto local = [&](isa::Buffer b) {
    return LocalBuffer(b, hw.aic.buffers.of(b), isa::buffer_alignment(b));
  };
  GemmLayout l;
  LocalBuffer l1 = local(isa::Buffer::L1), l0a = local(isa::Buffer::L0A),
              l0b = local(isa::Buffer::L0B), l0c = local(isa::Buffer::L0C);
  for (int i = 0; i < 2; ++i) {
    const std::string nth = " " + std::to_string(i + 1) + " of 2";
    l.l1_a[i] = l1.alloc(
        at + ": L1 A chunk" + nth + " (tile.m x tile.l1_k = " + shape(t.m, t.l1_k, in) + ")", in,
        t.m, t.l1_k);
    l.l1_b[i] = l1.alloc(
        at + ": L1 B chunk" + nth + " (tile.l1_k x tile.n = " + shape(t.l1_k, t.n, in) + ")", in,
        t.l1_k, t.n);
    l.l0a[i] = l0a.alloc(
        at + ": L0A tile" + nth + " (tile.m x tile.k = " + shape(t.m, t.k, in) + ")", in, t.m, t.k);
    l.l0b[i] = l0b.alloc(
        at + ": L0B tile" + nth + " (tile.k x tile.n = " + shape(t.k, t.n, in) + ")", in, t.k, t.n);
  }
  // Two accumulators let FIX drain one output tile while M fills the next. When only one fits
  // (a 128x256 fp32 tile is all of a 910B's 128 KiB L0C) the kernel runs single-buffered.
  const std::string what =
      at + ": L0C accumulator (tile.m x tile.n = " + shape(t.m, t.n, acc) + ")";
  l.l0c[0] = l0c.alloc(what, acc, t.m, t.n);
  const std::uint64_t bytes = numeric::dtype_bytes(acc, std::uint64_t(t.m) * t.n);
  const std::uint32_t align = isa::buffer_alignment(isa::Buffer::L0C);
  l.l0c_buffers = round_up(l0c.used(), align) + bytes <= l0c.capacity() ? 2 : 1;
  l.l0c[1] = l.l0c_buffers == 2 ? l0c.alloc(what, acc, t.m, t.n) : l.l0c[0];
  return l;
}

}  // namespace

OutputTile GemmPlan::output_tile(std::uint64_t t) const {
  OutputTile o;
  o.index = t;
  o.row0 = (t / tiles_n) * tile.m;
  o.col0 = (t % tiles_n) * tile.n;
  o.rows = static_cast<std::uint32_t>(std::min<std::uint64_t>(tile.m, m_pad - o.row0));
  o.cols = static_cast<std::uint32_t>(std::min<std::uint64_t>(tile.n, n_pad - o.col0));
  return o;
}

std::vector<std::uint64_t> GemmPlan::tiles_of(std::size_t core) const {
  std::vector<std::uint64_t> out;
  for (std::uint64_t t = core; t < tile_count(); t += cores.size()) out.push_back(t);
  return out;
}

std::vector<std::size_t> GemmPlan::chunk_order(std::uint64_t t) const {
  // The tiles of t's row that run in t's round (one tile per core) share its A row panel at
  // the same time: the i-th of k starts i * n / k chunks in, so each fetches about n / k chunks.
  const std::uint64_t n = chunks.size(), round0 = t - t % cores.size();
  const std::uint64_t lo = std::max(round0, t - t % tiles_n);
  const std::uint64_t hi =
      std::min({round0 + cores.size(), t - t % tiles_n + tiles_n, tile_count()});
  const auto start = static_cast<std::size_t>((t - lo) * n / (hi - lo));
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < n; ++j) out.push_back((start + j) % n);
  return out;
}

std::vector<std::uint32_t> GemmPlan::steps(const KChunk& chunk) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t k = 0; k < chunk.depth; k += tile.k)
    out.push_back(std::min(tile.k, chunk.depth - k));
  return out;
}

GemmPlan plan_gemm(const GemmParams& params, const config::HardwareConfig& hw) {
  GemmPlan plan;
  plan.params = params;
  const std::uint32_t per32 = elements_per_32_bytes(params.dtype);
  plan.k0 = cube_k0(params, hw);
  plan.k_align = std::lcm(plan.k0, per32);
  plan.n_align = std::max<std::uint32_t>(16, per32);
  if (params.tile.k % plan.k_align != 0)
    throw config::ConfigError(params.where_tile + ".k: expected a multiple of " +
                              std::to_string(plan.k_align) +
                              " (whole cube fractals: k0 = " + std::to_string(plan.k0) + " for " +
                              std::string(numeric::dtype_name(params.dtype)) + " on " + hw.name +
                              "), got " + std::to_string(params.tile.k));
  plan.m_pad = round_up(params.m, 16);
  plan.n_pad = round_up(params.n, plan.n_align);
  plan.k_pad = round_up(params.k, plan.k_align);

  // Clamp the tile to the problem: the requested sizes are whole fractals and so are the padded
  // dimensions, so the minimum is too.
  plan.tile.m = static_cast<std::uint32_t>(std::min<std::uint64_t>(params.tile.m, plan.m_pad));
  plan.tile.n = static_cast<std::uint32_t>(std::min<std::uint64_t>(params.tile.n, plan.n_pad));
  plan.tile.k = static_cast<std::uint32_t>(std::min<std::uint64_t>(params.tile.k, plan.k_pad));
  plan.tile.l1_k =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(params.tile.l1_k, plan.k_pad));
  plan.tiles_m = ceil_div(plan.m_pad, plan.tile.m);
  plan.tiles_n = ceil_div(plan.n_pad, plan.tile.n);
  for (std::uint64_t k = 0; k < plan.k_pad; k += plan.tile.l1_k)
    plan.chunks.push_back(
        {k, static_cast<std::uint32_t>(std::min<std::uint64_t>(plan.tile.l1_k, plan.k_pad - k))});

  plan.cores = pick_cores(params, hw);
  plan.layout = allocate(plan, hw);
  return plan;
}

Json gemm_plan_json(const GemmPlan& plan) {
  const std::uint64_t most = ceil_div(plan.tile_count(), plan.cores.size());  // core 0's share
  return Json{
      {"padded", {{"m", plan.m_pad}, {"n", plan.n_pad}, {"k", plan.k_pad}}},
      {"tile",
       {{"m", plan.tile.m}, {"n", plan.tile.n}, {"k", plan.tile.k}, {"l1_k", plan.tile.l1_k}}},
      {"tiles", plan.tile_count()},
      {"l1_chunks_per_tile", plan.chunks.size()},
      {"cores", plan.cores.size()},
      {"max_tiles_per_core", most},
      {"l0c_buffers", plan.layout.l0c_buffers},
      {"work_split", "round-robin over output tiles, die by die"},
      {"placement", "A, B, C in die 0 GM"}};
}

}  // namespace ascendsim::kernels
