// check_instruction for the vector unit, synchronisation, and the per-operand rules (bounds,
// alignment, strides) every opcode shares.
#include <catch2/catch.hpp>

#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using namespace ascendsim::testing;
using isa::Buffer;
using isa::CoreKind;
using isa::Opcode;
using isa::Pipe;
using numeric::DType;

namespace {
const config::HardwareConfig hw = make_910b2_like();
constexpr auto AIC = CoreKind::AIC;
constexpr auto AIV = CoreKind::AIV;

isa::TileView ub(DType t, std::uint64_t offset, std::uint32_t rows, std::uint32_t cols) {
  return view(Buffer::UB, t, offset, rows, cols);
}
const isa::TileView a = ub(DType::fp32, 0x0, 32, 64);
const isa::TileView b = ub(DType::fp32, 0x2000, 32, 64);
const isa::TileView d = ub(DType::fp32, 0x4000, 32, 64);
const isa::TileView col = ub(DType::fp32, 0x6000, 32, 1);

isa::Instruction sync(Opcode op, Pipe pipe, Pipe peer, std::uint8_t id) {
  auto ins = instr(op, pipe);
  ins.peer = peer;
  ins.event_id = id;
  return ins;
}
}  // namespace

TEST_CASE("elementwise vector ops take equal shapes and dtypes in ub on an aiv") {
  CHECK(problem(instr(Opcode::vadd, Pipe::V, d, a, b), AIV, hw) == "");
  CHECK(problem(instr(Opcode::vadd, Pipe::V, d, a, b), AIC, hw) ==
        "vadd: runs on an aiv only; this core is an aic");
  CHECK(problem(instr(Opcode::vmul, Pipe::V, d, a, ub(DType::fp32, 0x2000, 16, 64)), AIV, hw) ==
        "vmul: dst is 32x64 but src1 is 16x64");
  CHECK(problem(instr(Opcode::vsub, Pipe::V, d, a, ub(DType::int32, 0x2000, 32, 64)), AIV, hw) ==
        "vsub: dst is fp32 but src1 is int32");
  CHECK(problem(instr(Opcode::vexp, Pipe::V, d, view(Buffer::GM, DType::fp32, 0, 32, 64)), AIV,
                hw) == "vexp: src0 is in gm, expected ub");
}

TEST_CASE("vector ops compute only in the chip's vector dtypes") {
  const auto h = ub(DType::bf16, 0, 32, 64);
  CHECK(problem(instr(Opcode::vabs, Pipe::V, h, h), AIV, hw) ==
        "vabs: dst is bf16, not a dtype the vector unit computes in (fp32, fp16, int32, int16)");
  // The fp32-bits integer add AMLA relies on: int32 is a vector dtype.
  const auto i = ub(DType::int32, 0, 32, 64);
  CHECK(problem(instr(Opcode::vadd, Pipe::V, i, i, i), AIV, hw) == "");
  CHECK(problem(instr(Opcode::vexp, Pipe::V, i, i), AIV, hw) ==
        "vexp: needs a float dtype, got int32");
}

TEST_CASE("vcast converts between any dtypes as long as one side is a vector dtype") {
  const auto bf = ub(DType::bf16, 0x4000, 32, 64);
  CHECK(problem(instr(Opcode::vcast, Pipe::V, bf, a), AIV, hw) == "");
  const auto e4 = ub(DType::fp8_e4m3, 0x4000, 32, 64);
  CHECK(problem(instr(Opcode::vcast, Pipe::V, e4, ub(DType::bf16, 0, 32, 64)), AIV, hw) ==
        "vcast: neither bf16 nor fp8_e4m3 is a dtype the vector unit computes in (fp32, fp16, "
        "int32, int16)");
}

TEST_CASE("row reductions write one column and row broadcasts read one") {
  CHECK(problem(instr(Opcode::vrowmax, Pipe::V, col, a), AIV, hw) == "");
  CHECK(problem(instr(Opcode::vrowsum, Pipe::V, d, a), AIV, hw) ==
        "vrowsum: dst is 32x64, expected 32x1");
  CHECK(problem(instr(Opcode::vrow_sub, Pipe::V, d, a, col), AIV, hw) == "");
  CHECK(problem(instr(Opcode::vrow_mul, Pipe::V, d, a, ub(DType::fp32, 0x6000, 16, 1)), AIV, hw) ==
        "vrow_mul: src1 is 16x1, expected 32x1");
}

