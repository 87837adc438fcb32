// check_instruction for the MX-scaled mmad (src2 / src3 e8m0 block scales) and for the copies
// that bring e8m0 scale tiles into L0A / L0B; the src3 operand's trace text round trip; the
// builder's mmad_mx. Messages are asserted whole: they are what a kernel author reads.
#include <catch2/catch.hpp>
#include <string>

#include "kernels/common/program_builder.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/trace/trace_writer.hpp"
#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using namespace ascendsim::testing;
using isa::Buffer;
using isa::CoreKind;
using isa::Opcode;
using isa::Pipe;
using numeric::DType;

namespace {

constexpr auto AIC = CoreKind::AIC;

const config::HardwareConfig& chip(const std::string& name) {
  static const config::HardwareConfig hw950 = config::load_hardware_file(
      std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend950pr.yaml");
  static const config::HardwareConfig hw910 = config::load_hardware_file(
      std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend910b2.yaml");
  return name == "950" ? hw950 : hw910;
}

// m = 16, k = 64, n = 16: the smallest MX mmad (m and n one fractal, k one 64-element step,
// two 32-element scale blocks). Data at offset 0, scales at 0x200: L0A / L0B views must start
// on 512-byte boundaries (validate.cpp buffer_alignment), and a 16x64 fp4 tile is 512 bytes.
constexpr std::uint32_t M = 16, K = 64, N = 16;
const isa::TileView c32 = view(Buffer::L0C, DType::fp32, 0, M, N);
const isa::TileView a_e1m2 = view(Buffer::L0A, DType::fp4_e1m2, 0, M, K);
const isa::TileView b_e2m1 = view(Buffer::L0B, DType::fp4_e2m1, 0, K, N);
const isa::TileView sa = view(Buffer::L0A, DType::e8m0, 0x200, M, K / 32);  // 16x2
const isa::TileView sb = view(Buffer::L0B, DType::e8m0, 0x200, K / 32, N);  // 2x16

isa::Instruction mx(const isa::TileView& c, const isa::TileView& a, const isa::TileView& b,
                    const isa::TileView& scale_a, const isa::TileView& scale_b) {
  isa::Instruction ins = instr(Opcode::mmad, Pipe::M, c, a, b, scale_a);
  ins.src3 = scale_b;
  return ins;
}

bool same_view(const isa::TileView& a, const isa::TileView& b) {
  return a.buffer == b.buffer && a.dtype == b.dtype && a.offset == b.offset && a.rows == b.rows &&
         a.cols == b.cols && a.row_stride == b.row_stride;
}

}  // namespace

TEST_CASE("an fp4 e1m2 x e2m1 mx mmad with 16x2 and 2x16 scales is legal on the 950", "[mx]") {
  const auto& hw = chip("950");
  CHECK_FALSE(isa::check_instruction(mx(c32, a_e1m2, b_e2m1, sa, sb), AIC, hw).has_value());
  auto acc = mx(c32, a_e1m2, b_e2m1, sa, sb);
  acc.flags = isa::flag::accumulate;
  CHECK_FALSE(isa::check_instruction(acc, AIC, hw).has_value());
}

TEST_CASE("an fp8 e4m3 mx mmad with k = 128 takes 16x4 and 4x16 scales", "[mx]") {
  const auto& hw = chip("950");
  // k = 128 is four 32-element blocks; a 16x128 fp8 tile is 2048 bytes, so scales at 0x800.
  const auto a = view(Buffer::L0A, DType::fp8_e4m3, 0, 16, 128);
  const auto b = view(Buffer::L0B, DType::fp8_e4m3, 0, 128, 16);
  const auto s_a = view(Buffer::L0A, DType::e8m0, 0x800, 16, 4);
  const auto s_b = view(Buffer::L0B, DType::e8m0, 0x800, 4, 16);
  CHECK_FALSE(isa::check_instruction(mx(c32, a, b, s_a, s_b), AIC, hw).has_value());
  // e4m3 x e5m2 is fp8 x fp8 too
  CHECK_FALSE(isa::check_instruction(
                  mx(c32, a, view(Buffer::L0B, DType::fp8_e5m2, 0, 128, 16), s_a, s_b), AIC, hw)
                  .has_value());
}

TEST_CASE("an mx mmad needs both scale tiles", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, {}), AIC, hw) ==
        "mmad: src3 is missing: an MX mmad takes both scale tiles (src2 for src0, src3 for src1)");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, {}, sb), AIC, hw) ==
        "mmad: src2 is missing: an MX mmad takes both scale tiles (src2 for src0, src3 for src1)");
}

