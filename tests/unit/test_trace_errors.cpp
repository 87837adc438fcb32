// Trace input errors: every one is a ConfigError "file:line: what".
#include <catch2/catch.hpp>

#include "sim/config/config_node.hpp"
#include "sim/trace/npy.hpp"
#include "sim/trace/trace_reader.hpp"
#include "tests/unit/test_trace_util.hpp"

using namespace ascendsim;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

namespace {

const std::string kHead =
    "ascendsim-trace 1\n"                        // line 1
    "tensor x dtype=fp32 shape=8x64 addr=0x0\n"  // line 2
    "core die0.aiv0\n";                          // line 3

// The message reading `text` produces, or "" if it reads.
std::string error_of(const std::string& text, const std::string& base_dir = "") {
  try {
    trace::read_trace_text(text, "t.trace", base_dir);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a trace without the version header is rejected at line 1") {
  CHECK(error_of("") == "t.trace:1: empty trace: expected 'ascendsim-trace 1' as the first line");
  CHECK(error_of("core die0.aic0\n") ==
        "t.trace:1: expected 'ascendsim-trace 1' as the first line");
  CHECK(error_of("\n# c\nascendsim-trace 2\n") ==
        "t.trace:3: trace version 2 is not supported (this build reads version 1)");
}

TEST_CASE("unknown opcodes, pipes, buffers and dtypes name the line and the word") {
  CHECK(error_of(kHead + "v vaddd dst=ub:fp32@0x0[8x64]\n") == "t.trace:4: unknown opcode 'vaddd'");
  CHECK(error_of(kHead + "mte4 copy\n") ==
        "t.trace:4: unknown pipe 'mte4' (s, v, m, mte1, mte2, mte3, fix, all)");
  CHECK(error_of(kHead + "\nmte2 copy dst=l3:fp32@0x0[8x64]\n") ==
        "t.trace:5: unknown buffer 'l3' in 'l3:fp32@0x0[8x64]'");
  CHECK(error_of(kHead + "mte2 copy dst=ub:fp31@0x0[8x64]\n") ==
        "t.trace:4: unknown dtype 'fp31' in 'ub:fp31@0x0[8x64]'");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=float shape=8 addr=0\n") ==
        "t.trace:2: unknown dtype 'float'");
}

TEST_CASE("bad numbers and malformed fields are syntax errors") {
  CHECK(error_of(kHead + "v nop cycles=ten\n") == "t.trace:4: bad number 'ten' for cycles");
  CHECK(error_of(kHead + "v nop cycles=-1\n") == "t.trace:4: bad number '-1' for cycles");
  CHECK(error_of(kHead + "v set_flag event=256\n") ==
        "t.trace:4: event 256 is out of range (at most 255)");
  CHECK(error_of(kHead + "v vadds imm=1.5.2\n") == "t.trace:4: bad number '1.5.2' for imm");
  CHECK(error_of(kHead + "mte2 copy dst=ub:fp32@0x0[8by64]\n") ==
        "t.trace:4: bad number in view 'ub:fp32@0x0[8by64]'");
  CHECK(error_of(kHead + "mte2 copy dst=ub:fp32[8x64]\n") ==
        "t.trace:4: expected a view buffer:dtype@offset[rowsxcols] or [rowsxcols/stride], got "
        "'ub:fp32[8x64]'");
  CHECK(error_of(kHead + "v nop cycles=1 cycles=2\n") == "t.trace:4: cycles given twice");
  CHECK(error_of(kHead + "s cross_core_set event=1 flag=1\n") == "t.trace:4: flag given twice");
  CHECK(error_of(kHead + "v nop colour=red\n") == "t.trace:4: unknown field 'colour'");
  CHECK(error_of(kHead + "m mmad fast\n") ==
        "t.trace:4: unknown word 'fast' (flags: accumulate, transpose, atomic_add, relu, saturate, "
        "first_axis, reverse)");
}

TEST_CASE("structure errors: instructions need a core, tensors come first, names are unique") {
  CHECK(error_of("ascendsim-trace 1\nv nop\n") ==
        "t.trace:2: 'v' before any 'core' line (expected tensor or core)");
  CHECK(error_of(kHead + "tensor y dtype=fp32 shape=8 addr=0x1000\n") ==
        "t.trace:4: tensor lines must come before the first core section");
  CHECK(error_of(kHead + "core die0.aiv0\n") == "t.trace:4: core die0.aiv0 has two sections");
  CHECK(error_of(kHead + "core die0.cpu1\n") ==
        "t.trace:4: bad core name 'die0.cpu1' (expected like die0.aic3 or die0.aiv7)");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8 addr=0\n"
                 "tensor x dtype=fp32 shape=8 addr=64\n") ==
        "t.trace:3: tensor 'x' is declared twice");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8x0 addr=0\n") ==
        "t.trace:2: bad shape '8x0' (expected dims > 0 like 64x128)");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8\n") ==
        "t.trace:2: tensor 'x' lacks addr=");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8 addr=0 init=random\n") ==
        "t.trace:2: unknown init 'random' (zeros, uninitialized, uniform(...), normal(...), "
        "laplace(...), student_t(...), cauchy(...), outliers(...), hybrid(...), resonance(...), "
        "npy(FILE))");
  CHECK(error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8 addr=0 init=normal(sd=1)\n") ==
        "t.trace:2: unknown normal argument 'sd' (seed, mean, std)");
}

