// ProgramBuilder / CoreBuilder: GM layout, the instructions each call emits, immediate checks.
#include <catch2/catch.hpp>

#include "kernels/common/program_builder.hpp"
#include "sim/config/config_node.hpp"
#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using namespace ascendsim::kernels;
using Catch::Matchers::Equals;
using isa::Opcode;

namespace {
const config::HardwareConfig hw = ascendsim::testing::make_910b2_like();
}

TEST_CASE("gm tensors are 512-byte aligned bump allocations starting at their die's base") {
  const config::HardwareConfig two = ascendsim::testing::make_910b2_like(2);
  ProgramBuilder b(two);
  const GmTensor a = b.gm_tensor("a", DType::fp16, 3, 100);  // 600 B
  const GmTensor c = b.gm_tensor("c", DType::fp32, 2, 2);
  const GmTensor d = b.gm_tensor("d", DType::fp32, 4, 4, /*die=*/1, /*output=*/true);
  CHECK(a.address == 0);
  CHECK(c.address == 1024);  // 600 rounded up to 512-B blocks
  CHECK(d.address == two.hbm.bytes);
  const isa::Program p = b.take();
  REQUIRE(p.tensors.size() == 3);
  CHECK(p.tensors[2].output);
  CHECK(p.tensors[0].shape == std::vector<std::uint64_t>{3, 100});
  CHECK(p.tensors[0].data == std::vector<std::uint8_t>(600, 0));
  CHECK(p.tensors[0].init.kind == isa::TensorInit::Kind::zeros);  // until data() is asked for
  CHECK_NOTHROW(isa::validate_program(p, two));
}

TEST_CASE("a timing-only builder declares tensors without bytes") {
  ProgramBuilder b(hw);
  b.set_functional(false);
  const GmTensor a = b.gm_tensor("a", DType::fp16, 64, 64);
  CHECK_THROWS_AS(b.data(a), std::logic_error);
  const isa::Program p = b.take();
  CHECK(p.tensors[0].data.empty());
  CHECK(p.tensors[0].init.kind == isa::TensorInit::Kind::uninitialized);
}

TEST_CASE("a kernel fills tensor data through the builder, making it a data tensor") {
  ProgramBuilder b(hw);
  const GmTensor a = b.gm_tensor("a", DType::int8, 1, 4);
  b.data(a)[2] = 7;
  const isa::Program p = b.take();
  CHECK(p.tensors[0].data == std::vector<std::uint8_t>{0, 0, 7, 0});
  CHECK(p.tensors[0].init.kind == isa::TensorInit::Kind::data);  // written as NAME.npy
}

TEST_CASE("a gm tensor larger than the die's gm is a config error") {
  ProgramBuilder b(hw);
  b.set_functional(false);  // no 64 GiB of zeros
  // 2^34 fp32 elements are 64 GiB: exactly the die, so the next byte does not fit.
  b.gm_tensor("big", DType::fp32, 1ull << 17, 1ull << 17);
  CHECK_THROWS_WITH(b.gm_tensor("one", DType::int8, 1, 1),
                    Equals("tensor 'one': needs 1 bytes of die0 GM, only 0 of 68719476736 left"));
}

TEST_CASE("flags are queued on the source pipe and waited for on the destination pipe") {
  ProgramBuilder b(hw);
  CoreBuilder& c = b.aic(0, 0);
  c.set_flag(Pipe::MTE2, Pipe::MTE1, 3);
  c.wait_flag(Pipe::MTE2, Pipe::MTE1, 3);
  c.pipe_barrier(Pipe::ALL);
  c.cross_core_set(isa::SyncMode::aic_aiv, 5, Pipe::FIX);
  const isa::Program p = b.take();
  const auto& ins = p.cores.at(0).instructions;
  REQUIRE(ins.size() == 4);
  CHECK((ins[0].op == Opcode::set_flag && ins[0].pipe == Pipe::MTE2 && ins[0].peer == Pipe::MTE1));
  CHECK((ins[1].op == Opcode::wait_flag && ins[1].pipe == Pipe::MTE1 && ins[1].peer == Pipe::MTE2));
  CHECK(ins[1].event_id == 3);
  CHECK((ins[2].pipe == Pipe::S && ins[2].peer == Pipe::ALL));
  CHECK(
      (ins[3].pipe == Pipe::FIX && ins[3].event_id == 5 && ins[3].mode == isa::SyncMode::aic_aiv));
}