TEST_CASE("mx inputs are fp8 x fp8 or fp4 x fp4", "[mx]") {
  const auto& hw = chip("950");
  const auto a8 = view(Buffer::L0A, DType::fp8_e4m3, 0, M, K);
  CHECK(problem(mx(c32, a8, b_e2m1, sa, sb), AIC, hw) ==
        "mmad: MX inputs are fp8 x fp8 or fp4 x fp4, got fp8_e4m3 x fp4_e2m1");
  const auto a16 = view(Buffer::L0A, DType::fp16, 0, M, K);
  const auto b16 = view(Buffer::L0B, DType::fp16, 0, K, N);
  // fp16 is a cube input of the 950, but not one with MX scales; the scales sit after the
  // 2048-byte fp16 tiles
  CHECK(problem(mx(c32, a16, b16, view(Buffer::L0A, DType::e8m0, 0x800, M, 2),
                   view(Buffer::L0B, DType::e8m0, 0x800, 2, N)),
                AIC, hw) == "mmad: MX inputs are fp8 x fp8 or fp4 x fp4, got fp16 x fp16");
}

TEST_CASE("mx scales sit beside their operands: src2 in l0a, src3 in l0b", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0B, DType::e8m0, 0x400, M, 2), sb), AIC,
                hw) == "mmad: src2 is in l0b, expected l0a");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, view(Buffer::L0A, DType::e8m0, 0x400, 2, N)), AIC,
                hw) == "mmad: src3 is in l0a, expected l0b");
}

TEST_CASE("mx scales are e8m0", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0A, DType::uint8, 0x200, M, 2), sb), AIC,
                hw) == "mmad: MX scales are e8m0, src2 is uint8 and src3 e8m0");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, view(Buffer::L0B, DType::int8, 0x200, 2, N)), AIC,
                hw) == "mmad: MX scales are e8m0, src2 is e8m0 and src3 int8");
}

TEST_CASE("src2 is m x k/32", "[mx]") {
  const auto& hw = chip("950");
  // k = 64 has k/32 = 2 blocks: 4 columns of scales is one per 16 elements
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0A, DType::e8m0, 0x200, M, 4), sb), AIC,
                hw) == "mmad: src2 is 16x4, expected m x k/32 = 16x2");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0A, DType::e8m0, 0x200, 32, 2), sb), AIC,
                hw) == "mmad: src2 is 32x2, expected m x k/32 = 16x2");
  // the transposed (k/32 x m) layout is the src3 one, not src2's
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0A, DType::e8m0, 0x200, 2, M), sb), AIC,
                hw) == "mmad: src2 is 2x16, expected m x k/32 = 16x2");
}

TEST_CASE("src3 is k/32 x n", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, view(Buffer::L0B, DType::e8m0, 0x200, 2, 32)), AIC,
                hw) == "mmad: src3 is 2x32, expected k/32 x n = 2x16");
  // n x k/32 (src2's layout) is wrong for src3
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, view(Buffer::L0B, DType::e8m0, 0x200, N, 2)), AIC,
                hw) == "mmad: src3 is 16x2, expected k/32 x n = 2x16");
}

TEST_CASE("an mx mmad's k is a multiple of 64, even where the dtype's k0 is 32", "[mx]") {
  const auto& hw = chip("950");
  // fp8 k0 is 32 on the 950 (ascend950pr.yaml), so k = 96 is whole fractals but 1.5 MX steps
  const auto a = view(Buffer::L0A, DType::fp8_e4m3, 0, 16, 96);
  const auto b = view(Buffer::L0B, DType::fp8_e4m3, 0, 96, 16);
  CHECK(problem(instr(Opcode::mmad, Pipe::M, c32, a, b), AIC, hw) == "");  // plain: legal
  CHECK(problem(mx(c32, a, b, view(Buffer::L0A, DType::e8m0, 0x800, 16, 3),
                   view(Buffer::L0B, DType::e8m0, 0x800, 3, 16)),
                AIC, hw) == "mmad: k = 96 is not a multiple of 64 (an MX mmad's k alignment)");
  const auto a32 = view(Buffer::L0A, DType::fp8_e4m3, 0, 16, 32);
  const auto b32 = view(Buffer::L0B, DType::fp8_e4m3, 0, 32, 16);
  CHECK(problem(mx(c32, a32, b32, view(Buffer::L0A, DType::e8m0, 0x200, 16, 1),
                   view(Buffer::L0B, DType::e8m0, 0x200, 1, 16)),
                AIC, hw) == "mmad: k = 32 is not a multiple of 64 (an MX mmad's k alignment)");
}

