// Trace round trip: write -> read -> write gives identical text, and every Instruction field
// (including NaN payloads, -0, undefined flag bits) and every tensor byte comes back.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/common/program_builder.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/trace/trace_writer.hpp"
#include "tests/unit/test_isa_hw.hpp"
#include "tests/unit/test_trace_util.hpp"

using namespace ascendsim;
using namespace ascendsim::kernels;
using isa::Instruction;

namespace {

const config::HardwareConfig hw = ascendsim::testing::make_910b2_like();

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_view(const isa::TileView& a, const isa::TileView& b) {
  return a.buffer == b.buffer && a.dtype == b.dtype && a.offset == b.offset && a.rows == b.rows &&
         a.cols == b.cols && a.row_stride == b.row_stride;
}
bool same_instruction(const Instruction& a, const Instruction& b) {
  return a.op == b.op && a.pipe == b.pipe && a.flags == b.flags && a.rounding == b.rounding &&
         a.peer == b.peer && a.event_id == b.event_id && a.mode == b.mode && a.cmp == b.cmp &&
         a.scan == b.scan && a.cycles == b.cycles && same_bits(a.imm, b.imm) &&
         same_view(a.dst, b.dst) && same_view(a.src0, b.src0) && same_view(a.src1, b.src1) &&
         same_view(a.src2, b.src2) && same_view(a.src3, b.src3);
}

// A cube-to-vector program using every builder call family, plus tensors of each init kind.
isa::Program builder_program() {
  ProgramBuilder b(hw);
  const GmTensor a = b.gm_tensor("a", DType::bf16, 32, 64);
  const GmTensor w = b.gm_tensor("w", DType::bf16, 32, 64);  // n x k: loaded transposed
  const GmTensor c = b.gm_tensor("c", DType::fp32, 32, 32, 0, true);
  for (std::size_t i = 0; i < b.data(a).size(); ++i) b.data(a)[i] = std::uint8_t(i * 7);
  CoreBuilder& cube = b.aic(0, 0);
  const Tile l1 = cube.buffer(Buffer::L1).alloc("a|w", DType::bf16, 64, 64);
  const Tile l1a_half = l1.sub(0, 0, 32, 64), l1w = l1.sub(32, 0, 32, 64);
  const Tile l0a = cube.buffer(Buffer::L0A).alloc("a", DType::bf16, 32, 64);
  const Tile l0b = cube.buffer(Buffer::L0B).alloc("w", DType::bf16, 64, 32);
  const Tile l0c = cube.buffer(Buffer::L0C).alloc("c", DType::fp32, 32, 32);
  cube.copy_gm_to_l1(l1a_half, a.all());
  cube.copy_gm_to_l1(l1w, w.all());
  cube.set_flag(Pipe::MTE2, Pipe::MTE1, 1);
  cube.wait_flag(Pipe::MTE2, Pipe::MTE1, 1);
  cube.load_l0a(l0a, l1a_half);
  cube.load_l0b(l0b, l1w, /*transpose=*/true);
  cube.pipe_barrier(Pipe::MTE1);
  cube.mmad(l0c, l0a, l0b, false);
  cube.mmad(l0c.sub(0, 0, 16, 16), l0a.sub(0, 0, 16, 64), l0b.sub(0, 0, 64, 16), true);
  cube.set_atomic_add();
  cube.fixpipe(c.all(), l0c, 0.1, true, numeric::Rounding::nearest_away);
  cube.cross_core_set(isa::SyncMode::aic_aiv, 2, Pipe::FIX);
  CoreBuilder& vec = b.aiv(0, 1);
  LocalBuffer ub = vec.buffer(Buffer::UB);
  const Tile x = ub.alloc("x", DType::fp32, 16, 32), y = ub.alloc("y", DType::fp32, 16, 32);
  const Tile col = ub.alloc("col", DType::fp32, 16, 1), h = ub.alloc("h", DType::fp16, 16, 32);
  const Tile row = ub.alloc("row", DType::fp32, 1, 32);
  vec.cross_core_wait(2);
  vec.copy_gm_to_ub(x, c.tile(16, 0, 16, 32));
  vec.vmuls(y, x, -0.0);
  vec.vrowmax(col, x);
  vec.vrow_sub(y, x, col);
  vec.vcmp(h, x, y, isa::CmpMode::le);
  vec.vsel(y, h, x, y);
  vec.vscan(y, x, y, col, isa::ScanMode::logaddexp);
  vec.vscan(y, x, y, 1e-300);
  vec.vscan(y, x, y, row, isa::ScanMode::linear, isa::flag::first_axis | isa::flag::reverse);
  vec.vscan(y, x, y, -0.0, isa::ScanMode::logaddexp, isa::flag::reverse);
  vec.vcast(h, y, numeric::Rounding::floor, true);
  vec.vdup(x, -std::numeric_limits<double>::infinity());
  vec.nop(Pipe::V, 4000000000u);
  isa::Program p = b.take();
  p.tensors[1].init.kind = isa::TensorInit::Kind::normal;  // w: a generator, not data
  p.tensors[1].init.seed = 18446744073709551615ull;
  p.tensors[1].init.a = -0.0;
  p.tensors[1].init.b = 0.3;
  p.tensors[1].data.clear();
  p.tensors[2].init = isa::TensorInit{};  // c: zeros
  p.tensors[2].data.clear();
  return p;
}

// Instructions no validator would accept, to show the format carries any field value.
isa::CoreProgram odd_core() {
  isa::CoreProgram c;
  c.core = isa::CoreId{3, isa::CoreKind::AIV, 65535};
  Instruction nan_payload;
  nan_payload.op = isa::Opcode::vadd;
  nan_payload.pipe = Pipe::ALL;
  const std::uint64_t bits = 0xFFF0000000000123ull;  // negative NaN with a payload
  std::memcpy(&nan_payload.imm, &bits, sizeof bits);
  nan_payload.flags = 0xE5;  // accumulate, atomic_add, first_axis, reverse and undefined bit 7
  nan_payload.rounding = numeric::Rounding::ceil;
  nan_payload.event_id = 255;
  nan_payload.mode = isa::SyncMode::all_cores;
  nan_payload.cmp = isa::CmpMode::ne;
  nan_payload.scan = isa::ScanMode::logaddexp;
  nan_payload.peer = Pipe::FIX;
  nan_payload.cycles = 7;
  nan_payload.src2 = ascendsim::testing::view(Buffer::BT, DType::e8m0, ~0ull, 0, 9, 4294967295u);
  c.instructions.push_back(nan_payload);
  for (double x : {5e-324, 0.1, 1e300, -0.0, 2.0 / 3.0, std::numeric_limits<double>::max()}) {
    Instruction ins;
    ins.imm = x;
    c.instructions.push_back(ins);
  }
  return c;
}

}  // namespace

