#pragma once
// How `sinkhorn_dense` spreads K (M x N fp32 in GM) over the AIVs and cuts it into UB tiles.
//
// M and N are padded to multiples of 8 (32-byte rows of fp32; K, a, b, x, y are 0 in the
// padding, the masks 1). Core c owns a contiguous block of K's rows (K v and the final pass) and
// a contiguous block of K's columns (K^T u), each a multiple of 8 and balanced to within 8.
// Every pass streams K tile by tile:
//   K v    per panel of the core's rows (their sums stay in UB), per column chunk (v's chunk
//          replicated down the tile's rows, loaded once per chunk), per row tile
//   K^T u  per column chunk of the core's block (a rows x cols accumulator), per row tile of
//          all M rows (a strided GM view)
//   final  as K v, with y's chunk replicated too
// Pieces: a span cut into `piece`-long pieces, the last one shorter.
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/finom/finom_params.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::kernels::sinkhorn {

struct Span {
  std::uint64_t first = 0, count = 0;
};

// Calls f(first, count) for each piece of `s`, in order.
template <typename F>
void for_each_piece(Span s, std::uint64_t piece, F f) {
  for (std::uint64_t o = 0; o < s.count; o += piece)
    f(s.first + o, s.count - o < piece ? s.count - o : piece);
}
// The distinct piece lengths of `s` with their counts (at most two: full and last).
std::vector<std::pair<std::uint64_t, std::uint64_t>> piece_counts(Span s, std::uint64_t piece);

struct TileShape {
  std::uint32_t rows = 0, cols = 0;  // K elements of one UB tile (edge tiles are smaller)
};

// UB slots of K-sized tiles per pass: two K tiles (ping-pong) and, for the row passes, two of
// each replicated chunk; K^T u's accumulator; the final pass's weighted distances.
inline constexpr std::uint32_t kKvSlots = 4, kKtuSlots = 3, kFinalSlots = 7;
inline constexpr std::uint32_t kMaxPanelRows = 1024;  // rows of K v sums kept in UB at once
// Row pass tile rows: v's chunk is copied once per row per chunk, the K tiles once per tile,
// so about sqrt(panel) rows keep both counts low when N is small.
inline constexpr std::uint32_t kMaxRepRows = 32;
inline constexpr std::uint32_t kMaxKtuRows = 1024;  // K^T u accumulator rows (a power of 2)
inline constexpr std::uint32_t kMaxKtuCols = 2048;  // K^T u chunk columns

struct DensePlan {
  finom::FinomParams params;
  finom::Problem problem;
  std::uint64_t m = 0, n = 0;          // sources, targets
  std::uint64_t m_pad = 0, n_pad = 0;  // rounded up to multiples of 8
  std::uint32_t cores = 0;             // AIVs programmed (all take part in the barriers)
  std::uint32_t dies = 0;              // dies those AIVs are on: each holds a copy of K
  std::uint32_t iterations = 0;
  bool iterations_auto = false;
  std::vector<Span> rows, cols;  // per core: its rows of K (K v, final), its columns (K^T u)
  std::uint32_t panel_rows = 0;  // K v / final: rows per panel
  TileShape kv, ktu, final;      // tiles of the three passes (ktu.rows: a power of 2 <= m_pad)

  std::uint64_t k_bytes() const { return m_pad * n_pad * 4; }
};

// ConfigError naming kernel.cores when it exceeds the chip's AIVs. The iteration count (and
// auto) and the problem come from finom::plan_finom, so both kernels run the same count.
DensePlan plan_dense(const finom::FinomParams& params, const config::HardwareConfig& hw);
Json dense_plan_json(const DensePlan& plan);

}  // namespace ascendsim::kernels::sinkhorn
