// bench_sim_speed: how fast the simulator runs a whole-chip kernel (the `gemm` by default, any
// registered kernel with --kernel), measured against a bare SystemC event loop in the same process
// (so machine noise hits both alike).
//
// Sequence (one SystemC design per process):
//   1. build the kernel's program through the registry (timing-only unless --functional);
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
// data effects dominate and the GFLOP/s against plain Eigen fp32 GEMM is the figure to read: the
// gemm's own m x n x k, or for any other kernel the simulated cube FLOPs (all cores' mmads)
// priced at the Eigen GFLOP/s of kEigenShape.
//
// Output: readable lines, then one JSON line (the last line) for scripts.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/sim_speed_baselines.hpp"
#include "kernels/common/kernel.hpp"
#include "models/chip/simulate.hpp"
#include "models/core/clock_domain.hpp"
#include "models/core/systemc.hpp"
#include "sim/config/load_hardware.hpp"

namespace {

using ascendsim::bench::Clock;
using ascendsim::bench::peak_rss_mib;
using ascendsim::bench::seconds_since;
using Json = nlohmann::ordered_json;
namespace cfg = ascendsim::config;
namespace models = ascendsim::models;

struct GemmShape {
  std::uint64_t m, n, k;
};

// The Eigen shape a non-gemm kernel's cube FLOPs are priced at: one MLA task's C1, Q (256 rows:
// 128 heads x 2 query tokens) times K^T of one KV block (576 = 512 latent + 64 rope, 512 tokens).
constexpr GemmShape kEigenShape{256, 512, 576};

struct Options {
  std::string hw = ASCENDSIM_SOURCE_DIR "/configs/hw/ascend910b2.yaml";
  std::uint64_t m = 4096, n = 4096, k = 4096;
  std::string dtype = "bf16";
  std::uint32_t cores = 0;  // 0: every AIC
  std::string kernel;       // --kernel: a flow-YAML kernel node, replacing the gemm options
  std::string gemm_option;  // the first gemm-only option given, to refuse it beside --kernel
  bool functional = false;
  int eigen_reps = 3;                  // functional mode: best of this many Eigen timings
  int bare_reps = 5;                   // best of this many rounds of the bare loop (it is cheap)
  std::vector<std::string> overrides;  // --set key.path=value on the hardware file
};

const char* kUsage =
    "usage: bench_sim_speed [--hw FILE] [--m M] [--n N] [--k K] [--dtype bf16|fp16|int8]\n"
    "                       [--cores C] [--functional] [--eigen-reps R] [--bare-reps R]\n"
    "                       [--set KEY=VALUE]...\n"
    "       bench_sim_speed --kernel '{name: amla, batch: 96, s_q: 2, s_kv: 4096}' [--hw FILE]\n"
    "                       [--functional] [--eigen-reps R] [--bare-reps R] [--set KEY=VALUE]...\n"
    "  --kernel takes a run file's kernel node (any registered kernel) instead of the gemm\n"
    "  options --m/--n/--k/--dtype/--cores (put cores: C inside the node).\n";

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    const bool gemm_only =
        a == "--m" || a == "--n" || a == "--k" || a == "--dtype" || a == "--cores";
    if (gemm_only && o.gemm_option.empty()) o.gemm_option = a;
    if (a == "--hw")
      o.hw = value();
    else if (a == "--kernel")
      o.kernel = value();
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
  if (!o.kernel.empty() && !o.gemm_option.empty())
    throw std::invalid_argument(
        "--kernel and " + o.gemm_option +
        " exclude each other: --m/--n/--k/--dtype/--cores shape the "
        "default gemm; with --kernel put the shape (and cores:) in its node");
  return o;
}

