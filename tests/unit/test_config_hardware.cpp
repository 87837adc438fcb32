// The shipped hardware files load, give the published peak rates, and every consistency check
// of load_hardware names the offending key.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "sim/config/load_hardware.hpp"

using namespace ascendsim::config;
using ascendsim::isa::Buffer;
using ascendsim::isa::CoreKind;
using ascendsim::isa::Opcode;

namespace {

std::string hw_file(const std::string& name) {
  return std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/" + name + ".yaml";
}

// 1-based number of the first line of `path` containing `text`, so tests that point into a
// shipped file survive edits elsewhere in it.
int line_of(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  int number = 0;
  for (std::string line; std::getline(in, line);)
    if (++number, line.find(text) != std::string::npos) return number;
  return -1;
}

std::string load_error(const std::string& assignment) {
  try {
    load_hardware_file(hw_file("ascend910b2"), {assignment});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

double peak_flops(const HardwareConfig& hw, DType t) {
  return hw.peak_flops_per_cycle(t) * hw.clock_hz;
}

}  // namespace

TEST_CASE("the 910B2 file gives 353.9 TFLOPS bf16 and 1.6 TB/s of HBM") {
  const HardwareConfig hw = load_hardware_file(hw_file("ascend910b2"));
  CHECK(hw.name == "ascend910b2");
  CHECK(hw.total_aic() == 24);
  CHECK(hw.aiv_per_die() == 48);
  CHECK(peak_flops(hw, DType::bf16) == Approx(24.0 * 16 * 16 * 16 * 2 * 1.8e9));
  CHECK(peak_flops(hw, DType::bf16) == Approx(353.9e12).epsilon(1e-4));
  CHECK(peak_flops(hw, DType::int8) == Approx(707.8e12).epsilon(1e-4));
  CHECK(hw.peak_flops_per_cycle(DType::fp8_e4m3) == 0);
  CHECK(hw.hbm.bytes_per_cycle == Approx(1.6e12 / 1.8e9));
  CHECK(hw.buffer_bytes(CoreKind::AIC, Buffer::L0A) == 65536);
  CHECK(hw.buffer_bytes(CoreKind::AIC, Buffer::FB) == 7 * 1024);
  CHECK(hw.buffer_bytes(CoreKind::AIC, Buffer::UB) == 0);
  CHECK(hw.buffer_bytes(CoreKind::AIV, Buffer::UB) == 196608);
  CHECK(hw.buffer_bytes(CoreKind::AIV, Buffer::L1) == 0);
  CHECK(hw.buffer_bytes(CoreKind::AIV, Buffer::GM) == 64ull << 30);
  CHECK(hw.l2.line_bytes == 512);
  CHECK(hw.aiv.vector.ops.at(Opcode::vadd).startup_cycles == 6);
  CHECK(hw.aiv.vector.ops.count(Opcode::vrowmin) == 0);
  CHECK(hw.aiv.vector.default_timing.startup_cycles == 10);
  CHECK(hw.aiv.vector.dtypes ==
        std::vector<DType>{DType::fp32, DType::fp16, DType::int32, DType::int16});
  CHECK(hw.die_link.bytes_per_cycle == 0);
}

TEST_CASE("the 910C file gives two dies and 707.8 TFLOPS bf16") {
  const HardwareConfig hw = load_hardware_file(hw_file("ascend910c"));
  CHECK(hw.dies == 2);
  CHECK(hw.total_aic() == 48);
  CHECK(peak_flops(hw, DType::bf16) == Approx(48.0 * 8192 * 1.8e9));
  CHECK(peak_flops(hw, DType::bf16) == Approx(707.8e12).epsilon(1e-4));
  CHECK(hw.hbm.bytes_per_cycle == Approx(1.6e12 / 1.8e9));
  CHECK(hw.die_link.bytes_per_cycle == Approx(784e9 / 1.8e9));
  CHECK(hw.buffer_bytes(CoreKind::AIC, Buffer::GM) == 128ull << 30);
  CHECK(hw.die_of_address((64ull << 30) - 1) == 0);
  CHECK(hw.die_of_address(64ull << 30) == 1);
}

TEST_CASE("the 950PR file gives 378.5 TFLOPS bf16 and the 8- and 4-bit cube depths") {
  const HardwareConfig hw = load_hardware_file(hw_file("ascend950pr"));
  CHECK(hw.total_aic() == 28);
  CHECK(hw.clock_hz == Approx(1.65e9));
  CHECK(peak_flops(hw, DType::bf16) == Approx(28.0 * 8192 * 1.65e9));
  CHECK(peak_flops(hw, DType::bf16) == Approx(378.5e12).epsilon(1e-4));
  CHECK(hw.aic.cube.k0.at(DType::fp8_e4m3) == 32);
  CHECK(hw.aic.cube.k0.at(DType::fp4_e2m1) == 64);
  CHECK(hw.buffer_bytes(CoreKind::AIV, Buffer::UB) == 253952);
  CHECK(hw.buffer_bytes(CoreKind::AIC, Buffer::L0C) == 262144);
  CHECK(hw.l2.line_bytes == 256);
  CHECK(hw.hbm.bytes == 112ull << 30);
}

TEST_CASE("every value in a shipped hardware file names its source") {
  const std::regex value_line(R"(^\s*[A-Za-z0-9_]+:\s*[^\s#].*$)");
  const std::regex source(R"(\[[HCPDM]\]|assumption:|calibrated:)");
  for (const char* name : {"ascend910b2", "ascend910c", "ascend950pr"}) {
    std::ifstream in(hw_file(name));
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      if (!std::regex_match(line, value_line)) continue;
      INFO(name << ".yaml:" << number << ": " << line);
      const auto hash = line.find('#');
      REQUIRE(hash != std::string::npos);
      CHECK(std::regex_search(line.substr(hash), source));
    }
  }
}

TEST_CASE("an override of a hardware value changes only that value") {
  const HardwareConfig hw = load_hardware_file(
      hw_file("ascend910b2"), {"chip.aic.cube.startup_cycles=7", "chip.clock=1GHz"});
  CHECK(hw.aic.cube.startup_cycles == 7);
  CHECK(hw.clock_hz == 1e9);
  CHECK(hw.hbm.bytes_per_cycle == Approx(1600.0));
  CHECK(hw.aic.buffers.l1 == 512 * 1024);
}

TEST_CASE("the dumped effective hardware config loads to the same values") {
  ConfigNode root = ConfigNode::load_file(hw_file("ascend950pr"));
  root.apply_override("chip.l2.ways=8");
  const HardwareConfig first = load_hardware(root);
  const HardwareConfig again = load_hardware(ConfigNode::from_string(root.dump(), "dump.yaml"));
  CHECK(again.l2.ways == 8);
  CHECK(again.aic.cube.k0 == first.aic.cube.k0);
  CHECK(again.hbm.bytes_per_cycle == first.hbm.bytes_per_cycle);
  CHECK(again.aiv.vector.ops.size() == first.aiv.vector.ops.size());
}

TEST_CASE("a misspelt hardware override is caught as an unknown key") {
  CHECK(load_error("chip.aic.cube.startup_cycle=3") ==
        "--set chip.aic.cube.startup_cycle: chip.aic.cube.startup_cycle: unknown key "
        "(did you mean 'startup_cycles'?)");
}

TEST_CASE("hardware consistency checks name the key and what it must be") {
  CHECK(load_error("chip.dies=0") ==
        "--set chip.dies: chip.dies: expected an unsigned integer in [1, 65535], got \"0\"");
  CHECK(load_error("chip.aiv_per_aic=3") ==
        "--set chip.aiv_per_aic: chip.aiv_per_aic: expected an unsigned integer in [1, 2], "
        "got \"3\"");
  CHECK(load_error("chip.aic.buffers.l0a=64k") ==
        "--set chip.aic.buffers.l0a: chip.aic.buffers.l0a: expected a byte size > 0, got \"64k\"");
  CHECK(load_error("chip.l2.line_bytes=500") ==
        "--set chip.l2.line_bytes: chip.l2.line_bytes: expected a power-of-two byte size, "
        "got \"500\"");
  CHECK(load_error("chip.l2.ways=7") ==
        "--set chip.l2.ways: chip.l2.ways: expected a divisor of the line count 393216 "
        "(bytes / line_bytes), got \"7\"");
  CHECK(load_error("chip.l2.bytes=1000000") ==
        "--set chip.l2.bytes: chip.l2.bytes: expected a multiple of line_bytes (512), "
        "got \"1000000\"");
  CHECK(load_error("chip.aic.cube.k0.fp16=24") ==
        "--set chip.aic.cube.k0.fp16: chip.aic.cube.k0.fp16: expected one of 16, 32, 64, 128, "
        "got \"24\"");
  CHECK(load_error("chip.aic.cube.k0.fp9=16") ==
        "--set chip.aic.cube.k0.fp9: chip.aic.cube.k0.fp9: expected a dtype (one of fp32, fp16, "
        "bf16, int8, uint8, int4, int16, int32, fp8_e4m3, fp8_e5m2, fp4_e2m1, fp4_e1m2, e8m0), "
        "got key \"fp9\"");
  CHECK(load_error("chip.aiv.vector.dtypes=[fp32, fp32]") ==
        "--set chip.aiv.vector.dtypes: chip.aiv.vector.dtypes[1]: expected a dtype not listed "
        "before, got \"fp32\"");
  CHECK(load_error("chip.aiv.vector.dtypes=[]") ==
        "--set chip.aiv.vector.dtypes: chip.aiv.vector.dtypes: expected a non-empty sequence of "
        "dtypes, got a sequence");
  CHECK(load_error("chip.aiv.vector.bytes_per_repeat=100") ==
        "--set chip.aiv.vector.bytes_per_repeat: chip.aiv.vector.bytes_per_repeat: expected a "
        "multiple of 32 bytes (whole datablocks), got \"100\"");
  CHECK(load_error("chip.aiv.vector.default.cycles_per_repeat=0") ==
        "--set chip.aiv.vector.default.cycles_per_repeat: "
        "chip.aiv.vector.default.cycles_per_repeat: expected a 32-bit unsigned integer > 0, "
        "got \"0\"");
  CHECK(load_error("chip.aic.port.hbm_read_bytes_per_cycle=0") ==
        "--set chip.aic.port.hbm_read_bytes_per_cycle: chip.aic.port.hbm_read_bytes_per_cycle: expected "
        "a number > 0, got \"0\"");
  CHECK(load_error("chip.hbm.bandwidth=1.6TB") ==
        "--set chip.hbm.bandwidth: chip.hbm.bandwidth: expected a bandwidth > 0, got \"1.6TB\"");
}

TEST_CASE("vector op timings are keyed by vector opcode names only") {
  const std::string message = load_error(
      "chip.aiv.vector.ops.mmad={startup_cycles: 1, "
      "cycles_per_repeat: 1}");
  CHECK_THAT(message, Catch::StartsWith("--set chip.aiv.vector.ops.mmad: chip.aiv.vector.ops.mmad: "
                                        "expected a vector opcode (one of vadd, vsub,"));
  CHECK_THAT(message, Catch::EndsWith("vscan), got key \"mmad\""));
}

TEST_CASE("a multi-die chip needs a die link") {
  const std::string file = hw_file("ascend910b2");
  CHECK(load_error("chip.dies=2") == file + ":" +
                                         std::to_string(line_of(file, "  name: ascend910b2")) +
                                         ":3: chip: missing key 'die_link'");
}

TEST_CASE("a hardware document without chip is reported at its start") {
  REQUIRE_THROWS_WITH(load_hardware(ConfigNode::from_string("cheap: {}\n", "hw.yaml")),
                      "hw.yaml:1:1: missing key 'chip'");
}