TEST_CASE("vcmp writes a mask of its inputs' shape and vsel selects with one") {
  const auto mask = ub(DType::fp16, 0x8000, 32, 64);
  auto cmp = instr(Opcode::vcmp, Pipe::V, mask, a, b);
  cmp.cmp = isa::CmpMode::gt;
  CHECK(problem(cmp, AIV, hw) == "");
  CHECK(problem(instr(Opcode::vsel, Pipe::V, d, mask, a, b), AIV, hw) == "");
  CHECK(problem(instr(Opcode::vsel, Pipe::V, d, mask, a, ub(DType::fp16, 0x2000, 32, 64)), AIV,
                hw) == "vsel: dst is fp32 but src2 is fp16");
}

TEST_CASE("a vscan's carry is a column, or with first_axis a row of dst's cols") {
  const auto row = ub(DType::fp32, 0x6000, 2, 64);  // first_axis reads row 0 only
  const auto two_by_one = ub(DType::fp32, 0x6000, 2, 1);
  auto scan = [&](std::uint8_t flags, const isa::TileView& carry) {
    auto ins = instr(Opcode::vscan, Pipe::V, d, a, b, carry);
    ins.flags = flags;
    return ins;
  };
  const std::uint8_t first_axis = isa::flag::first_axis, reverse = isa::flag::reverse;
  CHECK(problem(scan(0, col), AIV, hw) == "");
  CHECK(problem(scan(reverse, col), AIV, hw) == "");
  CHECK(problem(scan(first_axis, row), AIV, hw) == "");
  CHECK(problem(scan(first_axis | reverse, ub(DType::fp32, 0x6000, 1, 64)), AIV, hw) == "");
  CHECK(problem(scan(first_axis | reverse, {}), AIV, hw) == "");  // carry from imm
  CHECK(problem(scan(first_axis, two_by_one), AIV, hw) ==
        "vscan: first_axis scan carry src2 must be a row of 64 cols, got 2x1");
  CHECK(problem(scan(first_axis | reverse, col), AIV, hw) ==
        "vscan: first_axis scan carry src2 must be a row of 64 cols, got 32x1");
  CHECK(problem(scan(reverse, row), AIV, hw) == "vscan: src2 is 2x64, expected 32x1");
  CHECK(problem(scan(first_axis, ub(DType::fp16, 0x6000, 1, 64)), AIV, hw) ==
        "vscan: dst is fp32 but src2 is fp16");
}

TEST_CASE("the scan direction flags are valid on vscan only") {
  auto add = instr(Opcode::vadd, Pipe::V, d, a, b);
  add.flags = isa::flag::first_axis;
  CHECK(problem(add, AIV, hw) == "vadd: flag first_axis is not valid for vadd");
  auto rowsum = instr(Opcode::vrowsum, Pipe::V, col, a);
  rowsum.flags = isa::flag::reverse;
  CHECK(problem(rowsum, AIV, hw) == "vrowsum: flag reverse is not valid for vrowsum");
  auto scan = instr(Opcode::vscan, Pipe::V, d, a, b);
  scan.flags = isa::flag::reverse | isa::flag::saturate;
  CHECK(problem(scan, AIV, hw) == "vscan: flag saturate is not valid for vscan");
}

TEST_CASE("operands an opcode does not use must be left empty") {
  CHECK(problem(instr(Opcode::vexp, Pipe::V, d, a, b), AIV, hw) ==
        "vexp: src1 is set but vexp does not use it");
  CHECK(problem(instr(Opcode::vadd, Pipe::V, d, a), AIV, hw) ==
        "vadd: src1 is missing (0 rows or cols)");
}

TEST_CASE("a view must lie inside its buffer, naming the range and the capacity") {
  // 192 KiB of UB ends at 0x30000; a 32x64 fp32 tile (8 KiB) at 0x2F000 runs 4 KiB past it.
  const auto over = ub(DType::fp32, 0x2F000, 32, 64);
  CHECK(problem(instr(Opcode::vexp, Pipe::V, over, a), AIV, hw) ==
        "vexp: dst bytes [0x2f000, 0x31000) exceed the ub capacity of 196608 bytes");
  // 128x256 fp16 is exactly 64 KiB: the whole of L0A.
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 128, 256);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::fp16, 0, 128, 256), l1),
                AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::fp16, 512, 128, 256), l1),
                AIC,
                hw) == "copy: dst bytes [0x200, 0x10200) exceed the l0a capacity of 65536 bytes");
}