TEST_CASE("write, read and write again gives identical text and equal instructions") {
  ascendsim::testing::TempDir dir;
  isa::Program p = builder_program();
  p.cores.push_back(odd_core());
  p.kernel = R"({"name": "gemm", "m": 32, "note": "a # here is no comment"})";
  p.cores[0].regions = {{0, "task 0 (batch 0), KV block 0"},
                        {5, "task 0, KV block #1"},
                        {p.cores[0].instructions.size(), "after the end"}};
  const std::string text = trace::write_trace(p);
  trace::write_trace_files(p, dir.file("k.trace"));
  CHECK(ascendsim::testing::read_text(dir.file("k.trace")) == text);
  const isa::Program back = trace::read_trace(dir.file("k.trace"));
  CHECK(trace::write_trace(back) == text);
  CHECK(back.kernel == p.kernel);
  REQUIRE(back.cores.size() == p.cores.size());
  for (std::size_t c = 0; c < p.cores.size(); ++c) {
    CHECK(back.cores[c].core == p.cores[c].core);
    REQUIRE(back.cores[c].regions.size() == p.cores[c].regions.size());
    for (std::size_t r = 0; r < p.cores[c].regions.size(); ++r) {
      CHECK(back.cores[c].regions[r].first == p.cores[c].regions[r].first);
      CHECK(back.cores[c].regions[r].label == p.cores[c].regions[r].label);
    }
    REQUIRE(back.cores[c].instructions.size() == p.cores[c].instructions.size());
    for (std::size_t i = 0; i < p.cores[c].instructions.size(); ++i) {
      INFO("core " << c << " instruction " << i << ": "
                   << trace::format_instruction(p.cores[c].instructions[i]));
      CHECK(same_instruction(back.cores[c].instructions[i], p.cores[c].instructions[i]));
    }
  }
  // The data tensor came back through a.npy with its bytes; the generators stayed generators.
  REQUIRE(back.tensors.size() == 3);
  CHECK(back.tensors[0].init.kind == isa::TensorInit::Kind::npy);
  CHECK(back.tensors[0].init.path == "a.npy");
  CHECK(back.tensors[0].data == p.tensors[0].data);
  CHECK(back.tensors[1].init.seed == p.tensors[1].init.seed);
  CHECK(same_bits(back.tensors[1].init.a, -0.0));
  CHECK(back.tensors[2].output);
}

