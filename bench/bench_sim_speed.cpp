// bench_sim_speed: how fast the simulator runs a whole-chip GEMM, measured against a bare
// SystemC event loop in the same process (so machine noise hits both alike).
//
// Sequence (one SystemC design per process):
//   1. build the `gemm` kernel's program through the registry (timing-only unless --functional);
//   2. elaborate the chip (models::ChipSimulation) and, beside it, BareLoop: `threads` SystemC
//      threads (cores x isa::kPipeCount: as many as the chip's scalar + pipe threads) that wait
//      on the event `start`, then do `wait(one clock period)` until E wake-ups are done in total;
//   3. sim.finish(): its sc_start() returns when the chip is done (the bare threads sit on
//      `start` and add no activity); timed;
//   4. start.notify(SC_ZERO_TIME) and sc_start() again, --bare-reps times: the bare loop alone;
//      the best round is kept (a round is ~10x cheaper than the chip run).
//
// E = 2 x instructions: the chip makes about two SystemC thread wake-ups per instruction (the
// scalar unit's issue wait and the pipe's one duration wait; flag waits add some, sync
// instructions none in the pipe: callgrind counts 1.91 coroutine switches per instruction on the
// 4096^3 GEMM), so both runs do the same amount of scheduling. The figure of merit is the cost
// of one simulated instruction in bare wake-ups:
//   bare_wakeups_per_instruction = (bare wake-ups/s) / (instructions/s)
// about 2 for a model doing nothing besides its waits; everything above that is model code.
// Its inverse, instructions/s / bare wake-ups/s, is printed as `ratio`. In --functional mode the
// data effects dominate and the GFLOP/s against plain Eigen fp32 GEMM is the figure to read.
//
// Output: readable lines, then one JSON line (the last line) for scripts.
#include <sys/resource.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "models/chip/simulate.hpp"
#include "models/core/clock_domain.hpp"
#include "models/core/systemc.hpp"
#include "sim/config/load_hardware.hpp"

namespace {

volatile float g_sink;  // results stored here stay observable: no timed work is elided

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;
namespace cfg = ascendsim::config;
namespace models = ascendsim::models;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;  // Linux: KiB
}

struct Options {
  std::string hw = ASCENDSIM_SOURCE_DIR "/configs/hw/ascend910b2.yaml";
  std::uint64_t m = 4096, n = 4096, k = 4096;
  std::string dtype = "bf16";
  std::uint32_t cores = 0;  // 0: every AIC
  bool functional = false;
  int eigen_reps = 3;                  // functional mode: best of this many Eigen GEMMs
  int bare_reps = 5;                   // best of this many rounds of the bare loop (it is cheap)
  std::vector<std::string> overrides;  // --set key.path=value on the hardware file
};

const char* kUsage =
    "usage: bench_sim_speed [--hw FILE] [--m M] [--n N] [--k K] [--dtype bf16|fp16|int8]\n"
    "                       [--cores C] [--functional] [--eigen-reps R] [--bare-reps R]\n"
    "                       [--set KEY=VALUE]...\n";

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--hw")
      o.hw = value();
    else if (a == "--m")
      o.m = std::stoull(value());
    else if (a == "--n")
      o.n = std::stoull(value());
    else if (a == "--k")
      o.k = std::stoull(value());
    else if (a == "--dtype")
      o.dtype = value();
    else if (a == "--cores")
      o.cores = static_cast<std::uint32_t>(std::stoul(value()));
    else if (a == "--functional")
      o.functional = true;
    else if (a == "--eigen-reps")
      o.eigen_reps = std::max(1, std::stoi(value()));
    else if (a == "--bare-reps")
      o.bare_reps = std::max(1, std::stoi(value()));
    else if (a == "--set")
      o.overrides.push_back(value());
    else
      throw std::invalid_argument("unknown argument " + a);
  }
  return o;
}