TEST_CASE("mixed fp4 inputs need mx scales", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(instr(Opcode::mmad, Pipe::M, c32, a_e1m2, b_e2m1), AIC, hw) ==
        "mmad: src0 is fp4_e1m2 but src1 is fp4_e2m1; mmad takes one input dtype (fp8 or fp4 "
        "types mix only with MX scales)");
  // the same dtype on both sides stays a plain fp4 mmad
  CHECK(problem(
            instr(Opcode::mmad, Pipe::M, c32, a_e1m2, view(Buffer::L0B, DType::fp4_e1m2, 0, K, N)),
            AIC, hw) == "");
}

TEST_CASE("an mx mmad needs a chip whose cube takes both input dtypes", "[mx]") {
  // ascend910b2.yaml's cube k0 lists fp16, bf16, int8 and int4 only
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, sb), AIC, chip("910")) ==
        "mmad: the cube of this chip does not take fp4_e1m2 inputs");
  // a 950 without fp4_e2m1: src0 (e1m2) passes, src1's dtype is checked on its own
  config::HardwareConfig hw = chip("950");
  REQUIRE(hw.aic.cube.k0.erase(DType::fp4_e2m1) == 1);
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, sb), AIC, hw) ==
        "mmad: the cube of this chip does not take fp4_e2m1 inputs");
}

TEST_CASE("an mx mmad's scales go through the per-operand checks", "[mx]") {
  const auto& hw = chip("950");
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, sa, view(Buffer::L0B, DType::e8m0, 0x100, 2, N)), AIC,
                hw) == "mmad: src3 offset 0x100 in l0b is not 512-byte aligned");
  // L0A is 64 KiB = 0x10000 bytes (ascend950pr.yaml); a 16x2 e8m0 tile is 32 = 0x20 bytes, so
  // at 0x10000 it spans [0x10000, 0x10020), wholly past the end
  CHECK(problem(mx(c32, a_e1m2, b_e2m1, view(Buffer::L0A, DType::e8m0, 0x10000, M, 2), sb), AIC,
                hw) ==
        "mmad: src2 bytes [0x10000, 0x10020) exceed the l0a capacity of 65536 bytes");
  // only mmad takes a fifth operand
  auto copy = instr(Opcode::copy, Pipe::MTE1, sa, view(Buffer::L1, DType::e8m0, 0, M, 2));
  copy.src3 = sb;
  CHECK(problem(copy, AIC, hw) == "copy: src3 is set but copy does not use it");
}

TEST_CASE("e8m0 scales move into l0a as whole 16 x 2 scale fractals", "[mx]") {
  const auto& hw = chip("950");
  // 16x8: rows a multiple of 16, cols of 2 (the 1-byte rule for data tiles, cols of 32, would
  // reject it)
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::e8m0, 0, 16, 8),
                      view(Buffer::L1, DType::e8m0, 0, 16, 8)),
                AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::e8m0, 0, 8, 8),
                      view(Buffer::L1, DType::e8m0, 0, 8, 8)),
                AIC, hw) ==
        "copy: dst 8x8 e8m0 in l0a is not whole scale fractals (rows a multiple of 16, cols of 2)");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0A, DType::e8m0, 0, 16, 3),
                      view(Buffer::L1, DType::e8m0, 0, 16, 3)),
                AIC, hw) ==
        "copy: dst 16x3 e8m0 in l0a is not whole scale fractals (rows a multiple of 16, cols of "
        "2)");
}

