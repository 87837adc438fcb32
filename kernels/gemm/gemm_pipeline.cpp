// The per-AIC matmul pipeline (see gemm_pipeline.hpp for the stages and the flag discipline).
#include "kernels/gemm/gemm_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

// Event ids: each hand-off has its own pipe pair, so an id only tells ping from pong.
//   MTE2 -> MTE1  id s  L1 slot s holds a chunk      MTE1 -> MTE2  id s  L1 slot s is free
//   MTE1 -> M     id q  L0 slot q holds a step       M -> MTE1     id q  L0 slot q is free
//   M -> FIX      id c  L0C slot c holds a tile      FIX -> M      id c  L0C slot c is free
constexpr std::uint32_t kPingPong = 2;

// A dense rows x cols view at the start of an allocated buffer (edge tiles use less of it).
Tile dense(const Tile& buffer, std::uint32_t rows, std::uint32_t cols) {
  return buffer.dense(buffer.dtype, rows, cols);
}

class GemmCoreKernel {
 public:
  GemmCoreKernel(CoreBuilder& core, const GemmPlan& plan, const GemmOperands& gm)
      : core_(core), plan_(plan), gm_(gm), buf_(plan.layout) {}

  void process(const std::vector<std::uint64_t>& tiles) {
    const std::vector<Chunk> chunks = schedule(tiles);
    if (chunks.empty()) return;
    init_buffers();
    copy_in(chunks[0]);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (i + 1 < chunks.size()) copy_in(chunks[i + 1]);  // prefetch into the other L1 slot
      split_and_compute(chunks[i]);
      if (chunks[i].last_of_tile) copy_out(chunks[i]);
    }
    release_buffers();
  }

 private:
  struct Chunk {
    OutputTile tile;
    KChunk k;
    std::uint32_t l1_slot = 0, l0c_slot = 0;
    bool first_of_tile = false, last_of_tile = false;
  };

  // The core's work as one list of L1 chunks, tile after tile; L1 slots alternate across tile
  // boundaries, L0C slots alternate per tile.
  std::vector<Chunk> schedule(const std::vector<std::uint64_t>& tiles) const {
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const std::vector<std::size_t> order = plan_.chunk_order(tiles[i]);
      for (std::size_t j = 0; j < order.size(); ++j) {
        Chunk ch;
        ch.tile = plan_.output_tile(tiles[i]);
        ch.k = plan_.chunks[order[j]];
        ch.l1_slot = static_cast<std::uint32_t>(chunks.size() % kPingPong);
        ch.l0c_slot = static_cast<std::uint32_t>(i % buf_.l0c_buffers);
        ch.first_of_tile = j == 0;
        ch.last_of_tile = j + 1 == plan_.chunks.size();
        chunks.push_back(ch);
      }
    }
    return chunks;
  }

  // Every buffer starts free: its "free" event is set once here (TQue::InitBuffer's role) ...
  void init_buffers() {
    for (std::uint8_t s = 0; s < kPingPong; ++s) {
      core_.set_flag(Pipe::MTE1, Pipe::MTE2, s);
      core_.set_flag(Pipe::M, Pipe::MTE1, s);
    }
    for (std::uint8_t c = 0; c < buf_.l0c_buffers; ++c) core_.set_flag(Pipe::FIX, Pipe::M, c);
  }
  // ... and waited once here, after the last use, so every set has its wait.
  void release_buffers() {
    for (std::uint8_t s = 0; s < kPingPong; ++s) {
      core_.wait_flag(Pipe::MTE1, Pipe::MTE2, s);
      core_.wait_flag(Pipe::M, Pipe::MTE1, s);
    }
    for (std::uint8_t c = 0; c < buf_.l0c_buffers; ++c) core_.wait_flag(Pipe::FIX, Pipe::M, c);
  }

  // CopyIn (MTE2): the A and B chunk of one K range into a free L1 slot.
  void copy_in(const Chunk& ch) {
    const auto s = static_cast<std::uint8_t>(ch.l1_slot);
    core_.wait_flag(Pipe::MTE1, Pipe::MTE2, s);
    core_.copy_gm_to_l1(l1_a(ch), gm_.a.tile(ch.tile.row0, ch.k.k0, ch.tile.rows, ch.k.depth));
    core_.copy_gm_to_l1(l1_b(ch), gm_.b.tile(ch.k.k0, ch.tile.col0, ch.k.depth, ch.tile.cols));
    core_.set_flag(Pipe::MTE2, Pipe::MTE1, s);
  }

  // SplitA / SplitB (MTE1) and Compute (M) for every L0 step of a chunk.
  void split_and_compute(const Chunk& ch) {
    const std::vector<std::uint32_t> depths = plan_.steps(ch.k);
    core_.wait_flag(Pipe::MTE2, Pipe::MTE1, static_cast<std::uint8_t>(ch.l1_slot));
    std::uint32_t k = 0;
    for (std::size_t j = 0; j < depths.size(); ++j) {
      const auto q = static_cast<std::uint8_t>(l0_steps_++ % kPingPong);
      const bool last_step_of_chunk = j + 1 == depths.size();
      core_.wait_flag(Pipe::M, Pipe::MTE1, q);
      const Tile a = split_a(ch, k, depths[j], q);
      const Tile b = split_b(ch, k, depths[j], q);
      core_.set_flag(Pipe::MTE1, Pipe::M, q);
      if (last_step_of_chunk)
        core_.set_flag(Pipe::MTE1, Pipe::MTE2, static_cast<std::uint8_t>(ch.l1_slot));
      compute(ch, a, b, q, ch.first_of_tile && j == 0, ch.last_of_tile && last_step_of_chunk);
      k += depths[j];
    }
  }

  Tile split_a(const Chunk& ch, std::uint32_t k, std::uint32_t depth, std::uint8_t q) {
    const Tile dst = dense(buf_.l0a[q], ch.tile.rows, depth);
    core_.load_l0a(dst, l1_a(ch).sub(0, k, ch.tile.rows, depth));
    return dst;
  }

  Tile split_b(const Chunk& ch, std::uint32_t k, std::uint32_t depth, std::uint8_t q) {
    const Tile dst = dense(buf_.l0b[q], depth, ch.tile.cols);
    core_.load_l0b(dst, l1_b(ch).sub(k, 0, depth, ch.tile.cols));
    return dst;
  }

  // Compute (M): the first step of a tile waits for its accumulator to be drained and
  // overwrites it; the last one hands the tile to CopyOut.
  void compute(const Chunk& ch, const Tile& a, const Tile& b, std::uint8_t q, bool first,
               bool last) {
    const auto c = static_cast<std::uint8_t>(ch.l0c_slot);
    if (first) core_.wait_flag(Pipe::FIX, Pipe::M, c);
    core_.wait_flag(Pipe::MTE1, Pipe::M, q);
    core_.mmad(l0c(ch), a, b, /*accumulate=*/!first);
    core_.set_flag(Pipe::M, Pipe::MTE1, q);
    if (last) core_.set_flag(Pipe::M, Pipe::FIX, c);
  }

  // CopyOut (FIX): the finished tile to GM, cast to out_dtype on the way.
  void copy_out(const Chunk& ch) {
    const auto c = static_cast<std::uint8_t>(ch.l0c_slot);
    core_.wait_flag(Pipe::M, Pipe::FIX, c);
    core_.fixpipe(gm_.c.tile(ch.tile.row0, ch.tile.col0, ch.tile.rows, ch.tile.cols), l0c(ch));
    core_.set_flag(Pipe::FIX, Pipe::M, c);
  }

  Tile l1_a(const Chunk& ch) const {
    return dense(buf_.l1_a[ch.l1_slot], ch.tile.rows, ch.k.depth);
  }
  Tile l1_b(const Chunk& ch) const {
    return dense(buf_.l1_b[ch.l1_slot], ch.k.depth, ch.tile.cols);
  }
  Tile l0c(const Chunk& ch) const {
    return dense(buf_.l0c[ch.l0c_slot], ch.tile.rows, ch.tile.cols);
  }

  CoreBuilder& core_;
  const GemmPlan& plan_;
  const GemmOperands& gm_;
  const GemmLayout& buf_;
  std::uint64_t l0_steps_ = 0;  // L0 steps emitted so far: picks the L0A/L0B ping-pong slot
};

}  // namespace

void emit_gemm_core(CoreBuilder& core, const GemmPlan& plan, const GemmOperands& gm,
                    const std::vector<std::uint64_t>& tiles) {
  GemmCoreKernel(core, plan, gm).process(tiles);
}

std::uint64_t gemm_tile_instruction_count(const GemmPlan& plan) {
  std::uint64_t per_tile = 2 + 3;  // M: wait FIX->M, set M->FIX; FIX: wait, fixpipe, set
  for (const KChunk& ch : plan.chunks) {
    const std::uint64_t steps = plan.steps(ch).size();
    per_tile += 4 + (2 + 4 * steps) + 3 * steps;  // MTE2, MTE1, M
  }
  return per_tile;
}

std::uint64_t gemm_core_instruction_count(const GemmPlan& plan, std::uint64_t tiles) {
  if (tiles == 0) return 0;
  return tiles * gemm_tile_instruction_count(plan) + 2 * (2 * kPingPong + plan.layout.l0c_buffers);
}

}  // namespace ascendsim::kernels