TEST_CASE("the writer refuses region labels it could not read back, and unordered regions") {
  isa::Program p = builder_program();
  for (const char* label : {"", " padded", "two\nlines"}) {
    p.cores[0].regions = {{1, label}};
    CHECK_THROWS_AS(trace::write_trace(p), std::invalid_argument);
  }
  p.cores[0].regions = {{4, "b"}, {2, "a"}};
  CHECK_THROWS_AS(trace::write_trace(p), std::invalid_argument);
  p.cores[0].regions = {{p.cores[0].instructions.size() + 1, "past the end"}};
  CHECK_THROWS_AS(trace::write_trace(p), std::invalid_argument);
}

TEST_CASE("the builder names regions, renaming one that holds no instruction yet") {
  ProgramBuilder b(hw);
  CoreBuilder& k = b.aiv(0, 0);
  const Tile x = k.buffer(Buffer::UB).alloc("x", DType::fp32, 8, 64);
  k.region("first");
  k.region("task 0, KV block 0");  // nothing emitted since "first": renamed
  k.vadds(x, x, 1.0);
  k.vadds(x, x, 1.0);
  k.region("task 0, KV block 1");
  k.vadds(x, x, 1.0);
  const isa::Program p = b.take();
  const isa::CoreProgram& c = p.cores[0];
  REQUIRE(c.regions.size() == 2);
  CHECK(*c.region_of(0) == "task 0, KV block 0");
  CHECK(*c.region_of(1) == "task 0, KV block 0");
  CHECK(*c.region_of(2) == "task 0, KV block 1");
  CHECK(*c.region_of(99) == "task 0, KV block 1");
}

TEST_CASE("the builder program survives the round trip and still validates") {
  ascendsim::testing::TempDir dir;
  const isa::Program p = builder_program();
  trace::write_trace_files(p, dir.file("k.trace"));
  CHECK_NOTHROW(isa::validate_program(trace::read_trace(dir.file("k.trace")), hw));
}

TEST_CASE("the writer prints the fields a reader of each opcode looks for") {
  isa::Instruction ins;
  ins.op = isa::Opcode::wait_flag;
  ins.pipe = Pipe::MTE1;
  ins.peer = Pipe::MTE2;
  CHECK(trace::format_instruction(ins) == "mte1 wait_flag peer=mte2 event=0");
  ins = isa::Instruction{};
  ins.op = isa::Opcode::copy;
  ins.pipe = Pipe::MTE2;
  ins.dst = ascendsim::testing::view(Buffer::L1, DType::bf16, 0, 64, 128);
  ins.src0 = ascendsim::testing::view(Buffer::GM, DType::bf16, 0x40000, 64, 128, 256);
  CHECK(trace::format_instruction(ins) ==
        "mte2 copy dst=l1:bf16@0x0[64x128] src0=gm:bf16@0x40000[64x128/256]");
}

