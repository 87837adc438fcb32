// The rules of each unit: data movers (copy), cube (mmad), fixpipe, vector and sync ops. Called
// by check_instruction once the opcode's core kind, pipe, flags and operands passed.
#include <algorithm>

#include "sim/isa/validate_rules.hpp"

namespace ascendsim::isa::detail {
namespace {

Problem expect_buffer(const char* name, const TileView& v, Buffer b) {
  if (v.buffer == b) return std::nullopt;
  return std::string(name) + " is in " + str(v.buffer) + ", expected " + str(b);
}
Problem expect_same_shape(const char* a, const TileView& va, const char* b, const TileView& vb) {
  if (va.rows == vb.rows && va.cols == vb.cols) return std::nullopt;
  return std::string(a) + " is " + shape(va) + " but " + b + " is " + shape(vb);
}
Problem expect_same_dtype(const char* a, const TileView& va, const char* b, const TileView& vb) {
  if (va.dtype == vb.dtype) return std::nullopt;
  return std::string(a) + " is " + str(va.dtype) + " but " + b + " is " + str(vb.dtype);
}
Problem expect_column(const char* name, const TileView& v, std::uint32_t rows) {
  if (v.rows == rows && v.cols == 1) return std::nullopt;
  return std::string(name) + " is " + shape(v) + ", expected " + std::to_string(rows) + "x1";
}

// Tiles moved into L0 are whole fractals of 16 rows x 32 bytes (16x16 fp16, 16x32 int8,
// 16x64 int4); L0B holds k x n, so its fractal is 32 bytes of rows by 16 cols.
// MX scales (e8m0) come in 32-byte fractals of 16 rows (L0A: m) x 2 scales along k (SCALE_C0
// = 2, asc-devkit / CATLASS docs for the 950); L0B's is 2 along k by 16 columns.
Problem check_l0_fractals(const TileView& v) {
  if (v.dtype == DType::e8m0) {
    const bool is_a = v.buffer == Buffer::L0A;
    const std::uint32_t frac_rows = is_a ? 16 : 2, frac_cols = is_a ? 2 : 16;
    if (v.rows % frac_rows == 0 && v.cols % frac_cols == 0) return std::nullopt;
    return "dst " + shape(v) + " e8m0 in " + str(v.buffer) +
           " is not whole scale fractals (rows a multiple of " + std::to_string(frac_rows) +
           ", cols of " + std::to_string(frac_cols) + ")";
  }
  const std::uint32_t per_32_bytes = 256 / numeric::dtype_bits(v.dtype);
  const bool is_a = v.buffer == Buffer::L0A;
  const std::uint32_t frac_rows = is_a ? 16 : per_32_bytes;
  const std::uint32_t frac_cols = is_a ? per_32_bytes : 16;
  if (v.rows % frac_rows == 0 && v.cols % frac_cols == 0) return std::nullopt;
  return "dst " + shape(v) + " " + str(v.dtype) + " in " + str(v.buffer) +
         " is not whole fractals (rows a multiple of " + std::to_string(frac_rows) + ", cols of " +
         std::to_string(frac_cols) + ")";
}

bool float_only(const Instruction& ins) {
  switch (ins.op) {
    case Opcode::vdiv:
    case Opcode::vexp:
    case Opcode::vln:
    case Opcode::vsqrt:
    case Opcode::vrsqrt:
    case Opcode::vrec:
    case Opcode::vrow_div:
      return true;
    case Opcode::vscan:
      return ins.scan == ScanMode::logaddexp;
    default:
      return false;
  }
}

}  // namespace

Problem check_copy(const Instruction& ins) {
  const TileView &d = ins.dst, &s = ins.src0;
  const Pipe path = pipe_for_copy(s.buffer, d.buffer);
  if (path == Pipe::ALL) return "no copy path from " + str(s.buffer) + " to " + str(d.buffer);
  if (ins.pipe != path)
    return "a copy from " + str(s.buffer) + " to " + str(d.buffer) + " runs on " + str(path) +
           ", not " + str(ins.pipe);
  if (auto p = expect_same_dtype("dst", d, "src0", s)) return *p + "; copy does not convert";
  const bool transpose = ins.has(flag::transpose);
  if (transpose && !(s.buffer == Buffer::L1 && d.buffer == Buffer::L0B))
    return std::string("transpose is only possible on the mte1 copy from l1 to l0b");
  if (ins.has(flag::atomic_add) && d.buffer != Buffer::GM)
    return "atomic_add needs a gm destination, dst is in " + str(d.buffer);
  if (transpose) {
    if (d.rows != s.cols || d.cols != s.rows)
      return "transposed copy of a " + shape(s) + " src0 needs a " + std::to_string(s.cols) + "x" +
             std::to_string(s.rows) + " dst, got " + shape(d);
  } else if (auto p = expect_same_shape("dst", d, "src0", s)) {
    return p;
  }
  if (d.buffer == Buffer::L0A || d.buffer == Buffer::L0B) return check_l0_fractals(d);
  return std::nullopt;
}

namespace {

bool is_fp8(DType t) { return t == DType::fp8_e4m3 || t == DType::fp8_e5m2; }
bool is_fp4(DType t) { return t == DType::fp4_e2m1 || t == DType::fp4_e1m2; }

// The MX scale operands of an mmad with k = a.cols: src2 m x k/32 in L0A, src3 k/32 x n in L0B.
Problem check_mx_scales(const Instruction& ins) {
  const TileView &a = ins.src0, &b = ins.src1, &sa = ins.src2, &sb = ins.src3;
  if (!sa.valid() || !sb.valid())
    return std::string(sa.valid() ? "src3" : "src2") +
           " is missing: an MX mmad takes both scale tiles (src2 for src0, src3 for src1)";
  if (!(is_fp8(a.dtype) && is_fp8(b.dtype)) && !(is_fp4(a.dtype) && is_fp4(b.dtype)))
    return "MX inputs are fp8 x fp8 or fp4 x fp4, got " + str(a.dtype) + " x " + str(b.dtype);
  if (auto p = expect_buffer("src2", sa, Buffer::L0A)) return p;
  if (auto p = expect_buffer("src3", sb, Buffer::L0B)) return p;
  if (sa.dtype != DType::e8m0 || sb.dtype != DType::e8m0)
    return "MX scales are e8m0, src2 is " + str(sa.dtype) + " and src3 " + str(sb.dtype);
  const std::uint32_t k = a.cols;
  if (k % 64 != 0)
    return "k = " + std::to_string(k) + " is not a multiple of 64 (an MX mmad's k alignment)";
  if (sa.rows != a.rows || sa.cols != k / 32)
    return "src2 is " + shape(sa) + ", expected m x k/32 = " + std::to_string(a.rows) + "x" +
           std::to_string(k / 32);
  if (sb.rows != k / 32 || sb.cols != b.cols)
    return "src3 is " + shape(sb) + ", expected k/32 x n = " + std::to_string(k / 32) + "x" +
           std::to_string(b.cols);
  return std::nullopt;
}

}  // namespace

Problem check_mmad(const Instruction& ins, const config::HardwareConfig& hw) {
  const TileView &c = ins.dst, &a = ins.src0, &b = ins.src1;
  if (auto p = expect_buffer("dst", c, Buffer::L0C)) return p;
  if (auto p = expect_buffer("src0", a, Buffer::L0A)) return p;
  if (auto p = expect_buffer("src1", b, Buffer::L0B)) return p;
  const bool mx = ins.src2.valid() || ins.src3.valid();
  if (mx) {
    if (auto p = check_mx_scales(ins)) return p;
  } else if (auto p = expect_same_dtype("src0", a, "src1", b)) {
    return *p + "; mmad takes one input dtype (fp8 or fp4 types mix only with MX scales)";
  }
  const auto k0 = hw.aic.cube.k0.find(a.dtype);
  if (k0 == hw.aic.cube.k0.end() || k0->second == 0)
    return "the cube of this chip does not take " + str(a.dtype) + " inputs";
  const auto k0b = hw.aic.cube.k0.find(b.dtype);
  if (k0b == hw.aic.cube.k0.end() || k0b->second == 0)
    return "the cube of this chip does not take " + str(b.dtype) + " inputs";
  const DType acc = numeric::is_float(a.dtype) ? DType::fp32 : DType::int32;
  if (c.dtype != acc)
    return "dst is " + str(c.dtype) + ", expected " + str(acc) + " for " + str(a.dtype) + " inputs";
  const std::uint32_t m = a.rows, k = a.cols, n = b.cols;
  if (b.rows != k)
    return "src1 has " + std::to_string(b.rows) + " rows, expected k = " + std::to_string(k) +
           " (src0's cols)";
  if (c.rows != m || c.cols != n)
    return "dst is " + shape(c) + ", expected m x n = " + std::to_string(m) + "x" +
           std::to_string(n);
  if (m % 16 != 0) return "m = " + std::to_string(m) + " is not a multiple of 16 (whole fractals)";
  if (n % 16 != 0) return "n = " + std::to_string(n) + " is not a multiple of 16 (whole fractals)";
  if (k % k0->second != 0)
    return "k = " + std::to_string(k) + " is not a multiple of k0 = " + std::to_string(k0->second) +
           " for " + str(a.dtype) + " (whole fractals)";
  return std::nullopt;
}

Problem check_fixpipe(const Instruction& ins) {
  const TileView &d = ins.dst, &s = ins.src0;
  if (auto p = expect_buffer("src0", s, Buffer::L0C)) return p;
  if (s.dtype != DType::fp32 && s.dtype != DType::int32)
    return "src0 is " + str(s.dtype) + ", expected the fp32 or int32 of l0c";
  if (d.buffer != Buffer::GM && d.buffer != Buffer::L1)
    return "dst is in " + str(d.buffer) + ", expected gm or l1";
  if (ins.has(flag::atomic_add) && d.buffer != Buffer::GM)
    return "atomic_add needs a gm destination, dst is in " + str(d.buffer);
  if (auto p = expect_same_shape("dst", d, "src0", s)) return p;
  if (ins.src1.valid()) {
    if (auto p = expect_buffer("src1", ins.src1, Buffer::FB)) return p;
    if (ins.src1.rows != 1 || ins.src1.cols != s.cols)
      return "src1 is " + shape(ins.src1) + ", expected 1x" + std::to_string(s.cols) +
             " (one scale per column)";
  }
  return std::nullopt;
}

Problem check_vector(const Instruction& ins, const config::HardwareConfig& hw, unsigned used) {
  const auto ops = operands(ins);
  const auto& dtypes = hw.aiv.vector.dtypes;
  auto computes = [&](DType t) {
    return std::find(dtypes.begin(), dtypes.end(), t) != dtypes.end();
  };
  auto list = [&] {  // built only for a message: validation runs over millions of instructions
    std::string s;
    for (DType t : dtypes) s += (s.empty() ? "" : ", ") + str(t);
    return s;
  };
  for (int i = 0; i < 4; ++i) {
    if (!(used >> i & 1u)) continue;
    if (auto p = expect_buffer(kOperandNames[i], *ops[i], Buffer::UB)) return p;
    if (ins.op != Opcode::vcast && !computes(ops[i]->dtype))
      return std::string(kOperandNames[i]) + " is " + str(ops[i]->dtype) +
             ", not a dtype the vector unit computes in (" + list() + ")";
  }
  const TileView &d = ins.dst, &a = ins.src0, &b = ins.src1, &c = ins.src2;
  if (float_only(ins) && !numeric::is_float(d.dtype))
    return "needs a float dtype, got " + str(d.dtype);
  switch (ins.op) {
    case Opcode::vdup:
      return std::nullopt;
    case Opcode::vcast:
      if (!computes(d.dtype) && !computes(a.dtype))
        return "neither " + str(a.dtype) + " nor " + str(d.dtype) +
               " is a dtype the vector unit computes in (" + list() + ")";
      return expect_same_shape("dst", d, "src0", a);
    case Opcode::vrowmax:
    case Opcode::vrowmin:
    case Opcode::vrowsum:
      if (auto p = expect_same_dtype("dst", d, "src0", a)) return p;
      return expect_column("dst", d, a.rows);
    case Opcode::vcmp:
      if (auto p = expect_same_dtype("src0", a, "src1", b)) return p;
      if (auto p = expect_same_shape("dst", d, "src0", a)) return p;
      return expect_same_shape("dst", d, "src1", b);
    case Opcode::vsel:
      if (auto p = expect_same_dtype("dst", d, "src1", b)) return p;
      if (auto p = expect_same_dtype("dst", d, "src2", c)) return p;
      for (int i = 1; i < 4; ++i)
        if (auto p = expect_same_shape("dst", d, kOperandNames[i], *ops[i])) return p;
      return std::nullopt;
    default:
      break;
  }
  const bool row_op = ins.op >= Opcode::vrow_add && ins.op <= Opcode::vrow_max;
  for (int i = 1; i < 3; ++i) {  // src0 and src1 (if used) agree with dst
    if (!(used >> i & 1u)) continue;
    if (auto p = expect_same_dtype("dst", d, kOperandNames[i], *ops[i])) return p;
    if (row_op && i == 2) {
      if (auto p = expect_column("src1", b, d.rows)) return p;
    } else if (auto p = expect_same_shape("dst", d, kOperandNames[i], *ops[i])) {
      return p;
    }
  }
  if (ins.op == Opcode::vscan && c.valid()) {
    if (auto p = expect_same_dtype("dst", d, "src2", c)) return p;
    if (!ins.has(flag::first_axis)) return expect_column("src2", c, d.rows);
    if (c.cols != d.cols)  // only row 0 is read: any number of rows will do
      return "first_axis scan carry src2 must be a row of " + std::to_string(d.cols) +
             " cols, got " + shape(c);
  }
  return std::nullopt;
}

Problem check_sync(const Instruction& ins, CoreKind kind, const config::HardwareConfig& hw) {
  const std::string kn(core_kind_name(kind));
  switch (ins.op) {
    case Opcode::set_flag:
    case Opcode::wait_flag:
      if (ins.peer == ins.pipe)
        return "peer is " + str(ins.peer) + ", the pipe itself; a pipe is ordered with itself";
      if (!pipe_on_core(ins.peer, kind))
        return "peer " + str(ins.peer) + " is not a pipe of an " + kn + " (" + core_pipes(kind) +
               ")";
      if (ins.event_id >= hw.core.event_ids)
        return "event " + std::to_string(ins.event_id) + " is out of range; this chip has " +
               std::to_string(hw.core.event_ids) + " event ids per pipe pair";
      return std::nullopt;
    case Opcode::pipe_barrier:
      if (ins.peer == Pipe::S)
        return std::string("a barrier on pipe s is an error: every instruction passes through it");
      if (ins.peer != Pipe::ALL && !pipe_on_core(ins.peer, kind))
        return "peer " + str(ins.peer) + " is not a pipe of an " + kn + " (" + core_pipes(kind) +
               ")";
      return std::nullopt;
    case Opcode::cross_core_set:
    case Opcode::cross_core_wait:
      if (ins.event_id > hw.sync.max_flag_id)
        return "flag " + std::to_string(ins.event_id) + " is out of range; this chip's flag ids " +
               "are 0-" + std::to_string(hw.sync.max_flag_id);
      if (ins.op == Opcode::cross_core_set) {
        if (ins.mode == SyncMode::aiv_pair && kind != CoreKind::AIV)
          return std::string(
              "mode aiv_pair (1) syncs the two aivs of a core; an aic cannot set it");
        if (ins.pipe == Pipe::S && !hw.sync.cross_core_set_on_s)
          return std::string(
              "this chip cannot queue a cross-core set on pipe s (HARDWARE.md §5: only the 950 "
              "can); queue it on the pipe whose work it signals");
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace ascendsim::isa::detail
