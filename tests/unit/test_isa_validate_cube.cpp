// check_instruction for the data movers, the cube and the fixpipe. Messages are asserted whole:
// they are what a kernel author reads.
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

// The 64x64x64 fp16 operands of the shipped mmad trace.
const isa::TileView l0a = view(Buffer::L0A, DType::fp16, 0, 64, 64);
const isa::TileView l0b = view(Buffer::L0B, DType::fp16, 0, 64, 64);
const isa::TileView l0c = view(Buffer::L0C, DType::fp32, 0, 64, 64);
}  // namespace

TEST_CASE("the copies of the cube's data path are legal on their pipes") {
  const auto gm = view(Buffer::GM, DType::fp16, 0, 64, 64);
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 64, 64);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE2, l1, gm), AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, l0a, l1), AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, l0b, l1), AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE2, l0a, gm), AIC, hw) == "");
}

TEST_CASE("a copy must run on the pipe its buffers imply") {
  const auto gm = view(Buffer::GM, DType::fp16, 0, 64, 64);
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 64, 64);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, l1, gm), AIC, hw) ==
        "copy: a copy from gm to l1 runs on mte2, not mte1");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE2, l0a, view(Buffer::L0C, DType::fp16, 0, 64, 64)),
                AIC, hw) == "copy: no copy path from l0c to l0a");
}

TEST_CASE("a copy keeps dtype and shape") {
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 64, 64);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, l0a, view(Buffer::L1, DType::bf16, 0, 64, 64)), AIC,
                hw) == "copy: dst is fp16 but src0 is bf16; copy does not convert");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::fp16, 0, 64, 32), l1), AIC,
                hw) == "copy: dst is 64x32 but src0 is 64x64");
}

TEST_CASE("only the l1 to l0b load may transpose, and it swaps the shape") {
  const auto l1 = view(Buffer::L1, DType::fp16, 0, 32, 64);
  auto ins = instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0B, DType::fp16, 0, 64, 32), l1);
  ins.flags = isa::flag::transpose;
  CHECK(problem(ins, AIC, hw) == "");
  ins.dst = view(Buffer::L0B, DType::fp16, 0, 32, 64);
  CHECK(problem(ins, AIC, hw) ==
        "copy: transposed copy of a 32x64 src0 needs a 64x32 dst, got 32x64");
  ins.dst = view(Buffer::L0A, DType::fp16, 0, 64, 32);
  CHECK(problem(ins, AIC, hw) ==
        "copy: transpose is only possible on the mte1 copy from l1 to l0b");
}

TEST_CASE("tiles moved into l0 are whole fractals") {
  // 16x16 for fp16 in L0A; an int8 L0B tile is k x n with k in steps of 32 (one 32-byte row).
  const auto l1_h = view(Buffer::L1, DType::fp16, 0, 24, 64);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::fp16, 0, 24, 64), l1_h),
                AIC, hw) ==
        "copy: dst 24x64 fp16 in l0a is not whole fractals (rows a multiple of 16, cols of 16)");
  const auto l1_b = view(Buffer::L1, DType::int8, 0, 16, 32);
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0B, DType::int8, 0, 16, 32), l1_b),
                AIC, hw) ==
        "copy: dst 16x32 int8 in l0b is not whole fractals (rows a multiple of 32, cols of 16)");
}

TEST_CASE("a 64x64x64 fp16 mmad into fp32 is legal") {
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, l0a, l0b), AIC, hw) == "");
}

TEST_CASE("mmad operands must sit in l0c, l0a and l0b") {
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, l0b, l0b), AIC, hw) ==
        "mmad: src0 is in l0b, expected l0a");
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0a, l0a, l0b), AIC, hw) ==
        "mmad: dst is in l0a, expected l0c");
}

TEST_CASE("mmad runs on the m pipe of an aic only") {
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, l0a, l0b), AIV, hw) ==
        "mmad: runs on an aic only; this core is an aiv");
  CHECK(problem(instr(Opcode::mmad, Pipe::V, l0c, l0a, l0b), AIC, hw) ==
        "mmad: runs on pipe m, not v");
}

