// The program GemmKernel::build emits, inspected without simulating it: flag balance, the
// closed-form instruction count, accumulate flags, and the input data and init records.
#include <catch2/catch.hpp>
#include <map>
#include <tuple>

#include "kernels/gemm/gemm_kernel.hpp"
#include "kernels/gemm/gemm_pipeline.hpp"
#include "kernels/gemm/gemm_plan.hpp"
#include "sim/isa/validate.hpp"
#include "sim/trace/materialize.hpp"

namespace gemm_test {
using namespace ascendsim;
config::HardwareConfig chip_910b2(std::uint32_t dies = 1);
kernels::GemmParams params(std::uint64_t m, std::uint64_t n, std::uint64_t k, numeric::DType t);
}  // namespace gemm_test

using namespace ascendsim;
using gemm_test::chip_910b2;
using gemm_test::params;
using isa::Opcode;
using isa::Pipe;
using numeric::DType;

namespace {

// 300x600x600 fp16 with a 64x128 tile, k 32, l1_k 128, on 4 cores: padded to 304x608x608,
// 5 x 5 = 25 tiles (edge tiles of 48 rows and 96 cols), 5 chunks per tile (4 of 128, one of 96).
kernels::GemmParams small_params() {
  kernels::GemmParams p = params(300, 600, 600, DType::fp16);
  p.tile = {64, 128, 32, 128};
  p.cores = 4;
  return p;
}

}  // namespace

TEST_CASE(
    "every set_flag of a gemm core has exactly one wait_flag on the same pipes and event id") {
  const config::HardwareConfig hw = chip_910b2();
  kernels::GemmKernel kernel(small_params());
  const isa::Program program = kernel.build(hw, /*functional=*/false);
  REQUIRE(program.cores.size() == 4);
  for (const isa::CoreProgram& core : program.cores) {
    std::map<std::tuple<Pipe, Pipe, int>, long> balance;  // (src, dst, id) -> sets - waits
    for (const isa::Instruction& ins : core.instructions) {
      if (ins.op == Opcode::set_flag) ++balance[{ins.pipe, ins.peer, ins.event_id}];
      if (ins.op == Opcode::wait_flag) --balance[{ins.peer, ins.pipe, ins.event_id}];
    }
    for (const auto& [key, net] : balance) CHECK(net == 0);
    CHECK(balance.size() == 4 * 2 + 2 * 2);  // 4 hand-offs x ping/pong + L0C pair x 2 slots
  }
  CHECK_NOTHROW(isa::validate_program(program, hw));
}

TEST_CASE(
    "a core's instruction count is 4 + (2 + 4s) + 3s per chunk of s steps, 5 per tile, plus the "
    "flag set-up") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(small_params(), hw);
  kernels::GemmKernel kernel(small_params());
  const isa::Program program = kernel.build(hw, false);
  // Chunks of K = 608: four of 128 (4 steps each) and one of 96 (3 steps): per tile
  // 4 x (4 + 18 + 12) + (4 + 14 + 9) + 5 = 168. A 64x128 fp32 accumulator is 32 KiB, so L0C
  // holds 2 and the set-up is 2 x (4 + 2) = 12. Core 0 has tiles 0, 4, ..., 24: 7 of them.
  REQUIRE(plan.k_pad == 608);
  REQUIRE(plan.layout.l0c_buffers == 2);
  CHECK(kernels::gemm_core_instruction_count(plan, 7) == 7 * 168 + 12);
  CHECK(program.cores[0].instructions.size() == 7 * 168 + 12);
  CHECK(program.cores[1].instructions.size() == 6 * 168 + 12);
}

TEST_CASE("the first mmad of every tile overwrites L0C and the following ones accumulate") {
  kernels::GemmKernel kernel(small_params());
  const isa::Program program = kernel.build(chip_910b2(), false);
  int mmads = 0, overwrites = 0;
  for (const isa::Instruction& ins : program.cores[0].instructions) {
    if (ins.op != Opcode::mmad) continue;
    overwrites += !ins.has(isa::flag::accumulate);
    CHECK(ins.has(isa::flag::accumulate) == (mmads % 19 != 0));  // 4 x 4 + 3 = 19 steps a tile
    ++mmads;
  }
  CHECK(mmads == 7 * 19);
  CHECK(overwrites == 7);
}

TEST_CASE("unpadded inputs are exactly the trace generator's bytes for the init they record") {
  kernels::GemmParams p = params(64, 128, 256, DType::bf16);
  p.seed = 42;
  kernels::GemmKernel kernel(p);
  const isa::Program program = kernel.build(chip_910b2(), true);
  for (const char* name : {"a", "b"}) {
    const isa::TensorDecl& t = *program.find_tensor(name);
    CHECK(t.init.kind == isa::TensorInit::Kind::normal);
    CHECK(t.init.seed == (std::string(name) == "a" ? 42u : 43u));
    CHECK(t.init.a == 0.0);
    CHECK(t.init.b == 1.0);
    CHECK(t.data == trace::generate_tensor_bytes(t));
  }
  const isa::TensorDecl& c = *program.find_tensor("c");
  CHECK(c.output);
  CHECK(c.dtype == DType::fp32);
}

TEST_CASE(
    "padded inputs hold the generator's values row by row, zeros in the padding, and carry their "
    "bytes") {
  kernels::GemmKernel kernel(params(20, 24, 40, DType::fp16));  // A 32x48, B 48x32 in GM
  const isa::Program program = kernel.build(chip_910b2(), true);
  const isa::TensorDecl& a = *program.find_tensor("a");
  REQUIRE(a.shape == std::vector<std::uint64_t>{32, 48});
  CHECK(a.init.kind == isa::TensorInit::Kind::data);
  isa::TensorDecl real = a;
  real.shape = {20, 40};
  real.init.kind = isa::TensorInit::Kind::normal;
  real.init.seed = 1;
  const std::vector<std::uint8_t> values = trace::generate_tensor_bytes(real);
  bool same = true, zero_pad = true;
  for (std::uint64_t r = 0; r < 32; ++r)
    for (std::uint64_t c = 0; c < 48; ++c) {
      const std::uint8_t* e = &a.data[2 * (r * 48 + c)];
      if (r < 20 && c < 40)
        same &= std::equal(e, e + 2, &values[2 * (r * 40 + c)]);
      else
        zero_pad &= e[0] == 0 && e[1] == 0;
    }
  CHECK(same);
  CHECK(zero_pad);
}

TEST_CASE("a timing-only build emits the same instructions and holds no data") {
  kernels::GemmKernel functional(small_params()), timing(small_params());
  const isa::Program f = functional.build(chip_910b2(), true);
  const isa::Program t = timing.build(chip_910b2(), false);
  REQUIRE(f.cores.size() == t.cores.size());
  for (std::size_t i = 0; i < f.cores.size(); ++i)
    CHECK(f.cores[i].instructions.size() == t.cores[i].instructions.size());
  for (const isa::TensorDecl& d : t.tensors) CHECK(d.data.empty());
}