// The kernel node: --kernel as given, or the gemm of --m/--n/--k/--dtype/--cores.
cfg::ConfigNode kernel_node(const Options& o) {
  if (!o.kernel.empty()) {
    cfg::ConfigNode node = cfg::ConfigNode::from_string(o.kernel, "--kernel");
    if (!node.is_map())
      throw std::invalid_argument(
          "--kernel takes a kernel node in flow YAML, such as "
          "'{name: amla, batch: 8, s_kv: 4096}'; got '" +
          o.kernel + "'");
    return node;
  }
  std::string yaml = "name: gemm\nm: " + std::to_string(o.m) + "\nn: " + std::to_string(o.n) +
                     "\nk: " + std::to_string(o.k) + "\ndtype: " + o.dtype + "\n";
  if (o.dtype == "int8") yaml += "out_dtype: int32\ntile: {m: 128, n: 256, k: 128, l1_k: 256}\n";
  if (o.cores) yaml += "cores: " + std::to_string(o.cores) + "\n";
  return cfg::ConfigNode::from_string(yaml, "<bench_sim_speed>");
}

int run(const Options& o) {
  const cfg::HardwareConfig hw = cfg::load_hardware_file(o.hw, o.overrides);
  const bool gemm = o.kernel.empty();
  const cfg::ConfigNode node = kernel_node(o);
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
  ascendsim::bench::BareLoop bare("bare", threads, bare_total, clock.cycles(1));
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
  std::uint64_t cube_flops = 0;  // every core's mmads, all input types
  for (const auto& core : result.stats.cores)
    for (const auto& [dtype, f] : core.cube_flops) cube_flops += f;
  // The functional yardstick: the gemm's own problem, else the cube FLOPs at kEigenShape.
  const GemmShape eigen_shape = gemm ? GemmShape{o.m, o.n, o.k} : kEigenShape;
  const double flops = gemm ? 2.0 * double(o.m) * double(o.n) * double(o.k) : double(cube_flops);

  Json j;
  j["bench"] = "sim_speed";
  j["hw"] = hw.name;
  j["hw_overrides"] = o.overrides;
  // Before every top-level figure: scripts/bench.sh reads the last "key": of a line, so a
  // kernel parameter must not shadow one.
  j["kernel"] = Json{{"name", kernel->name()}};
  j["kernel"].update(kernel->params());
  if (gemm) j["gemm"] = {{"m", o.m}, {"n", o.n}, {"k", o.k}, {"dtype", o.dtype}};
  j["functional"] = o.functional;
  j["cores"] = program.cores.size();
  j["instructions"] = instructions;
  j["cycles"] = result.stats.cycles;
  j["cube_flops"] = cube_flops;
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

  if (gemm)
    std::printf("gemm %llux%llux%llu %s", (unsigned long long)o.m, (unsigned long long)o.n,
                (unsigned long long)o.k, o.dtype.c_str());
  else
    std::printf("%s %s", kernel->name().c_str(), kernel->params().dump().c_str());
  std::printf(" on %s, %zu cores, %s\n", hw.name.c_str(), program.cores.size(),
              o.functional ? "functional" : "timing-only");
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
    const double eg =
        ascendsim::bench::eigen_gflops(eigen_shape.m, eigen_shape.n, eigen_shape.k, o.eigen_reps);
    const double sg = flops / sim_s / 1e9;
    j["check_passed"] = check.passed;
    j["check_max_rel_error"] = check.max_rel_error;
    j["check_s"] = check_s;
    j["sim_gflops"] = sg;
    j["eigen_shape"] = {{"m", eigen_shape.m}, {"n", eigen_shape.n}, {"k", eigen_shape.k}};
    j["eigen_fp32_gflops"] = eg;
    j["eigen_equivalent_s"] = flops / eg / 1e9;  // Eigen's wall time for the same FLOPs
    j["ratio_sim_over_eigen"] = sg / eg;
    std::printf("  check                %s (max rel error %.3g, %.2f s)\n",
                check.passed ? "passed" : "FAILED", check.max_rel_error, check_s);
    std::printf("  simulation GFLOP/s   %10.3f  (%s, %.3g FLOP)\n", sg,
                gemm ? "2mnk" : "cube FLOPs of every core", flops);
    std::printf(
        "  Eigen fp32 GFLOP/s   %10.3f  (%llux%llux%llu%s, best of %d; %.2f s for the same"
        " FLOPs)\n",
        eg, (unsigned long long)eigen_shape.m, (unsigned long long)eigen_shape.n,
        (unsigned long long)eigen_shape.k, gemm ? ", same shape" : "", o.eigen_reps,
        flops / eg / 1e9);
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