TEST_CASE("vscan's direction flags are the words first_axis and reverse, both ways") {
  // The two vscan lines of traces/FORMAT.md.
  const std::string body =
      "v vscan dst=ub:fp32@0x4000[8x64] src0=ub:fp32@0x0[8x64] src1=ub:fp32@0x2000[8x64] "
      "src2=ub:fp32@0x6000[1x64] first_axis scan=linear imm=0\n"
      "v vscan dst=ub:fp32@0x4000[8x64] src0=ub:fp32@0x0[8x64] src1=ub:fp32@0x2000[8x64] "
      "reverse scan=logaddexp imm=-inf\n";
  const std::string text = "ascendsim-trace 1\n\ncore die0.aiv0\n" + body;
  const isa::Program p = trace::read_trace_text(text, "scan.trace", "");
  const auto& ins = p.cores.at(0).instructions;
  REQUIRE(ins.size() == 2);
  CHECK(ins[0].flags == isa::flag::first_axis);
  CHECK(ins[1].flags == isa::flag::reverse);
  CHECK(ins[1].scan == isa::ScanMode::logaddexp);
  CHECK(trace::write_trace(p) == text);
  CHECK_NOTHROW(isa::validate_program(p, hw));
  isa::Instruction both = ins[0];
  both.flags = isa::flag::first_axis | isa::flag::reverse;
  CHECK(trace::format_instruction(both).find(" first_axis reverse scan=linear") !=
        std::string::npos);
}

TEST_CASE("hand-written traces may use decimal numbers, aliases, tabs and comments") {
  const std::string text =
      "# leading comment\n"
      "ascendsim-trace 1   # version\n"
      "tensor x dtype=fp32 shape=8x64 addr=4096\n"
      "core die0.aiv0\n"
      "\tmte2   copy src=gm:fp32@4096[8x64] dst=ub:fp32@0[8x64]\n"
      "s cross_core_set mode=2 flag=3 # numeric mode\n";
  const isa::Program p = trace::read_trace_text(text, "hand.trace", "");
  REQUIRE(p.tensors.size() == 1);
  CHECK(p.tensors[0].address == 4096);
  CHECK(p.tensors[0].init.kind == isa::TensorInit::Kind::zeros);
  const auto& ins = p.cores.at(0).instructions;
  REQUIRE(ins.size() == 2);
  CHECK(ins[0].src0.offset == 4096);
  CHECK(ins[0].dst.buffer == Buffer::UB);
  CHECK(ins[1].mode == isa::SyncMode::aic_aiv);
  CHECK(ins[1].event_id == 3);
}