TEST_CASE("a buffer the core lacks has no capacity") {
  CHECK(problem(instr(Opcode::copy, Pipe::MTE2, ub(DType::fp32, 0, 32, 64),
                      view(Buffer::GM, DType::fp32, 0, 32, 64)),
                AIC, hw) == "copy: dst is in ub, which an aic does not have");
}

TEST_CASE("offsets follow each buffer's alignment") {
  // HARDWARE.md §4: UB 32 B, L0A 512 B, L0C 64 B.
  CHECK(problem(instr(Opcode::vexp, Pipe::V, ub(DType::fp32, 16, 32, 64), a), AIV, hw) ==
        "vexp: dst offset 0x10 in ub is not 32-byte aligned");
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 16, 16);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::fp16, 256, 16, 16), l1),
                AIC, hw) == "copy: dst offset 0x100 in l0a is not 512-byte aligned");
  CHECK(isa::buffer_alignment(Buffer::L0C) == 64);
  CHECK(isa::buffer_alignment(Buffer::GM) == 32);
}

TEST_CASE("a row stride shorter than the row is rejected") {
  CHECK(problem(instr(Opcode::vexp, Pipe::V, view(Buffer::UB, DType::fp32, 0, 32, 64, 32), a), AIV,
                hw) == "vexp: dst row_stride 32 is smaller than its 64 cols");
}

TEST_CASE("set_flag and wait_flag pair two different pipes of the core with an event id") {
  CHECK(problem(sync(Opcode::set_flag, Pipe::MTE2, Pipe::V, 0), AIV, hw) == "");
  CHECK(problem(sync(Opcode::set_flag, Pipe::S, Pipe::V, 7), AIV, hw) == "");
  CHECK(problem(sync(Opcode::wait_flag, Pipe::V, Pipe::V, 0), AIV, hw) ==
        "wait_flag: peer is v, the pipe itself; a pipe is ordered with itself");
  CHECK(problem(sync(Opcode::set_flag, Pipe::MTE2, Pipe::ALL, 0), AIV, hw) ==
        "set_flag: peer all is not a pipe of an aiv (s, v, mte2, mte3)");
  CHECK(problem(sync(Opcode::set_flag, Pipe::MTE2, Pipe::M, 0), AIV, hw) ==
        "set_flag: peer m is not a pipe of an aiv (s, v, mte2, mte3)");
  // 8 event ids per pipe pair: 0-7.
  CHECK(problem(sync(Opcode::set_flag, Pipe::MTE2, Pipe::V, 8), AIV, hw) ==
        "set_flag: event 8 is out of range; this chip has 8 event ids per pipe pair");
}

TEST_CASE("instructions queue only on pipes the core has") {
  CHECK(problem(sync(Opcode::set_flag, Pipe::V, Pipe::S, 0), AIC, hw) ==
        "set_flag: pipe v is not a pipe of an aic (s, m, mte1, mte2, fix)");
  CHECK(problem(sync(Opcode::nop, Pipe::ALL, Pipe::S, 0), AIV, hw) ==
        "nop: pipe all is not a pipe of an aiv (s, v, mte2, mte3)");
}

TEST_CASE("a pipe barrier is issued on s and may not target s") {
  CHECK(problem(sync(Opcode::pipe_barrier, Pipe::S, Pipe::ALL, 0), AIC, hw) == "");
  CHECK(problem(sync(Opcode::pipe_barrier, Pipe::S, Pipe::S, 0), AIC, hw) ==
        "pipe_barrier: a barrier on pipe s is an error: every instruction passes through it");
  CHECK(problem(sync(Opcode::pipe_barrier, Pipe::M, Pipe::M, 0), AIC, hw) ==
        "pipe_barrier: runs on pipe s, not m");
}

TEST_CASE("cross-core flag ids stay within the chip's range") {
  auto set = sync(Opcode::cross_core_set, Pipe::FIX, Pipe::S, 15);
  CHECK(problem(set, AIC, hw) == "");
  set.event_id = 16;
  CHECK(problem(set, AIC, hw) ==
        "cross_core_set: flag 16 is out of range; this chip's flag ids are 0-15");
  set.event_id = 1;
  set.mode = isa::SyncMode::aiv_pair;
  CHECK(problem(set, AIC, hw) ==
        "cross_core_set: mode aiv_pair (1) syncs the two aivs of a core; an aic cannot set it");
  CHECK(problem(sync(Opcode::cross_core_wait, Pipe::S, Pipe::S, 3), AIV, hw) == "");
}