// `threads` SystemC threads sharing `total` wake-ups of one clock period each. Every round
// starts with `start` (notified from sc_main) and ends when sc_start() runs out of events; between
// rounds, and while the chip runs, the threads sit on `start` and add no activity.
class BareLoop : public sc_core::sc_module {
 public:
  sc_core::sc_event start;

  BareLoop(const sc_core::sc_module_name& name, std::uint64_t threads, std::uint64_t total,
           sc_core::sc_time period)
      : sc_module(name), period_(period) {
    for (std::uint64_t t = 0; t < threads; ++t) {
      const std::uint64_t n = total / threads + (t < total % threads ? 1 : 0);
      const std::string thread = "t" + std::to_string(t);
      sc_core::sc_spawn([this, n] { body(n); }, thread.c_str());
    }
  }
  std::uint64_t wakeups() const { return wakeups_; }

  // Wall seconds of one round (all `total` wake-ups).
  double round() {
    const auto t0 = Clock::now();
    start.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();
    return seconds_since(t0);
  }

 private:
  void body(std::uint64_t n) {
    for (;;) {
      sc_core::wait(start);
      for (std::uint64_t i = 0; i < n; ++i) {
        sc_core::wait(period_);
        ++wakeups_;
      }
    }
  }
  sc_core::sc_time period_;
  std::uint64_t wakeups_ = 0;
};

// Best GFLOP/s of `reps` plain fp32 Eigen GEMMs C = A * B of the benchmark's shape.
double eigen_gflops(std::uint64_t m, std::uint64_t n, std::uint64_t k, int reps) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  Eigen::MatrixXf a(m, k), b(k, n), c(m, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = u(rng);
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    c.noalias() = a * b;
    best = std::min(best, seconds_since(t0));
  }
  g_sink = c(0, 0);  // keep the product observable
  return 2.0 * double(m) * double(n) * double(k) / best / 1e9;
}