TEST_CASE("set_atomic_add stamps later gm writes until set_atomic_none") {
  ProgramBuilder b(hw);
  const GmTensor out = b.gm_tensor("out", DType::fp32, 16, 64);
  CoreBuilder& v = b.aiv(0, 1);
  const Tile ub = v.buffer(Buffer::UB).alloc("o", DType::fp32, 16, 64);
  v.set_atomic_add();
  v.copy_ub_to_gm(out.all(), ub);
  v.vexp(ub, ub);
  v.set_atomic_none();
  v.copy_ub_to_gm(out.all(), ub);
  const isa::Program p = b.take();
  const auto& ins = p.cores.at(0).instructions;
  REQUIRE(ins.size() == 3);  // set_atomic_* emit nothing
  CHECK(ins[0].has(isa::flag::atomic_add));
  CHECK(ins[0].pipe == Pipe::MTE3);
  CHECK_FALSE(ins[1].has(isa::flag::atomic_add));
  CHECK_FALSE(ins[2].has(isa::flag::atomic_add));
  CHECK_NOTHROW(isa::validate_program(p, hw));
}

TEST_CASE("a builder call that breaks a rule throws at once, naming core, index and opcode") {
  ProgramBuilder b(hw);
  CoreBuilder& c = b.aic(0, 2);
  const Tile l0a = c.buffer(Buffer::L0A).alloc("a", DType::fp16, 64, 64);
  const Tile l0b = c.buffer(Buffer::L0B).alloc("b", DType::fp16, 64, 64);
  const Tile l0c = c.buffer(Buffer::L0C).alloc("c", DType::fp32, 64, 64);
  c.mmad(l0c, l0a, l0b, false);
  CHECK_THROWS_WITH(c.mmad(l0c, l0b, l0b, true),
                    Equals("die0.aic2 instruction 1 (mmad): src0 is in l0b, expected l0a"));
  CHECK(c.size() == 1);  // the bad instruction was not appended
  CHECK_THROWS_WITH(c.load_l0a(l0b, l0a),
                    Equals("die0.aic2 instruction 1 (copy): load_l0a dst is in l0b, expected l0a"));
}

TEST_CASE("fixpipe carries its scale in imm and per-channel scales as src1") {
  ProgramBuilder b(hw);
  const GmTensor out = b.gm_tensor("out", DType::fp16, 16, 32);
  CoreBuilder& c = b.aic(0, 0);
  const Tile l0c = c.buffer(Buffer::L0C).alloc("c", DType::fp32, 16, 32);
  const Tile fb = c.buffer(Buffer::FB).alloc("s", DType::fp32, 1, 32);
  c.fixpipe(out.all(), l0c, 0.125, true, numeric::Rounding::toward_zero);
  c.fixpipe_per_channel(out.all(), l0c, fb);
  const isa::Program p = b.take();
  const auto& ins = p.cores.at(0).instructions;
  CHECK(ins[0].imm == 0.125);
  CHECK(ins[0].has(isa::flag::relu));
  CHECK(ins[0].rounding == numeric::Rounding::toward_zero);
  CHECK(ins[1].src1.buffer == Buffer::FB);
}

TEST_CASE("take returns cores in die, kind, index order") {
  const config::HardwareConfig two = ascendsim::testing::make_910b2_like(2);
  ProgramBuilder b(two);
  b.aiv(1, 0).nop(Pipe::V, 1);
  b.aiv(0, 5).nop(Pipe::V, 1);
  b.aic(0, 7).nop(Pipe::M, 1);
  b.aic(0, 1).nop(Pipe::M, 1);
  const isa::Program p = b.take();
  std::vector<std::string> names;
  for (const auto& c : p.cores) names.push_back(isa::core_name(c.core));
  CHECK(names == std::vector<std::string>{"die0.aic1", "die0.aic7", "die0.aiv5", "die1.aiv0"});
}

TEST_CASE("asking for a core the chip lacks is a config error") {
  ProgramBuilder b(hw);
  CHECK_THROWS_WITH(b.aic(0, 24),
                    Equals("die0.aic24 does not exist: the chip has 1 die(s) with 24 aic and 48 "
                           "aiv each"));
}

TEST_CASE("a region's phase is its label up to the first digit", "[builder]") {
  using ascendsim::isa::phase_of;
  CHECK(phase_of("iteration 12") == "iteration");
  CHECK(phase_of("task 3 (batch 0, head 5, query block 2), KV block 7") == "task");
  CHECK(phase_of("setup") == "setup");
  CHECK(phase_of("7 things") == "");
  CHECK(phase_of("") == "");
}