TEST_CASE("mmad inputs share a dtype the chip's cube takes and accumulate in fp32 or int32") {
  const auto b_bf16 = view(Buffer::L0B, DType::bf16, 0, 64, 64);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, l0a, b_bf16), AIC, hw) ==
        "mmad: src0 is fp16 but src1 is bf16; mmad takes one input dtype (fp8 or fp4 types "
        "mix only with MX scales)");
  const auto a8 = view(Buffer::L0A, DType::fp8_e4m3, 0, 64, 64);
  const auto b8 = view(Buffer::L0B, DType::fp8_e4m3, 0, 64, 64);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, a8, b8), AIC, hw) ==
        "mmad: the cube of this chip does not take fp8_e4m3 inputs");
  const auto ai = view(Buffer::L0A, DType::int8, 0, 64, 64);
  const auto bi = view(Buffer::L0B, DType::int8, 0, 64, 64);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, ai, bi), AIC, hw) ==
        "mmad: dst is fp32, expected int32 for int8 inputs");
  CHECK(problem(instr(Opcode::mmad, Pipe::M, view(Buffer::L0C, DType::int32, 0, 64, 64), ai, bi),
                AIC, hw) == "");
}

TEST_CASE("mmad shapes chain m x k by k x n into m x n") {
  const auto b_short = view(Buffer::L0B, DType::fp16, 0, 32, 64);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, l0c, l0a, b_short), AIC, hw) ==
        "mmad: src1 has 32 rows, expected k = 64 (src0's cols)");
  CHECK(problem(instr(Opcode::mmad, Pipe::M, view(Buffer::L0C, DType::fp32, 0, 64, 32), l0a, l0b),
                AIC, hw) == "mmad: dst is 64x32, expected m x n = 64x64");
}

TEST_CASE("mmad needs m and n in 16s and k in steps of the dtype's k0") {
  // int8 k0 = 32: a k of 48 is three fp16 fractals deep but one and a half int8 ones.
  const auto ai = view(Buffer::L0A, DType::int8, 0, 16, 48);
  const auto bi = view(Buffer::L0B, DType::int8, 0, 48, 16);
  const auto ci = view(Buffer::L0C, DType::int32, 0, 16, 16);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, ci, ai, bi), AIC, hw) ==
        "mmad: k = 48 is not a multiple of k0 = 32 for int8 (whole fractals)");
  const auto a = view(Buffer::L0A, DType::fp16, 0, 8, 16);
  const auto b = view(Buffer::L0B, DType::fp16, 0, 16, 16);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, view(Buffer::L0C, DType::fp32, 0, 8, 16), a, b), AIC,
                hw) == "mmad: m = 8 is not a multiple of 16 (whole fractals)");
}

TEST_CASE("fixpipe moves l0c to gm or l1 with an optional 1 x n scale in fb") {
  const auto gm = view(Buffer::GM, DType::fp16, 0, 64, 64);
  auto ins = instr(Opcode::fixpipe, Pipe::FIX, gm, l0c);
  CHECK(problem(ins, AIC, hw) == "");
  ins.src1 = view(Buffer::FB, DType::fp32, 0, 1, 64);
  CHECK(problem(ins, AIC, hw) == "");
  ins.src1 = view(Buffer::FB, DType::fp32, 0, 1, 32);
  CHECK(problem(ins, AIC, hw) == "fixpipe: src1 is 1x32, expected 1x64 (one scale per column)");
  ins.src1 = view(Buffer::BT, DType::fp32, 0, 1, 64);
  CHECK(problem(ins, AIC, hw) == "fixpipe: src1 is in bt, expected fb");
  CHECK(problem(instr(Opcode::fixpipe, Pipe::FIX, gm, view(Buffer::L1, DType::fp32, 0, 64, 64)),
                AIC, hw) == "fixpipe: src0 is in l1, expected l0c");
  CHECK(problem(instr(Opcode::fixpipe, Pipe::FIX, l0a, l0c), AIC, hw) ==
        "fixpipe: dst is in l0a, expected gm or l1");
}

TEST_CASE("atomic add is for writes to gm only") {
  auto ins = instr(Opcode::fixpipe, Pipe::FIX, view(Buffer::L1, DType::fp16, 0, 64, 64), l0c);
  ins.flags = isa::flag::atomic_add;
  CHECK(problem(ins, AIC, hw) == "fixpipe: atomic_add needs a gm destination, dst is in l1");
  ins.dst = view(Buffer::GM, DType::fp16, 0, 64, 64);
  CHECK(problem(ins, AIC, hw) == "");
}

TEST_CASE("flags an opcode does not use are rejected") {
  auto ins = instr(Opcode::mmad, Pipe::M, l0c, l0a, l0b);
  ins.flags = isa::flag::accumulate | isa::flag::relu;
  CHECK(problem(ins, AIC, hw) == "mmad: flag relu is not valid for mmad");
}