TEST_CASE("the kernel line is one object, once, before tensors and cores") {
  CHECK(error_of(kHead + "kernel {\"name\": \"gemm\"}\n") ==
        "t.trace:4: the kernel line must come before tensor and core lines");
  CHECK(error_of("ascendsim-trace 1\nkernel gemm\n") ==
        "t.trace:2: expected 'kernel {...}' with a one-line JSON object, got 'gemm'");
  CHECK(error_of("ascendsim-trace 1\nkernel {\"name\": \"a\"}\nkernel {}\n") ==
        "t.trace:3: a second kernel line");
  CHECK(error_of("ascendsim-trace 1\n  kernel   {\"name\": \"#1\"}  \n") == "");
}

TEST_CASE("a missing npy file is an error at the tensor's line") {
  ascendsim::testing::TempDir dir;
  const std::string text =
      "ascendsim-trace 1\n\ntensor w dtype=fp16 shape=4x4 addr=0 init=npy(w.npy)\n";
  CHECK(error_of(text, dir.dir()) ==
        "t.trace:3: tensor 'w': npy file 'w.npy' not found (looked for " + dir.file("w.npy") + ")");
}

TEST_CASE("an npy file of another shape or dtype is an error at the tensor's line") {
  ascendsim::testing::TempDir dir;
  trace::write_npy(dir.file("w.npy"), trace::tensor_to_npy(numeric::DType::fp16, {4, 2},
                                                           std::vector<std::uint8_t>(16)));
  const std::string text =
      "ascendsim-trace 1\ntensor w dtype=fp16 shape=4x4 addr=0 init=npy(w.npy)\n";
  CHECK(error_of(text, dir.dir()) == "t.trace:2: tensor 'w': " + dir.file("w.npy") +
                                         ": shape (4, 2) does not match the fp16 tensor's (4, 4)");
  const std::string as_fp32 =
      "ascendsim-trace 1\ntensor w dtype=fp32 shape=4x2 addr=0 init=npy(w.npy)\n";
  CHECK_THAT(error_of(as_fp32, dir.dir()),
             StartsWith("t.trace:2: tensor 'w': " + dir.file("w.npy") + ": holds <f2 data"));
}

TEST_CASE("an unreadable trace file is a config error naming it") {
  CHECK_THROWS_WITH(trace::read_trace("/nonexistent/k.trace"),
                    Equals("/nonexistent/k.trace: cannot open trace file"));
}