int run(const Options& o) {
  const cfg::HardwareConfig hw = cfg::load_hardware_file(o.hw, o.overrides);
  std::string yaml = "name: gemm\nm: " + std::to_string(o.m) + "\nn: " + std::to_string(o.n) +
                     "\nk: " + std::to_string(o.k) + "\ndtype: " + o.dtype + "\n";
  if (o.dtype == "int8") yaml += "out_dtype: int32\ntile: {m: 128, n: 256, k: 128, l1_k: 256}\n";
  if (o.cores) yaml += "cores: " + std::to_string(o.cores) + "\n";
  const cfg::ConfigNode node = cfg::ConfigNode::from_string(yaml, "<bench_sim_speed>");
  auto kernel = ascendsim::kernels::create_kernel(node);
  node.finish();

  auto t = Clock::now();
  ascendsim::isa::Program program = kernel->build(hw, o.functional);
  const double build_s = seconds_since(t);
  const std::uint64_t instructions = program.instruction_count();

  t = Clock::now();
  models::SimOptions sim_options;
  sim_options.functional = o.functional;
  models::ChipSimulation sim(program, hw, sim_options);
  const std::uint64_t threads = program.cores.size() * ascendsim::isa::kPipeCount;
  const std::uint64_t bare_total = 2 * instructions;
  const models::ClockDomain clock(hw.clock_hz);
  BareLoop bare("bare", threads, bare_total, clock.cycles(1));
  const double elaborate_s = seconds_since(t);

  t = Clock::now();
  const models::SimResult result = sim.finish();
  const double sim_s = seconds_since(t);

  double bare_s = 1e300;
  for (int r = 0; r < o.bare_reps; ++r) bare_s = std::min(bare_s, bare.round());
  if (bare.wakeups() != bare_total * std::uint64_t(o.bare_reps))
    throw std::runtime_error("bare loop did not finish");

  const double ips = double(instructions) / sim_s;
  const double wps = double(bare_total) / bare_s;
  const double sim_time_s = double(result.stats.cycles) / hw.clock_hz;
  const double flops = 2.0 * double(o.m) * double(o.n) * double(o.k);

  Json j;
  j["bench"] = "sim_speed";
  j["hw"] = hw.name;
  j["hw_overrides"] = o.overrides;
  j["gemm"] = {{"m", o.m}, {"n", o.n}, {"k", o.k}, {"dtype", o.dtype}};
  j["functional"] = o.functional;
  j["cores"] = program.cores.size();
  j["instructions"] = instructions;
  j["cycles"] = result.stats.cycles;
  j["build_s"] = build_s;
  j["elaborate_s"] = elaborate_s;
  j["sim_wall_s"] = sim_s;
  j["instructions_per_s"] = ips;
  j["bare_threads"] = threads;
  j["bare_wakeups"] = bare_total;
  j["bare_rounds"] = o.bare_reps;
  j["bare_wall_s"] = bare_s;
  j["bare_wakeups_per_s"] = wps;
  j["ratio_instr_per_s_over_wakeups_per_s"] = ips / wps;
  j["bare_wakeups_per_instruction"] = wps / ips;
  j["simulated_s"] = sim_time_s;
  j["simulated_over_wall"] = sim_time_s / sim_s;
  j["peak_rss_mib"] = peak_rss_mib();

  std::printf("gemm %llux%llux%llu %s on %s, %zu cores, %s\n", (unsigned long long)o.m,
              (unsigned long long)o.n, (unsigned long long)o.k, o.dtype.c_str(), hw.name.c_str(),
              program.cores.size(), o.functional ? "functional" : "timing-only");
  std::printf("  program build        %10.3f s\n", build_s);
  std::printf("  elaboration          %10.3f s\n", elaborate_s);
  std::printf("  instructions         %10llu\n", (unsigned long long)instructions);
  std::printf("  simulated cycles     %10llu  (%.3f ms simulated)\n",
              (unsigned long long)result.stats.cycles, sim_time_s * 1e3);
  std::printf("  simulation wall      %10.3f s\n", sim_s);
  std::printf("  instructions/s       %10.3e\n", ips);
  std::printf(
      "  bare loop            %llu wake-ups (2 x instructions) on %llu threads, %.3f s"
      " (best of %d)\n",
      (unsigned long long)bare_total, (unsigned long long)threads, bare_s, o.bare_reps);
  std::printf("  bare wake-ups/s      %10.3e\n", wps);
  std::printf("  ratio instr/s / wake-ups/s  %.3f  (one instruction costs %.2f bare wake-ups)\n",
              ips / wps, wps / ips);
  std::printf("  simulated / wall     %10.3e\n", sim_time_s / sim_s);
  if (o.functional) {
    t = Clock::now();
    const auto check = kernel->check(program);
    const double check_s = seconds_since(t);
    const double eg = eigen_gflops(o.m, o.n, o.k, o.eigen_reps);
    const double sg = flops / sim_s / 1e9;
    j["check_passed"] = check.passed;
    j["check_max_rel_error"] = check.max_rel_error;
    j["check_s"] = check_s;
    j["sim_gflops"] = sg;
    j["eigen_fp32_gflops"] = eg;
    j["ratio_sim_over_eigen"] = sg / eg;
    std::printf("  check                %s (max rel error %.3g, %.2f s)\n",
                check.passed ? "passed" : "FAILED", check.max_rel_error, check_s);
    std::printf("  simulation GFLOP/s   %10.3f\n", sg);
    std::printf("  Eigen fp32 GFLOP/s   %10.3f  (same m x n x k, best of %d)\n", eg, o.eigen_reps);
    std::printf("  ratio sim / Eigen    %10.3f\n", sg / eg);
  }
  j["peak_rss_mib"] = peak_rss_mib();
  std::printf("  peak RSS             %10.1f MiB\n", peak_rss_mib());
  std::cout << j.dump() << std::endl;
  return o.functional && !j["check_passed"].get<bool>() ? 1 : 0;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  try {
    return run(parse(argc, argv));
  } catch (const cfg::ConfigError& e) {
    std::cerr << "bench_sim_speed: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "bench_sim_speed: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_sim_speed: " << e.what() << "\n";
    return 3;
  }
}