TEST_CASE("e8m0 scales move into l0b as whole 2 x 16 scale fractals", "[mx]") {
  const auto& hw = chip("950");
  // 8x128: rows a multiple of 2, cols of 16 (a 1-byte data tile in l0b needs rows in 32s)
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0B, DType::e8m0, 0, 8, 128),
                      view(Buffer::L1, DType::e8m0, 0, 8, 128)),
                AIC, hw) == "");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0B, DType::e8m0, 0, 3, 128),
                      view(Buffer::L1, DType::e8m0, 0, 3, 128)),
                AIC, hw) ==
        "copy: dst 3x128 e8m0 in l0b is not whole scale fractals (rows a multiple of 2, cols of "
        "16)");
  CHECK(problem(instr(Opcode::copy, Pipe::MTE1, view(Buffer::L0B, DType::e8m0, 0, 8, 8),
                      view(Buffer::L1, DType::e8m0, 0, 8, 8)),
                AIC, hw) ==
        "copy: dst 8x8 e8m0 in l0b is not whole scale fractals (rows a multiple of 2, cols of 16)");
}

TEST_CASE("an mx mmad's src3 is written to the trace and read back", "[mx]") {
  auto ins = mx(c32, a_e1m2, b_e2m1, sa, sb);
  ins.flags = isa::flag::accumulate;
  const std::string line = trace::format_instruction(ins);
  // operands in the writer's order dst, src0, src1, src2, src3, then the flag words
  CHECK(line ==
        "m mmad dst=l0c:fp32@0x0[16x16] src0=l0a:fp4_e1m2@0x0[16x64] "
        "src1=l0b:fp4_e2m1@0x0[64x16] src2=l0a:e8m0@0x200[16x2] src3=l0b:e8m0@0x200[2x16] "
        "accumulate");
  const isa::Program p =
      trace::read_trace_text("ascendsim-trace 1\ncore die0.aic0\n" + line + "\n", "t.trace", "");
  REQUIRE(p.cores.size() == 1);
  REQUIRE(p.cores[0].instructions.size() == 1);
  const isa::Instruction& back = p.cores[0].instructions[0];
  CHECK(back.op == Opcode::mmad);
  CHECK(back.pipe == Pipe::M);
  CHECK(back.flags == isa::flag::accumulate);
  CHECK(same_view(back.dst, ins.dst));
  CHECK(same_view(back.src0, ins.src0));
  CHECK(same_view(back.src1, ins.src1));
  CHECK(same_view(back.src2, ins.src2));
  CHECK(same_view(back.src3, ins.src3));
  CHECK(trace::format_instruction(back) == line);
  // src3 alone is read into src3, not src2
  const isa::Program q = trace::read_trace_text(
      "ascendsim-trace 1\ncore die0.aic0\nm mmad src3=l0b:e8m0@0x200[2x16]\n", "t.trace", "");
  CHECK_FALSE(q.cores[0].instructions[0].src2.valid());
  CHECK(same_view(q.cores[0].instructions[0].src3, sb));
}

TEST_CASE("the builder's mmad_mx emits src2 and src3 and checks them", "[mx]") {
  kernels::ProgramBuilder b(chip("950"));
  kernels::CoreBuilder& cube = b.aic(0, 0);
  kernels::LocalBuffer l0a = cube.buffer(Buffer::L0A), l0b = cube.buffer(Buffer::L0B);
  const kernels::Tile a = l0a.alloc("a", DType::fp4_e1m2, M, K);
  const kernels::Tile s_a = l0a.alloc("sa", DType::e8m0, M, K / 32);
  const kernels::Tile w = l0b.alloc("b", DType::fp4_e2m1, K, N);
  const kernels::Tile s_b = l0b.alloc("sb", DType::e8m0, K / 32, N);
  const kernels::Tile c = cube.buffer(Buffer::L0C).alloc("c", DType::fp32, M, N);
  cube.mmad_mx(c, a, w, s_a, s_b, true);
  // swapped scales: src2 would be in l0b, which check_instruction rejects at the call
  CHECK_THROWS_AS(cube.mmad_mx(c, a, w, s_b, s_a, false), isa::SimulationError);
  const isa::Program p = b.take();
  REQUIRE(p.cores.size() == 1);
  REQUIRE(p.cores[0].instructions.size() == 1);  // the rejected call emitted nothing
  const isa::Instruction& ins = p.cores[0].instructions[0];
  CHECK(ins.op == Opcode::mmad);
  CHECK(ins.flags == isa::flag::accumulate);
  CHECK(same_view(ins.src0, a));
  CHECK(same_view(ins.src1, w));
  CHECK(same_view(ins.src2, s_a));
  CHECK(same_view(ins.src3, s_b));
}
