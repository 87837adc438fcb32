// The traces shipped in traces/ parse, validate and are in the writer's canonical form; tensor
// generators follow the algorithm FORMAT.md documents.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "sim/config/config_node.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/trace/trace_writer.hpp"
#include "tests/unit/test_isa_hw.hpp"
#include "tests/unit/test_trace_util.hpp"

using namespace ascendsim;
using numeric::DType;

namespace {

std::string shipped(const std::string& name) {
  return std::string(ASCENDSIM_SOURCE_DIR) + "/traces/" + name;
}

// The trace without comments and blank lines, for comparing with the writer's output.
std::string significant_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) out += line + "\n";
  }
  return out;
}

float fp32_at(const std::vector<std::uint8_t>& data, std::size_t i) {
  float f;
  std::memcpy(&f, data.data() + 4 * i, 4);
  return f;
}

}  // namespace

TEST_CASE("the shipped traces parse and validate on a 910b2-like chip") {
  const config::HardwareConfig hw = ascendsim::testing::make_910b2_like();
  for (const char* name :
       {"mmad_single.trace", "vector_add.trace", "deadlock.trace", "cross_core.trace"}) {
    INFO(name);
    const isa::Program p = trace::read_trace(shipped(name));
    CHECK_NOTHROW(isa::validate_program(p, hw));
    CHECK(p.instruction_count() > 0);
    // Written by hand, but exactly as the writer would (comments aside).
    CHECK(significant_lines(trace::write_trace(p)) ==
          significant_lines(ascendsim::testing::read_text(shipped(name))));
  }
}

TEST_CASE("the shipped mmad trace is one 64x64x64 fp16 matmul on one aic") {
  const isa::Program p = trace::read_trace(shipped("mmad_single.trace"));
  REQUIRE(p.cores.size() == 1);
  int mmads = 0;
  for (const isa::Instruction& ins : p.cores[0].instructions)
    if (ins.op == isa::Opcode::mmad) {
      ++mmads;
      CHECK((ins.src0.rows == 64 && ins.src0.cols == 64 && ins.src1.cols == 64));
    }
  CHECK(mmads == 1);
  REQUIRE(p.find_tensor("c") != nullptr);
  CHECK(p.find_tensor("c")->output);
}

TEST_CASE("the cross-core trace releases two aivs with one mode-2 set") {
  const isa::Program p = trace::read_trace(shipped("cross_core.trace"));
  REQUIRE(p.cores.size() == 3);
  const isa::Instruction& set = p.cores[0].instructions.back();
  CHECK(set.op == isa::Opcode::cross_core_set);
  CHECK(set.mode == isa::SyncMode::aic_aiv);
  for (int v = 1; v <= 2; ++v) CHECK(p.cores[v].instructions[0].op == isa::Opcode::cross_core_wait);
}

TEST_CASE("uniform tensors follow the documented formula, element by element") {
  isa::TensorDecl t;
  t.name = "u";
  t.dtype = DType::fp32;
  t.shape = {4, 8};
  t.init.kind = isa::TensorInit::Kind::uniform;
  t.init.seed = 42;
  t.init.a = -2.0;
  t.init.b = 3.0;
  const auto data = trace::generate_tensor_bytes(t);
  std::mt19937_64 gen(42);
  for (std::size_t i = 0; i < 32; ++i) {
    const double u = double(gen() >> 11) / 9007199254740992.0;  // 2^53
    CHECK(fp32_at(data, i) == float(-2.0 + 5.0 * u));
    CHECK((fp32_at(data, i) >= -2.0f && fp32_at(data, i) <= 3.0f));
  }
}

TEST_CASE("normal tensors use Box-Muller on two draws per element") {
  isa::TensorDecl t;
  t.name = "n";
  t.dtype = DType::fp32;
  t.shape = {64, 64};
  t.init.kind = isa::TensorInit::Kind::normal;
  t.init.seed = 7;
  t.init.a = 1.0;
  t.init.b = 2.0;
  const auto data = trace::generate_tensor_bytes(t);
  std::mt19937_64 gen(7);
  const double u1 = 1.0 - double(gen() >> 11) / 9007199254740992.0;
  const double u2 = double(gen() >> 11) / 9007199254740992.0;
  CHECK(fp32_at(data, 0) ==
        float(1.0 + 2.0 * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2)));
  // 4096 samples: the mean's standard error is 2 / 64; allow 5 of them. The sample std of a
  // normal has standard error ~ 2 / sqrt(2 * 4096) ~ 0.022; allow 0.15.
  double sum = 0, sq = 0;
  for (std::size_t i = 0; i < 4096; ++i) {
    sum += fp32_at(data, i);
    sq += double(fp32_at(data, i)) * fp32_at(data, i);
  }
  const double mean = sum / 4096, sd = std::sqrt(sq / 4096 - mean * mean);
  CHECK(std::abs(mean - 1.0) < 5 * 2.0 / 64);
  CHECK(std::abs(sd - 2.0) < 0.15);
}

TEST_CASE("generated values are rounded into narrow dtypes") {
  isa::TensorDecl t;
  t.name = "h";
  t.dtype = DType::bf16;
  t.shape = {16};
  t.init.kind = isa::TensorInit::Kind::uniform;
  t.init.seed = 3;
  const auto data = trace::generate_tensor_bytes(t);
  std::mt19937_64 gen(3);
  for (std::size_t i = 0; i < 16; ++i) {
    const double u = double(gen() >> 11) / 9007199254740992.0;
    CHECK(numeric::load_element(DType::bf16, data.data(), i) ==
          numeric::bf16_to_float(numeric::to_bf16(u)));
  }
}

TEST_CASE("materialize fills generator tensors and keeps loaded bytes") {
  isa::Program p = trace::read_trace(shipped("vector_add.trace"));
  REQUIRE(p.tensors.size() == 3);
  trace::materialize_tensors(p);
  for (const auto& t : p.tensors) CHECK(t.data.size() == t.bytes());
  CHECK(p.tensors[2].data == std::vector<std::uint8_t>(p.tensors[2].bytes(), 0));  // zeros
  const auto x = p.tensors[0].data;
  trace::materialize_tensors(p);  // a second call changes nothing
  CHECK(p.tensors[0].data == x);
  p.tensors[0].init.kind = isa::TensorInit::Kind::npy;
  p.tensors[0].data.clear();
  CHECK_THROWS_AS(trace::materialize_tensors(p), config::ConfigError);
}
