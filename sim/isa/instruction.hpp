#pragma once
// One instruction = one entry of a hardware pipe queue, at the level of Ascend C / CCE
// intrinsics. Operands are typed 2-D views of a buffer. The model abstracts the on-chip fractal
// layouts (NZ/ZZ/ZN) away: every buffer holds its tiles row-major, and layout only shows up as
// alignment rules (tiles moved into L0 are whole 16x16 fractals) and as transfer cost.
#include <array>
#include <cstdint>
#include <string>

#include "sim/isa/pipe.hpp"
#include "sim/numeric/dtype.hpp"

namespace ascendsim::isa {

using numeric::DType;
using numeric::Rounding;

// A rows x cols tile of `dtype` in `buffer`. `offset` is in bytes from the buffer's base (for
// GM: an absolute GM address). `row_stride` is in elements between row starts; 0 means dense
// (= cols). Packed 4-bit types need even cols, stride and an even starting element.
// (Field order keeps the view at 24 bytes: an Instruction holds five.)
struct TileView {
  std::uint64_t offset = 0;
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  std::uint32_t row_stride = 0;
  Buffer buffer = Buffer::GM;
  DType dtype = DType::fp32;

  std::uint32_t stride() const { return row_stride ? row_stride : cols; }
  std::uint64_t elements() const { return std::uint64_t(rows) * cols; }
  std::uint64_t bytes() const;        // payload bytes (rows * cols elements)
  std::uint64_t span_bytes() const;   // first to last byte touched, stride included
  bool valid() const { return rows > 0 && cols > 0; }
};
static_assert(sizeof(TileView) == 24, "an Instruction holds five views: keep them small");

enum class Opcode : std::uint8_t {
  // ---- data movement (MTE2: GM->L1/L0A/L0B/UB; MTE1: L1->L0A/L0B/BT; MTE3: UB->GM/L1;
  //      FIX: L1->FB for per-channel fixpipe parameters) ----
  copy,        // dst = src0 (same shape and dtype); flags: transpose (MTE1 only), atomic_add
  // ---- cube (M) ----
  mmad,        // dst(L0C, m x n, fp32|int32) (+)= src0(L0A, m x k) * src1(L0B, k x n);
               // with MX scales in src2, src3: see below
  // ---- fixpipe (FIX): L0C -> GM/L1 with cast, optional scale, relu, atomic add ----
  fixpipe,     // dst = cast(src0 * scale); scale = imm, or per column from src1 (FB) if valid
  // ---- vector (V), all operands in UB ----
  vadd, vsub, vmul, vdiv, vmax, vmin,          // dst = src0 op src1 (elementwise)
  vadds, vmuls, vmaxs, vmins,                  // dst = src0 op imm
  vexp, vln, vabs, vsqrt, vrsqrt, vrec, vrelu, // dst = f(src0)
  vdup,        // dst = imm
  vcast,       // dst = convert(src0) with `rounding`, saturate flag
  vrowmax, vrowmin, vrowsum,                   // dst(rows x 1) = reduce(src0) over each row
  vrow_add, vrow_sub, vrow_mul, vrow_div, vrow_max,  // dst = src0 op src1[r, 0] (row broadcast)
  vcmp,        // dst = (src0 `cmp` src1) ? 1 : 0, in dst's dtype
  vsel,        // dst = src0 != 0 ? src1 : src2
  vscan,       // recurrence along each row (or down each column), see ScanMode
  // ---- synchronisation and control ----
  set_flag,         // queued on `pipe` (source); releases a wait_flag on `peer` with `event_id`
  wait_flag,        // queued on `pipe` (destination); blocks it until `peer` set `event_id`
  pipe_barrier,     // scalar unit: later instructions wait until all earlier `peer` work is done
  cross_core_set,   // queued on `pipe`; +1 on counter `flag_id` of the cores `mode` names
  cross_core_wait,  // queued on `pipe` (usually S); blocks while the core's counter is 0, then -1
  nop,              // occupies `pipe` for `cycles`
};
inline constexpr int kOpcodeCount = int(Opcode::nop) + 1;
std::string_view opcode_name(Opcode op);
std::optional<Opcode> parse_opcode(std::string_view name);

enum class CmpMode : std::uint8_t { eq, ne, lt, le, gt, ge };
// vscan, along each row (each row an independent lane), from column 0 up:
//   linear: h[c] = src0[c] * h[c-1] + src1[c]
//   logaddexp: h[c] = log(exp(h[c-1] + src0[c]) + exp(src1[c]))  (FINOM's log-domain scan)
// carry-in h[-1] = src2[r, 0] (src2 rows x 1) if src2 is valid, else imm.
// flag::first_axis runs the recurrence down the rows instead, each column a lane:
// h[r][c] = src0[r][c] * h[r-1][c] + src1[r][c], carry-in h[-1][c] = src2[0, c] (src2 a row of
// dst's cols; only row 0 is read) or imm. This is Ascend C's CumSum with isLastAxis = false,
// whose last row is the carry-out: the next tile's scan takes it as src2.
// flag::reverse runs from the last column (with first_axis: the last row) to the first:
// h[c] = src0[c] * h[c+1] + src1[c], carry-in h[cols] (h[rows]) from src2 or imm as above.
enum class ScanMode : std::uint8_t { linear, logaddexp };
// Cross-core modes of CrossCoreSetFlag (HARDWARE.md §5): 0 a barrier across all AICs (or all
// AIVs) of the launched block, chip-wide; 1 the two AIVs of one AI core; 2 AIC <-> its AIVs.
enum class SyncMode : std::uint8_t { all_cores = 0, aiv_pair = 1, aic_aiv = 2 };

namespace flag {
inline constexpr std::uint8_t accumulate = 1u << 0;  // mmad: add into dst instead of overwrite
inline constexpr std::uint8_t transpose = 1u << 1;   // copy (MTE1): dst = src0 transposed
inline constexpr std::uint8_t atomic_add = 1u << 2;  // copy/fixpipe to GM: read-add-write
inline constexpr std::uint8_t relu = 1u << 3;        // fixpipe: max(x, 0) before the cast
inline constexpr std::uint8_t saturate = 1u << 4;    // casts: clamp instead of inf
inline constexpr std::uint8_t first_axis = 1u << 5;  // vscan: down the rows, columns are lanes
inline constexpr std::uint8_t reverse = 1u << 6;     // vscan: from the last element to the first
}  // namespace flag

// An mmad with src2 and src3 is MX-scaled (the 950's asc_mmad_mx): src2 (L0A, m x k/32 e8m0)
// scales A's 32-element blocks along k, src3 (L0B, k/32 x n e8m0) B's: dst[i, j] (+)=
// sum_b 2^(sA[i, b] + sB[b, j]) sum_{k in block b} A[i, k] B[k, j] in fp32; inputs any two fp8
// or any two fp4 types (e4m3 / e5m2, e1m2 / e2m1 may mix). The 950 keeps the scales in separate
// L0ScaleA / L0ScaleB buffers (asc-devkit docs); here they sit in L0A / L0B beside their blocks,
// whose capacity they then share.
struct Instruction {
  Opcode op = Opcode::nop;
  Pipe pipe = Pipe::S;
  std::uint8_t flags = 0;
  Rounding rounding = Rounding::nearest_even;
  Pipe peer = Pipe::S;            // set_flag: destination pipe; wait_flag: source; barrier: target
  std::uint8_t event_id = 0;      // set_flag / wait_flag (0-7) and cross-core flag id (0-15)
  SyncMode mode = SyncMode::aic_aiv;
  CmpMode cmp = CmpMode::eq;
  ScanMode scan = ScanMode::linear;
  std::uint32_t cycles = 0;       // nop duration
  double imm = 0.0;               // scalar operand (vadds..., vdup, fixpipe scale, scan carry)
  TileView dst, src0, src1, src2, src3;

  bool has(std::uint8_t f) const { return (flags & f) != 0; }
};

// Which pipe executes an opcode; for copy the pipe follows from the buffers (MTE2 reads GM,
// MTE3 writes GM or reads UB, MTE1 reads L1). Returns ALL if the pair is not a legal path.
Pipe pipe_for_copy(Buffer src, Buffer dst);
bool is_vector_op(Opcode op);
bool is_sync_op(Opcode op);

}  // namespace ascendsim::isa
