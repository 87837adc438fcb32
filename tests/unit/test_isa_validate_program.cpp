// validate_program: cores on the chip, tensors placed in their die's GM without overlap, GM
// operands inside one tensor, and instruction errors named by core, index and opcode.
#include <catch2/catch.hpp>

#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using namespace ascendsim::testing;
using Catch::Matchers::Equals;
using isa::Buffer;
using isa::CoreId;
using isa::CoreKind;
using isa::Opcode;
using isa::Pipe;
using numeric::DType;

namespace {
const config::HardwareConfig hw = make_910b2_like();
constexpr std::uint64_t kGiB = 1ull << 30;

isa::TensorDecl tensor(const std::string& name, DType t, std::uint64_t rows, std::uint64_t cols,
                       std::uint64_t address) {
  isa::TensorDecl d;
  d.name = name;
  d.dtype = t;
  d.shape = {rows, cols};
  d.address = address;
  return d;
}

// x (32x64 fp32, 8 KiB at 0) copied into UB by die0.aiv0.
isa::Program one_copy() {
  isa::Program p;
  p.tensors.push_back(tensor("x", DType::fp32, 32, 64, 0));
  isa::CoreProgram c;
  c.core = CoreId{0, CoreKind::AIV, 0};
  c.instructions.push_back(instr(Opcode::copy, Pipe::MTE2, view(Buffer::UB, DType::fp32, 0, 32, 64),
                                 view(Buffer::GM, DType::fp32, 0, 32, 64)));
  p.cores.push_back(c);
  return p;
}
}  // namespace

TEST_CASE("a copy of a whole declared tensor validates") {
  CHECK_NOTHROW(isa::validate_program(one_copy(), hw));
}

TEST_CASE("an instruction error names the core, the instruction index and the opcode") {
  isa::Program p;
  isa::CoreProgram c;
  c.core = CoreId{0, CoreKind::AIC, 3};
  const auto l0a = view(Buffer::L0A, DType::fp16, 0, 16, 16);
  const auto l0b = view(Buffer::L0B, DType::fp16, 0, 16, 16);
  const auto l0c = view(Buffer::L0C, DType::fp32, 0, 16, 16);
  for (int i = 0; i < 17; ++i)
    c.instructions.push_back(instr(Opcode::mmad, Pipe::M, l0c, l0a, l0b));
  c.instructions.push_back(instr(Opcode::mmad, Pipe::M, l0c, l0b, l0b));  // index 17
  p.cores.push_back(c);
  CHECK_THROWS_WITH(isa::validate_program(p, hw),
                    Equals("die0.aic3 instruction 17 (mmad): src0 is in l0b, expected l0a"));
}

TEST_CASE("a program for a core the chip lacks is rejected") {
  isa::Program p = one_copy();
  p.cores[0].core = CoreId{0, CoreKind::AIV, 48};  // 24 AICs x 2 AIVs: aiv0-aiv47
  CHECK_THROWS_WITH(isa::validate_program(p, hw),
                    Equals("program for die0.aiv48: the chip has 1 die(s) with 24 aic and 48 aiv "
                           "each"));
  p.cores[0].core = CoreId{1, CoreKind::AIV, 0};
  CHECK_THROWS_AS(isa::validate_program(p, hw), isa::SimulationError);
}

TEST_CASE("a core may have only one program") {
  isa::Program p = one_copy();
  p.cores.push_back(p.cores[0]);
  CHECK_THROWS_WITH(isa::validate_program(p, hw), Equals("two programs for die0.aiv0"));
}

TEST_CASE("a gm operand must lie inside one declared tensor") {
  isa::Program p = one_copy();
  // 33 rows of 64 fp32 run 256 bytes past x's 8 KiB.
  p.cores[0].instructions[0].dst.rows = 33;
  p.cores[0].instructions[0].src0.rows = 33;
  CHECK_THROWS_WITH(isa::validate_program(p, hw),
                    Equals("die0.aiv0 instruction 0 (copy): src0 gm bytes [0x0, 0x2100) are not "
                           "inside one declared tensor"));
  // Two adjacent tensors do not make one: the view must not straddle them.
  p.tensors.push_back(tensor("y", DType::fp32, 32, 64, 0x2000));
  CHECK_THROWS_AS(isa::validate_program(p, hw), isa::SimulationError);
}

TEST_CASE("tensors may not overlap") {
  isa::Program p = one_copy();
  p.tensors.push_back(tensor("y", DType::fp32, 32, 64, 0x1000));
  CHECK_THROWS_WITH(isa::validate_program(p, hw),
                    Equals("tensor 'y' (fp32 32x64) bytes [0x1000, 0x3000) overlap tensor 'x' "
                           "(fp32 32x64) bytes [0x0, 0x2000)"));
}

TEST_CASE("a tensor lies within the gm of one existing die") {
  const config::HardwareConfig two = make_910b2_like(2);
  isa::Program p;
  // 8 KiB starting 4 KiB before the end of die0's 64 GiB.
  p.tensors.push_back(tensor("x", DType::fp32, 32, 64, 64 * kGiB - 0x1000));
  CHECK_THROWS_WITH(isa::validate_program(p, two),
                    Equals("tensor 'x' (fp32 32x64) bytes [0xffffff000, 0x1000001000) cross the "
                           "end of die0's GM [0x0, 0x1000000000)"));
  p.tensors[0].address = 64 * kGiB;  // the start of die1: fine on two dies, absent on one
  CHECK_NOTHROW(isa::validate_program(p, two));
  CHECK_THROWS_WITH(isa::validate_program(p, hw),
                    Equals("tensor 'x' (fp32 32x64) at 0x1000000000 is outside the GM of the 1 "
                           "die(s), 0x1000000000 bytes each"));
}

TEST_CASE("tensor names are unique and data matches the shape") {
  isa::Program p = one_copy();
  p.tensors.push_back(tensor("x", DType::fp32, 1, 8, 0x4000));
  CHECK_THROWS_WITH(isa::validate_program(p, hw), Equals("tensor 'x' is declared twice"));
  p.tensors.pop_back();
  p.tensors[0].data.assign(100, 0);
  CHECK_THROWS_WITH(
      isa::validate_program(p, hw),
      Equals("tensor 'x' (fp32 32x64) holds 100 bytes of data, its shape needs 8192"));
}