TEST_CASE("bad generator parameters are errors at the tensor's line") {
  const auto init_error = [](const std::string& init) {
    return error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8 addr=0 init=" + init + "\n");
  };
  CHECK(init_error("laplace(scale=0)") == "t.trace:2: laplace scale must be > 0, got 0");
  CHECK(init_error("cauchy(loc=1,scale=-2)") == "t.trace:2: cauchy scale must be > 0, got -2");
  CHECK(init_error("student_t(dof=0)") ==
        "t.trace:2: student_t dof must be an integer in [1, 100], got 0");
  CHECK(init_error("student_t(dof=2.5)") ==
        "t.trace:2: student_t dof must be an integer in [1, 100], got 2.5");
  CHECK(init_error("student_t(dof=101)") ==  // one past the cost bound kMaxStudentDof
        "t.trace:2: student_t dof must be an integer in [1, 100], got 101");
  CHECK(init_error("outliers(rate=1.5)") == "t.trace:2: outliers rate must be in [0, 1], got 1.5");
  CHECK(init_error("outliers(rate=-0.1)") ==
        "t.trace:2: outliers rate must be in [0, 1], got -0.1");
  CHECK(init_error("outliers(std=0)") == "t.trace:2: outliers std must be > 0, got 0");
  CHECK(init_error("outliers(scale=0)") == "t.trace:2: outliers scale must be > 0, got 0");
  CHECK(init_error("laplace(loc=inf)") ==
        "t.trace:2: laplace loc must be a finite number, got inf");
  CHECK(init_error("uniform(hi=inf)") == "t.trace:2: uniform hi must be a finite number, got inf");
  CHECK(init_error("student_t(dof=5,scale=2)") ==
        "t.trace:2: unknown student_t argument 'scale' (seed, dof)");
  CHECK(init_error("outliers(mean=1)") ==
        "t.trace:2: unknown outliers argument 'mean' (seed, std, rate, scale)");
  // The edges are valid: rate 0 and 1, dof 1 and 100.
  CHECK(init_error("outliers(rate=0)") == "");
  CHECK(init_error("outliers(rate=1)") == "");
  CHECK(init_error("student_t(dof=1)") == "");
  CHECK(init_error("student_t(dof=100)") == "");
}

TEST_CASE("hybrid and resonance parameter errors are at the tensor's line", "[generators]") {
  const auto init_error = [](const std::string& init) {
    return error_of("ascendsim-trace 1\ntensor x dtype=fp32 shape=8 addr=0 init=" + init + "\n");
  };
  CHECK(init_error("hybrid(amplitude=-1)") == "t.trace:2: hybrid amplitude must be >= 0, got -1");
  CHECK(init_error("hybrid(rate=1.5)") == "t.trace:2: hybrid rate must be in [0, 1], got 1.5");
  CHECK(init_error("hybrid(rate=-0.25)") == "t.trace:2: hybrid rate must be in [0, 1], got -0.25");
  CHECK(init_error("hybrid(mean=inf)") ==
        "t.trace:2: hybrid mean must be a finite number, got inf");
  CHECK(init_error("resonance(amplitude=-2)") ==
        "t.trace:2: resonance amplitude must be >= 0, got -2");
  CHECK(init_error("resonance(phase=-inf)") ==
        "t.trace:2: resonance phase must be a finite number, got -inf");
  CHECK(init_error("resonance(rate=0.5)") ==
        "t.trace:2: unknown resonance argument 'rate' (seed, mean, amplitude, phase)");
  CHECK(init_error("hybrid(std=1)") ==
        "t.trace:2: unknown hybrid argument 'std' (seed, mean, amplitude, rate)");
  // The edges are valid: amplitude 0, rate 0 and 1, any finite phase and mean.
  CHECK(init_error("hybrid(amplitude=0,rate=0)") == "");
  CHECK(init_error("hybrid(mean=-30,rate=1)") == "");
  CHECK(init_error("resonance(amplitude=0,phase=-720)") == "");
  CHECK(init_error("resonance(mean=30,phase=180)") == "");
}

TEST_CASE("a region line names a stretch of a core's instructions") {
  const std::string ins = "v vadds dst=ub:fp32@0x0[8x64] src0=ub:fp32@0x0[8x64] imm=1\n";
  CHECK(error_of("ascendsim-trace 1\nregion task 0\n") ==
        "t.trace:2: a region line must be inside a core section");
  CHECK(error_of(kHead + "region\n") ==
        "t.trace:4: expected 'region LABEL' with a non-empty label");
  CHECK(error_of(kHead + "region a\nregion b\n" + ins) ==
        "t.trace:5: two region lines with no instruction between them");
  // The label is the rest of the line, trimmed, '#' included.
  const isa::Program p = trace::read_trace_text(
      kHead + ins + "  region   task 3 (head #1), KV block 0  \n" + ins + ins + "region end\n",
      "t.trace", "");
  REQUIRE(p.cores[0].regions.size() == 2);
  CHECK(p.cores[0].regions[0].first == 1);
  CHECK(p.cores[0].regions[0].label == "task 3 (head #1), KV block 0");
  CHECK(p.cores[0].regions[1].first == 3);  // after the last instruction: names nothing yet
  CHECK(p.cores[0].region_of(0) == nullptr);
  CHECK(*p.cores[0].region_of(2) == "task 3 (head #1), KV block 0");
}
