#pragma once
// Emits a Program with calls that read like Ascend C, so a kernel generator can be held beside
// the paper's pseudo-code. Each call appends one instruction to the current core's stream and
// checks it immediately (isa::check_instruction): a bad tile fails at the line that built it.
//
//   ProgramBuilder b(hw);
//   GmTensor a = b.gm_tensor("a", DType::bf16, {m, k});
//   CoreBuilder& c = b.aic(0, 3);
//   c.copy_gm_to_l1(l1_a, a.tile(0, 0, 128, 256));
//   c.set_flag(Pipe::MTE2, Pipe::MTE1, 0);  c.wait_flag(Pipe::MTE2, Pipe::MTE1, 0);
//   c.load_l0a(l0a, l1_a.sub(0, 0, 128, 64));  ...  c.mmad(l0c, l0a, l0b, /*accumulate=*/k > 0);
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

using isa::Buffer;
using isa::CoreId;
using isa::CoreKind;
using isa::Pipe;
using isa::TileView;
using numeric::DType;

// A 2-D tile view with helpers for sub-tiles (row/col offsets in elements).
struct Tile : TileView {
  Tile() = default;
  Tile(const TileView& v) : TileView(v) {}  // NOLINT: a Tile is a view
  Tile sub(std::uint32_t row0, std::uint32_t col0, std::uint32_t rows, std::uint32_t cols) const;
  Tile as(DType t) const;  // same bytes, other element type (cols rescaled by the width ratio)
  // A dense rows x cols view of type t starting where this tile starts (a buffer slot reused
  // for tiles of several shapes and types; the caller keeps it within the slot).
  Tile dense(DType t, std::uint32_t rows, std::uint32_t cols) const;
};

// One 32-byte piece (16 bf16) of every `line_bytes` line of GM bytes [address, address + bytes),
// as a strided GM view: copying it into a UB scratch tile makes the L2 fetch those whole lines
// (an L2 prefetch through the reading core's port; the address is line-aligned).
Tile l2_line_pieces(std::uint64_t address, std::uint64_t bytes, std::uint32_t line_bytes);

// A GM tensor a kernel declared; shape is (rows, cols) or (batch..., rows, cols) flattened to rows.
struct GmTensor {
  std::string name;
  DType dtype = DType::fp32;
  std::uint64_t address = 0;
  std::uint64_t rows = 0, cols = 0;
  Tile tile(std::uint64_t row0, std::uint64_t col0, std::uint32_t rows, std::uint32_t cols) const;
  Tile all() const;
};

// Bump allocator for one on-chip buffer of one core (the role TPipe::InitBuffer plays).
// alloc() throws config::ConfigError "<what>: needs N bytes of <buffer>, only M of C left" so a
// tiling that does not fit is reported against the run's tile parameters.
class LocalBuffer {
 public:
  LocalBuffer(Buffer buffer, std::uint64_t capacity, std::uint32_t alignment);
  Tile alloc(const std::string& what, DType t, std::uint32_t rows, std::uint32_t cols);
  std::uint64_t used() const { return next_; }
  std::uint64_t capacity() const { return capacity_; }

 private:
  Buffer buffer_;
  std::uint64_t capacity_;
  std::uint32_t alignment_;
  std::uint64_t next_ = 0;
};

class CoreBuilder {
 public:
  CoreBuilder(const config::HardwareConfig& hw, isa::CoreProgram& program);
  const CoreId& id() const;
  LocalBuffer buffer(Buffer b) const;  // a fresh allocator over this core's buffer b
  std::size_t size() const;            // instructions emitted so far
  // Names the instructions emitted from here on (isa::Region), e.g. the task and KV block a
  // numeric event's report names. A region with no instruction yet is renamed, not stacked.
  void region(std::string label);

