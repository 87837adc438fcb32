// The MLA-decode kernels (`amla`, `fa_preload`, `fa_serial`, kernels/mla_decode) simulated with
// data on a 910B2, checked against their fp64 reference (mla_check.hpp).
//
// SystemC elaborates one design per process. A case that needs one run simulates in its own
// process; a case that compares runs simulates each in a child process: the hidden case
// kChildCase (tag [.], so ctest never lists it) runs this same binary on the kernel given in
// $MLA_CHILD_KERNEL and writes its cycles, check result and `out` tensor next to
// $MLA_CHILD_OUT, which the parent reads back.
//
// Shapes: one request of 128 heads x 2 query tokens is 256 rows, one row group (R = 256) on one
// AI core; s_kv 1024-2048 tokens are 2-4 KV blocks of 512. Each run takes well under a second.
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

using namespace ascendsim;
using Json = kernels::Json;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ASCENDSIM_SOURCE_DIR;
const std::string kTmp = "/tmp/ascendsim_mla_sim/";
const char* const kChildCase = "mla child: simulate the kernel in MLA_CHILD_KERNEL";

// 128 heads x 2 MTP tokens (256 rows = one full row group), bf16, on one AI core.
const std::string kShape = "batch: 1, heads: 128, s_q: 2, cores: 1, ";
const std::string kBase = "name: amla, " + kShape;