TEST_CASE("every generator init survives write -> read with its parameters bit for bit") {
  using Kind = isa::TensorInit::Kind;
  // Parameters with long decimal expansions (0.1, 1/3) and odd bits (-0) so a lossy format
  // would show; the values are valid for their kind; unused slots keep TensorInit's defaults.
  struct Case {
    Kind kind;
    double a, b, c;
    const char* text;
  };
  const Case cases[] = {
      {Kind::laplace, -0.0, 0.1, 0.0, "laplace(seed=9,loc=-0,scale=0.1)"},
      {Kind::student_t, 7.0, 1.0, 0.0, "student_t(seed=9,dof=7)"},
      {Kind::cauchy, 1.0 / 3, 2.5, 0.0, "cauchy(seed=9,loc=0.3333333333333333,scale=2.5)"},
      {Kind::outliers, 0.1, 0.001, 30.0, "outliers(seed=9,std=0.1,rate=0.001,scale=30)"},
      {Kind::hybrid, 30.0, 0.1, 1.0 / 3,
       "hybrid(seed=9,mean=30,amplitude=0.1,rate=0.3333333333333333)"},
      {Kind::resonance, -0.0, 10.0, 180.0, "resonance(seed=9,mean=-0,amplitude=10,phase=180)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    isa::Program p;
    isa::TensorDecl t;
    t.name = "x";
    t.shape = {8};
    t.init.kind = c.kind;
    t.init.seed = 9;
    t.init.a = c.a;
    t.init.b = c.b;
    t.init.c = c.c;
    p.tensors.push_back(t);
    const std::string text = trace::write_trace(p);
    CHECK(text.find(std::string("init=") + c.text) != std::string::npos);
    const isa::Program back = trace::read_trace_text(text, "g.trace", "");
    REQUIRE(back.tensors.size() == 1);
    const isa::TensorInit& i = back.tensors[0].init;
    CHECK(i.kind == c.kind);
    CHECK(i.seed == 9);
    CHECK(same_bits(i.a, c.a));
    CHECK(same_bits(i.b, c.b));
    CHECK(same_bits(i.c, c.c));
    CHECK(trace::write_trace(back) == text);
  }
}

TEST_CASE("generator inits take the documented defaults for omitted parameters") {
  const std::string text =
      "ascendsim-trace 1\n"
      "tensor l dtype=fp32 shape=8 addr=0x0 init=laplace()\n"
      "tensor t dtype=fp32 shape=8 addr=0x100 init=student_t()\n"
      "tensor c dtype=fp32 shape=8 addr=0x200 init=cauchy(seed=4)\n"
      "tensor o dtype=fp32 shape=8 addr=0x300 init=outliers(rate=0.5)\n";
  const isa::Program p = trace::read_trace_text(text, "d.trace", "");
  REQUIRE(p.tensors.size() == 4);
  // FORMAT.md: laplace and cauchy loc 0, scale 1; student_t dof 5; outliers std 1, rate
  // 0.001, scale 10; seed 0.
  CHECK((p.tensors[0].init.seed == 0 && p.tensors[0].init.a == 0.0 && p.tensors[0].init.b == 1.0));
  CHECK(p.tensors[1].init.a == 5.0);
  CHECK((p.tensors[2].init.seed == 4 && p.tensors[2].init.a == 0.0 && p.tensors[2].init.b == 1.0));
  CHECK((p.tensors[3].init.a == 1.0 && p.tensors[3].init.b == 0.5 && p.tensors[3].init.c == 10.0));
  CHECK(trace::write_trace(p).find("init=outliers(seed=0,std=1,rate=0.5,scale=10)") !=
        std::string::npos);
}

TEST_CASE("hybrid and resonance take the documented defaults", "[generators]") {
  const std::string text =
      "ascendsim-trace 1\n"
      "tensor h dtype=fp32 shape=8 addr=0x0 init=hybrid()\n"
      "tensor r dtype=fp32 shape=2x4 addr=0x100 init=resonance(seed=3,phase=90)\n";
  const isa::Program p = trace::read_trace_text(text, "d.trace", "");
  REQUIRE(p.tensors.size() == 2);
  // FORMAT.md: hybrid mean 0, amplitude 10, rate 0.001; resonance mean 0, amplitude 10, phase
  // 0; seed 0.
  const isa::TensorInit& h = p.tensors[0].init;
  CHECK((h.kind == isa::TensorInit::Kind::hybrid && h.seed == 0));
  CHECK((h.a == 0.0 && h.b == 10.0 && h.c == 0.001));
  const isa::TensorInit& r = p.tensors[1].init;
  CHECK((r.kind == isa::TensorInit::Kind::resonance && r.seed == 3));
  CHECK((r.a == 0.0 && r.b == 10.0 && r.c == 90.0));
  const std::string back = trace::write_trace(p);
  CHECK(back.find("init=hybrid(seed=0,mean=0,amplitude=10,rate=0.001)") != std::string::npos);
  CHECK(back.find("init=resonance(seed=3,mean=0,amplitude=10,phase=90)") != std::string::npos);
}
