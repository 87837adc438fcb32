#pragma once
// What the MLA-decode simulation tests share (test_mla_sim.cpp, test_mla_sim_schedule.cpp): run
// a kernel here or in a child process of this binary (one SystemC design per process), the
// inputs they write, and the common pass criteria.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

#include "../cli/cli_runner.hpp"
#include "kernels/common/kernel.hpp"
#include "kernels/mla_decode/mla_params.hpp"
#include "kernels/mla_decode/mla_pipeline.hpp"
#include "kernels/mla_decode/mla_plan.hpp"
#include "models/chip/simulate.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::mla_test {

using Json = kernels::Json;
namespace fs = std::filesystem;

inline const std::string kRoot = ASCENDSIM_SOURCE_DIR;
inline const std::string kTmp = "/tmp/ascendsim_mla_sim/";
inline const char* const kChildCase = "mla child: simulate the kernel in MLA_CHILD_KERNEL";

// 128 heads x 2 MTP tokens (256 rows = one full row group), bf16, on one AI core.
inline const std::string kShape = "batch: 1, heads: 128, s_q: 2, cores: 1, ";
inline const std::string kBase = "name: amla, " + kShape;

inline config::HardwareConfig hw910b2() {
  return config::load_hardware_file(kRoot + "/configs/hw/ascend910b2.yaml");
}

struct Run {
  std::uint64_t cycles = 0;
  kernels::CheckResult check;
  numeric::DType out_dtype = numeric::DType::bf16;
  std::vector<std::uint8_t> out;  // the bytes of `out` after the run

  double rmse_ratio() const { return check.extra["rmse_over_rms_ref"].get<double>(); }
  double bound() const { return check.extra["bound"].get<double>(); }
};

// Builds the kernel of `kernel_yaml` (a flow map), lets `edit` change its program, simulates it
// functionally in this process (once per process) and checks the result.
inline Run simulate_here(const std::string& kernel_yaml,
                         const std::function<void(isa::Program&)>& edit = {}) {
  const auto root = config::ConfigNode::from_string("kernel: {" + kernel_yaml + "}", "test");
  auto kernel = kernels::create_kernel(root.child("kernel"));
  root.finish();
  const config::HardwareConfig hw = hw910b2();
  isa::Program program = kernel->build(hw, /*functional=*/true);
  if (edit) edit(program);
  models::SimOptions options;
  options.functional = true;
  Run r;
  r.cycles = models::simulate(program, hw, options).stats.cycles;
  r.check = kernel->check(program);
  const isa::TensorDecl* out = program.find_tensor("out");
  REQUIRE(out != nullptr);
  r.out_dtype = out->dtype;
  r.out = out->data;
  return r;
}

// Holds every AIV's int32 rescale R(k) back by `cycles`: a nop on its MTE3 right after the
// cross-core wait for C2(k-1) (amla_n_update), ahead of the atomic copies.
inline void delay_rescales(isa::Program& p, std::uint32_t cycles) {
  for (isa::CoreProgram& core : p.cores) {
    if (core.core.kind != isa::CoreKind::AIV) continue;
    auto& ins = core.instructions;
    for (auto it = ins.begin(); it != ins.end(); ++it) {
      if (it->op != isa::Opcode::cross_core_wait || it->event_id != kernels::mla_sync::c2v1)
        continue;
      isa::Instruction nop;
      nop.op = isa::Opcode::nop;
      nop.pipe = isa::Pipe::MTE3;
      nop.cycles = cycles;
      it = ins.insert(it + 1, nop);
    }
  }
}

inline std::string shell(const std::string& cmd, int& exit_code) {
  std::string text;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return text;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), n);
  const int status = pclose(pipe);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return text;
}

// The same simulation as simulate_here (with delay_rescales(delay) when delay > 0), in a child
// process of this binary (kChildCase).
inline Run simulate_in_child(const std::string& kernel_yaml, const std::string& name,
                             std::uint32_t delay = 0) {
  const std::string stem = kTmp + name;
  fs::create_directories(fs::path(stem).parent_path());
  fs::remove(stem + ".json");
  int code = -1;
  const std::string log =
      shell("MLA_CHILD_KERNEL='" + kernel_yaml + "' MLA_CHILD_OUT='" + stem +
                "' MLA_CHILD_DELAY=" + std::to_string(delay) + " '" +
                fs::read_symlink("/proc/self/exe").string() + "' '" + kChildCase + "'",
            code);
  INFO("child " << name << ": " << kernel_yaml << "\n" << log);
  REQUIRE(code == 0);
  std::ifstream f(stem + ".json");
  REQUIRE(f.good());
  const Json j = Json::parse(f);
  Run r;
  r.cycles = j["cycles"].get<std::uint64_t>();
  r.check.performed = j["performed"].get<bool>();
  r.check.passed = j["passed"].get<bool>();
  r.check.rmse = j["rmse"].get<double>();
  r.check.extra = j["extra"];
  const trace::NpyArray out = trace::read_npy(stem + ".npy");
  r.out = out.data;
  return r;
}

// `tokens` KV rows of 576 columns, N(0, 1) plus `drift` * token in every column (a running max
// that keeps moving), with V columns [0, zero_cols) exactly +0.0 in the first `zero_tokens`
// tokens (all of them by default), as a bf16 .npy.
inline std::string write_kv_npy(const std::string& name, std::uint64_t tokens,
                                std::uint32_t zero_cols, double drift = 0.0,
                                std::uint64_t zero_tokens = UINT64_MAX) {
  const numeric::DType t = numeric::DType::bf16;
  std::vector<std::uint8_t> bytes(numeric::dtype_bytes(t, tokens * kernels::kMlaDk));
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::uint64_t i = 0; i < tokens * kernels::kMlaDk; ++i) {
    const std::uint64_t token = i / kernels::kMlaDk, col = i % kernels::kMlaDk;
    const double x = normal(gen) + drift * double(token);
    numeric::store_element(t, bytes.data(), i, col < zero_cols && token < zero_tokens ? 0.0 : x);
  }
  const std::string path = kTmp + name + ".npy";
  fs::create_directories(kTmp);
  trace::write_npy(path, trace::tensor_to_npy(t, {tokens, kernels::kMlaDk}, bytes));
  return path;
}

// Non-finite elements of `out` in columns [col0, col1) of its 512.
inline std::uint64_t nonfinite(const Run& r, std::uint32_t col0 = 0,
                               std::uint32_t col1 = kernels::kMlaDv) {
  std::uint64_t n = 0;
  for (std::uint64_t i = 0; i < r.out.size() / numeric::dtype_bytes(r.out_dtype, 1); ++i) {
    const std::uint64_t col = i % kernels::kMlaDv;
    if (col >= col0 && col < col1)
      n += !std::isfinite(numeric::load_element(r.out_dtype, r.out.data(), i));
  }
  return n;
}

inline void expect_passes(const Run& r) {
  INFO("cycles " << r.cycles << ", check " << r.check.extra.dump());
  CHECK(r.check.performed);
  CHECK(r.check.passed);
  CHECK(r.check.extra["nonfinite_outputs"] == 0);
  CHECK(r.check.extra["failures"] == 0);
  // Above 0: the kernels round (P to dtype, out to out_dtype), so an exact zero would mean the
  // check compared nothing.
  CHECK(r.rmse_ratio() > 0);
  CHECK(r.rmse_ratio() < r.bound());
}

}  // namespace ascendsim::mla_test