config::HardwareConfig hw910b2() {
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
Run simulate_here(const std::string& kernel_yaml,
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
void delay_rescales(isa::Program& p, std::uint32_t cycles) {
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

std::string shell(const std::string& cmd, int& exit_code) {
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
Run simulate_in_child(const std::string& kernel_yaml, const std::string& name,
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
// that keeps moving), with V columns [0, zero_cols) exactly +0.0 in every token, as a bf16 .npy.
std::string write_kv_npy(const std::string& name, std::uint64_t tokens, std::uint32_t zero_cols,
                         double drift = 0.0) {
  const numeric::DType t = numeric::DType::bf16;
  std::vector<std::uint8_t> bytes(numeric::dtype_bytes(t, tokens * kernels::kMlaDk));
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::uint64_t i = 0; i < tokens * kernels::kMlaDk; ++i) {
    const std::uint64_t token = i / kernels::kMlaDk, col = i % kernels::kMlaDk;
    const double x = normal(gen) + drift * double(token);
    numeric::store_element(t, bytes.data(), i, col < zero_cols ? 0.0 : x);
  }
  const std::string path = kTmp + name + ".npy";
  fs::create_directories(kTmp);
  trace::write_npy(path, trace::tensor_to_npy(t, {tokens, kernels::kMlaDk}, bytes));
  return path;
}

// Non-finite elements of `out` in columns [col0, col1) of its 512.
std::uint64_t nonfinite(const Run& r, std::uint32_t col0 = 0,
                        std::uint32_t col1 = kernels::kMlaDv) {
  std::uint64_t n = 0;
  for (std::uint64_t i = 0; i < r.out.size() / numeric::dtype_bytes(r.out_dtype, 1); ++i) {
    const std::uint64_t col = i % kernels::kMlaDv;
    if (col >= col0 && col < col1)
      n += !std::isfinite(numeric::load_element(r.out_dtype, r.out.data(), i));
  }
  return n;
}

void expect_passes(const Run& r) {
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

}  // namespace

TEST_CASE(kChildCase, "[.][mla_child]") {
  const char* kernel_yaml = std::getenv("MLA_CHILD_KERNEL");
  const char* stem = std::getenv("MLA_CHILD_OUT");
  const char* delay = std::getenv("MLA_CHILD_DELAY");
  REQUIRE(kernel_yaml != nullptr);
  REQUIRE(stem != nullptr);
  const std::uint32_t cycles = delay ? std::uint32_t(std::stoul(delay)) : 0;
  const Run r = simulate_here(kernel_yaml, [&](isa::Program& p) {
    if (cycles) delay_rescales(p, cycles);
  });
  const Json j{{"cycles", r.cycles},
               {"performed", r.check.performed},
               {"passed", r.check.passed},
               {"rmse", r.check.rmse},
               {"extra", r.check.extra}};
  const std::uint64_t elems = r.out.size() / numeric::dtype_bytes(r.out_dtype, 1);
  trace::write_npy(
      std::string(stem) + ".npy",
      trace::tensor_to_npy(r.out_dtype, {elems / kernels::kMlaDv, kernels::kMlaDv}, r.out));
  std::ofstream(std::string(stem) + ".json") << j.dump(1);
}

// ---- 1. every variant and input type passes its check --------------------------------------

// 1280 tokens = 2.5 KV blocks: two full blocks and a half one (C2 with one 256-token K step).
#define MLA_VARIANT_CASE(variant, dtype)                                                  \
  TEST_CASE(variant " " dtype                                                             \
                    ": 128 heads x 2 tokens over 1280 KV tokens pass the fp64 check "     \
                    "with rmse / RMS(ref) under the bound",                               \
            "[mla]") {                                                                    \
    expect_passes(simulate_here("name: " variant ", dtype: " dtype                        \
                                ", batch: 1, heads: 128, s_q: 2, cores: 1, s_kv: 1280")); \
  }
MLA_VARIANT_CASE("amla", "bf16")
MLA_VARIANT_CASE("amla", "fp16")
MLA_VARIANT_CASE("fa_preload", "bf16")
MLA_VARIANT_CASE("fa_preload", "fp16")
MLA_VARIANT_CASE("fa_serial", "bf16")
MLA_VARIANT_CASE("fa_serial", "fp16")

// ---- 2. AMLA's accuracy against FlashAttention's on the same inputs ------------------------

TEST_CASE(
    "on the same inputs amla's rmse is at most 1.25x fa_preload's (the rounding compensation "
    "works)",
    "[mla][amla]") {
  // 4 KV blocks, same seed: identical q and kv. fp16 output as well as bf16: the P rounding
  // the compensation corrects (bf16, u = 2^-8) is hidden under bf16 output rounding
  // (uncompensated amla is only 1.26x fa there) but not under fp16's 2^-11 (1.70x), so the
  // 1.25 bound can tell compensation from none only on the fp16 output.
  for (const std::string out : {"bf16", "fp16"}) {
    const std::string yaml = kBase + "s_kv: 2048, out_dtype: " + out;
    const Run amla = simulate_in_child(yaml, "accuracy_amla_" + out);
    const Run fa = simulate_in_child(
        "name: fa_preload, " + kShape + "s_kv: 2048, out_dtype: " + out, "accuracy_fa_" + out);
    const Run plain = simulate_in_child(yaml + ", compensation: false", "accuracy_plain_" + out);
    expect_passes(amla);
    expect_passes(fa);
    const double ratio = amla.rmse_ratio() / fa.rmse_ratio();
    WARN("out " << out << ": rmse / RMS(ref) amla " << amla.rmse_ratio() << ", fa_preload "
                << fa.rmse_ratio() << ", amla without compensation " << plain.rmse_ratio()
                << "; amla / fa " << ratio << ", uncompensated / fa "
                << plain.rmse_ratio() / fa.rmse_ratio());
    CHECK(ratio <= 1.25);
    // fp16 output: without compensation it is measurably worse (measured 1.70x), so the 1.25
    // bound above discriminates.
    if (out == "fp16") CHECK(plain.rmse_ratio() > 1.25 * fa.rmse_ratio());
  }
}

// ---- 2b. what the compensation is for ------------------------------------------------------

TEST_CASE(
    "without compensation amla's error is a bounded per-block bias: measurably above the "
    "compensated one on 8 blocks and not growing from 2 to 8 blocks",
    "[mla][amla]") {
  // K/V drift upward by 0.25 of a scaled score per 512-token block (with q of mean 1: 576 x
  // 1 x drift x 512 tokens / sqrt(576) = 0.25), so the running max keeps moving and cof with it.
  const double drift = 0.25 / (512 * 24);
  const std::string q = "q: {kind: normal, mean: 1, std: 1}, out_dtype: fp16, ";
  auto yaml = [&](std::uint64_t s_kv, bool compensation) {
    return kBase + q + "s_kv: " + std::to_string(s_kv) +
           ", compensation: " + (compensation ? "true" : "false") + ", kv: {kind: npy, path: " +
           write_kv_npy("drift_" + std::to_string(s_kv), s_kv, 0, drift) + "}";
  };
  const Run plain2 = simulate_in_child(yaml(1024, false), "bias_plain_1024");
  const Run plain8 = simulate_in_child(yaml(4096, false), "bias_plain_4096");
  const Run comp8 = simulate_in_child(yaml(4096, true), "bias_comp_4096");
  WARN("rmse / RMS(ref) without compensation: 2 blocks "
       << plain2.rmse_ratio() << ", 8 blocks " << plain8.rmse_ratio()
       << "; with compensation, 8 blocks " << comp8.rmse_ratio());
  for (const Run* r : {&plain2, &plain8, &comp8}) expect_passes(*r);
  // Each block's contribution keeps its own 1 / cof_j while L carries 1 / cof_last: a relative
  // error |cof_last / cof_j - 1| <= 2 u_bf16 = 2^-7 per block (AMLA.md §4.2), 16x fp16's
  // output roundoff, so it shows in an fp16 output (measured 1.83x).
  CHECK(plain8.rmse_ratio() > 1.5 * comp8.rmse_ratio());
  // The int32 rescales themselves are exact powers of two, so nothing compounds over blocks:
  // the bias stays within 2^-7 whatever the block count (measured 0.98x from 2 to 8 blocks;
  // AMLA.md §11.2's "error growing with block count" would give ~2x, sqrt(4) for a random walk
  // over 4x the rescales, 4x for a linear drift).
  CHECK(plain8.rmse_ratio() < 1.25 * plain2.rmse_ratio());
}

// ---- 3. exact zeros in O and the sanitiser -------------------------------------------------
//
// V columns 0-15 are +0.0 in every token, so O's columns 0-15 are exactly +0.0 after C2(0)'s
// plain write, and every later C2 adds +0.0 to them. R(k) adds N_int = (dN + eps) 2^23 to the
// int32 bits of O (AMLA.md §3-§4): on +0.0 (bits 0) that leaves the bits N_int itself. dN in
// [-30, -1] sets the sign bit and an exponent field of 226-255: -inf, NaN or a negative value of
// magnitude >= 2^99; dN = 0 with eps < 0 gives 0xFFFFFFxx, a NaN; only eps > 0 gives a harmless
// subnormal. The multiply F x 2^n the add stands for is exact only for normal F, and zero is
// not normal. V2's sanitiser zeroes |O| > 1e10 and NaN before O / L, which restores the exact 0
// these columns should hold.
namespace {
std::string zero_v_yaml(const std::string& name, bool sanitize) {
  // 4 blocks: three rescales, enough for the running max to move for many of the 256 rows.
  return kBase + "s_kv: 2048, sanitize: " + (sanitize ? "true" : "false") +
         ", kv: {kind: npy, path: " + write_kv_npy(name, 2048, 16) + "}";
}
}  // namespace

TEST_CASE("V columns 0-15 exactly zero without the sanitiser give amla non-finite outputs",
          "[mla][amla]") {
  const Run r = simulate_here(zero_v_yaml("zero_v_unsanitized", false));
  INFO("check " << r.check.extra.dump());
  CHECK(r.check.performed);
  CHECK_FALSE(r.check.passed);
  // Measured: 1328 of the 256 x 16 zero-column outputs; the other 496 columns stay finite.
  CHECK(nonfinite(r, 0, 16) > 0);
  CHECK(nonfinite(r, 16, kernels::kMlaDv) == 0);
  CHECK(r.check.extra["nonfinite_outputs"].get<std::uint64_t>() > 0);
}

TEST_CASE("V columns 0-15 exactly zero with the sanitiser give amla a passing check",
          "[mla][amla]") {
  const Run r = simulate_here(zero_v_yaml("zero_v_sanitized", true));
  expect_passes(r);
  CHECK(nonfinite(r) == 0);
}

// ---- 4. paged KV ----------------------------------------------------------------------------

TEST_CASE("paged KV (128-token pages) gives out bit-identical to contiguous KV", "[mla]") {
  // Two requests (so the block table interleaves their pages), one with a partial last page
  // (1032 = 8 x 128 + 8), on two cores.
  const std::string yaml = "name: amla, batch: 2, heads: 64, s_q: 2, cores: 2, s_kv: [1032, 768]";
  // The block table really moves pages: request 0's logical pages are not physical 0, 1, ...
  const auto root = config::ConfigNode::from_string("{" + yaml + ", page_size: 128}", "test");
  const kernels::MlaPlan plan =
      kernels::plan_mla(kernels::read_mla_params(root, kernels::MlaVariant::amla), hw910b2());
  std::uint64_t moved = 0;
  for (std::size_t i = 0; i < plan.requests[0].pages.size(); ++i)
    moved += plan.requests[0].pages[i] != i;
  CHECK(moved > 0);

  const Run contiguous = simulate_in_child(yaml + ", page_size: 0", "paged_contiguous");
  const Run paged = simulate_in_child(yaml + ", page_size: 128", "paged_paged");
  expect_passes(contiguous);
  expect_passes(paged);
  REQUIRE(contiguous.out.size() == paged.out.size());
  CHECK(contiguous.out == paged.out);
}

// ---- 5. requests of different lengths ---------------------------------------------------------

TEST_CASE(
    "requests of 1024 and 520 and 2048 KV tokens on two cores pass with one core running two "
    "requests back to back",
    "[mla]") {
  // 128 heads x 1 token = 128 rows: one row group per request. Blocks 2, 2 (512 + a masked
  // 8-token block) and 4; longest first: core 0 takes the 4-block request, core 1 the two
  // 2-block ones, so a row group ends and the next starts inside core 1's preload pipeline.
  const std::string yaml =
      "name: amla, batch: 3, heads: 128, s_q: 1, cores: 2, s_kv: [1024, 520, 2048]";
  const auto root = config::ConfigNode::from_string("{" + yaml + "}", "test");
  const kernels::MlaPlan plan =
      kernels::plan_mla(kernels::read_mla_params(root, kernels::MlaVariant::amla), hw910b2());
  REQUIRE(plan.cores.size() == 2);
  CHECK(plan.cores[0].tasks.size() == 4);
  CHECK(plan.cores[1].tasks.size() == 4);
  CHECK(plan.tasks() == 8);
  expect_passes(simulate_here(yaml));
}

// ---- 6. the ordering flag between the int32 rescale and the fp32 atomic add -----------------
//
// Found while writing this test: with the flags intact timing alone already orders R(k) before
// C2(k) in the preload pipeline. The AIC runs C1(k+1) between C2(k-1) and C2(k), and R(k)
// (8 atomic 32 KiB copies per AIV, ~2.4 us) starts when C2(k-1) lands, ~C1's 18,432 cube
// cycles before C2(k)'s first FixPipe. So removing v1r_c2 alone leaves every config tried
// (G 16-128, S_q 1-4, rows_per_task 32-256, batch 1-4, fp16, kv_prefetch off) passing. To show that
// the flag is what guarantees the order, both runs hold every R(k) back on its MTE3 by twice
// one task's cube work (2 x 34,816 cycles, AMLA.md §9): with the flag C2(k) waits for it, without
// it every FixPipe of C2(k) lands before R(k)'s int add, which then also scales block k's
// contribution by 2^dN.
TEST_CASE(
    "amla without the v1r_c2 flag and its rescales held back gives a wrong result while the same "
    "delays with the flag pass",
    "[mla][amla]") {
  const std::uint32_t delay = 2 * 34816;
  // 4 blocks: three rescales.
  const std::string yaml = kBase + "s_kv: 2048";
  std::uint64_t waits = 0, sets = 0;
  const Run broken = simulate_here(yaml, [&](isa::Program& p) {
    delay_rescales(p, delay);
    for (isa::CoreProgram& core : p.cores) {
      const bool aic = core.core.kind == isa::CoreKind::AIC;
      const isa::Opcode op = aic ? isa::Opcode::cross_core_wait : isa::Opcode::cross_core_set;
      auto& ins = core.instructions;
      const auto end = std::remove_if(ins.begin(), ins.end(), [&](const isa::Instruction& i) {
        return i.op == op && i.event_id == kernels::mla_sync::v1r_c2;
      });
      (aic ? waits : sets) += std::uint64_t(ins.end() - end);
      ins.erase(end, ins.end());
    }
  });
  // One wait per rescale (3) on the AIC; each of the two AIVs sets it once per rescale.
  CHECK(waits == 3);
  CHECK(sets == 6);
  INFO("broken: cycles " << broken.cycles << ", check " << broken.check.extra.dump());
  CHECK(broken.check.performed);
  CHECK_FALSE(broken.check.passed);
  // Wrong values, not garbage: block k's P V scaled by 2^dN (measured rmse / RMS(ref) 0.23
  // against the control's 0.002).
  CHECK(broken.check.extra["failures"].get<std::uint64_t>() > 0);
  CHECK(broken.check.extra["nonfinite_outputs"] == 0);

  const Run control = simulate_in_child(yaml, "flag_control", delay);
  expect_passes(control);
  // The control waited for the delayed rescales: the delay shows in its cycles.
  CHECK(control.cycles > broken.cycles);
}

// ---- 8. timing vs data, reproducibility -------------------------------------------------------

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE(
    "an amla run gives the same cycles timing-only as with data and two runs write "
    "byte-identical report.json",
    "[mla]") {
  using testing::run_cli;
  const std::string run = "run tests/data/cli/mla_small.yaml --quiet --out " + kTmp + "repro_";
  REQUIRE(run_cli(run + "a").exit_code == 0);
  REQUIRE(run_cli(run + "b").exit_code == 0);
  REQUIRE(run_cli(run + "timing --timing-only").exit_code == 0);
  const std::string a = slurp(kTmp + "repro_a/report.json");
  REQUIRE(!a.empty());
  CHECK(a == slurp(kTmp + "repro_b/report.json"));
  const Json functional = Json::parse(a);
  const Json timing = Json::parse(slurp(kTmp + "repro_timing/report.json"));
  CHECK(functional["check"]["performed"] == true);
  CHECK(functional["check"]["passed"] == true);
  CHECK(timing["check"]["performed"] == false);
  CHECK(functional["cycles"] == timing["cycles"]);
  CHECK(functional["pipes"] == timing["pipes"]);
  CHECK(functional["hbm"] == timing["hbm"]);
}