  // ---- MTE2 / MTE1 / MTE3 ----
  void copy_gm_to_l1(const Tile& dst, const Tile& src);
  void copy_gm_to_l0a(const Tile& dst, const Tile& src);
  void copy_gm_to_l0b(const Tile& dst, const Tile& src);
  void copy_gm_to_ub(const Tile& dst, const Tile& src);
  void load_l0a(const Tile& dst, const Tile& src);                          // L1 -> L0A
  void load_l0b(const Tile& dst, const Tile& src, bool transpose = false);  // L1 -> L0B
  void copy_ub_to_gm(const Tile& dst, const Tile& src);  // atomic if set_atomic_add() is on
  void copy_ub_to_l1(const Tile& dst, const Tile& src);
  void copy_l1_to_fb(const Tile& dst, const Tile& src);  // FIX: per-channel scales for fixpipe
  // ---- Cube / FixPipe ----
  void mmad(const Tile& c, const Tile& a, const Tile& b, bool accumulate);
  // MX (asc_mmad_mx): scale_a (L0A, m x k/32 e8m0) and scale_b (L0B, k/32 x n e8m0) scale a's
  // and b's 32-element blocks along k.
  void mmad_mx(const Tile& c, const Tile& a, const Tile& b, const Tile& scale_a,
               const Tile& scale_b, bool accumulate);
  void fixpipe(const Tile& dst, const Tile& src, double scale = 1.0, bool relu = false,
               numeric::Rounding r = numeric::Rounding::nearest_even);
  void fixpipe_per_channel(const Tile& dst, const Tile& src, const Tile& scales_fb);
  // ---- Vector ----
  void vadd(const Tile& d, const Tile& a, const Tile& b);
  void vsub(const Tile& d, const Tile& a, const Tile& b);
  void vmul(const Tile& d, const Tile& a, const Tile& b);
  void vdiv(const Tile& d, const Tile& a, const Tile& b);
  void vmax(const Tile& d, const Tile& a, const Tile& b);
  void vmin(const Tile& d, const Tile& a, const Tile& b);
  void vadds(const Tile& d, const Tile& a, double s);
  void vmuls(const Tile& d, const Tile& a, double s);
  void vmaxs(const Tile& d, const Tile& a, double s);
  void vmins(const Tile& d, const Tile& a, double s);
  void vexp(const Tile& d, const Tile& a);
  void vln(const Tile& d, const Tile& a);
  void vabs(const Tile& d, const Tile& a);
  void vsqrt(const Tile& d, const Tile& a);
  void vrsqrt(const Tile& d, const Tile& a);
  void vrec(const Tile& d, const Tile& a);
  void vrelu(const Tile& d, const Tile& a);
  void vdup(const Tile& d, double value);
  void vcast(const Tile& d, const Tile& a, numeric::Rounding r = numeric::Rounding::nearest_even,
             bool saturate = false);
  void vrowmax(const Tile& d, const Tile& a);
  void vrowmin(const Tile& d, const Tile& a);
  void vrowsum(const Tile& d, const Tile& a);
  void vrow_add(const Tile& d, const Tile& a, const Tile& col);
  void vrow_sub(const Tile& d, const Tile& a, const Tile& col);
  void vrow_mul(const Tile& d, const Tile& a, const Tile& col);
  void vrow_div(const Tile& d, const Tile& a, const Tile& col);
  void vrow_max(const Tile& d, const Tile& a, const Tile& col);
  void vcmp(const Tile& d, const Tile& a, const Tile& b, isa::CmpMode mode);
  void vsel(const Tile& d, const Tile& mask, const Tile& a, const Tile& b);
  // h[c] = a[c]*h[c-1] + w[c] (linear) or logaddexp(h[c-1] + a[c], w[c]); h[-1] = carry[r, 0].
  // `direction` combines isa::flag::first_axis (down the rows, each column a lane, h[-1][c] =
  // carry[0, c]: pass the previous tile's last row) and isa::flag::reverse (last to first).
  void vscan(const Tile& d, const Tile& a, const Tile& w, const Tile& carry,
             isa::ScanMode mode = isa::ScanMode::linear, std::uint8_t direction = 0);
  void vscan(const Tile& d, const Tile& a, const Tile& w, double carry,
             isa::ScanMode mode = isa::ScanMode::linear, std::uint8_t direction = 0);
  // ---- synchronisation ----
  void set_flag(Pipe src, Pipe dst, std::uint8_t event_id);
  void wait_flag(Pipe src, Pipe dst, std::uint8_t event_id);
  // set_flag then wait_flag: `dst`'s later instructions wait for `src`'s earlier ones.
  void handoff(Pipe src, Pipe dst, std::uint8_t event_id);
  void pipe_barrier(Pipe p);
  // `on`: the pipe whose earlier work the set signals (PIPE_S only where the chip allows it).
  void cross_core_set(isa::SyncMode mode, std::uint8_t flag_id, Pipe on);
  void cross_core_wait(std::uint8_t flag_id, Pipe on = Pipe::S);
  void set_atomic_add();  // later GM writes of this core (MTE3, FIX) read-add-write
  void set_atomic_none();
  void nop(Pipe p, std::uint32_t cycles);

  void emit(isa::Instruction ins);  // checked append; the calls above build on it

 private:
  const config::HardwareConfig& hw_;
  isa::CoreProgram& program_;
  bool atomic_add_ = false;
};

class ProgramBuilder {
 public:
  explicit ProgramBuilder(const config::HardwareConfig& hw);
  // Declares a GM tensor on `die` (512-B aligned, placed after the previous one of that die).
  // Data is zero-filled unless `functional` is false (timing-only: no bytes are held).
  GmTensor gm_tensor(const std::string& name, DType t, std::uint64_t rows, std::uint64_t cols,
                     std::uint32_t die = 0, bool output = false);
  std::vector<std::uint8_t>& data(const GmTensor& t);  // bytes to fill (functional mode)
  void set_functional(bool functional) { functional_ = functional; }
  bool functional() const { return functional_; }

  CoreBuilder& aic(std::uint32_t die, std::uint32_t index);
  CoreBuilder& aiv(std::uint32_t die, std::uint32_t index);
  CoreBuilder& core(const CoreId& id);
  const config::HardwareConfig& hw() const { return hw_; }

  isa::Program take();  // the finished program (cores in die/kind/index order)

 private:
  const config::HardwareConfig& hw_;
  bool functional_ = true;
  std::uint64_t functional_bytes_ = 0;  // tensor bytes held so far (checked against the host)
  std::vector<isa::TensorDecl> tensors_;
  std::map<CoreId, isa::CoreProgram> programs_;  // map nodes are stable: builders point into them
  std::map<CoreId, CoreBuilder> builders_;
  std::vector<std::uint64_t> next_address_;  // per die
};

}  // namespace ascendsim::kernels
