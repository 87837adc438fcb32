#include "models/chip/simulate.hpp"

#include <algorithm>

#include "models/chip/chip.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/isa/validate.hpp"

namespace ascendsim::models {

namespace {
std::vector<config::CorePortConfig> ports_for(const isa::Program& program,
                                              const config::HardwareConfig& hw) {
  std::vector<config::CorePortConfig> ports;
  for (const auto& cp : program.cores)
    ports.push_back(cp.core.kind == isa::CoreKind::AIC ? hw.aic.port : hw.aiv.port);
  return ports;
}
}  // namespace

struct ChipSimulation::Impl {
  Impl(isa::Program& program, const config::HardwareConfig& hw, const SimOptions& options)
      : memory(hw, ports_for(program, hw)),
        gm(program.tensors),
        ctx(hw, memory, gm, options.functional, result.stats, result.timeline,
            options.completed_instructions) {
    result.timeline.enabled = options.timeline;
    result.stats.cores.resize(program.cores.size());
    // every tensor listed, so "no event in ws_s" reads as 0 rather than as a missing key
    for (const auto& t : program.tensors) result.stats.numeric_by_tensor[t.name] = {};
    for (std::size_t i = 0; i < program.cores.size(); ++i)
      result.stats.cores[i].core = program.cores[i].core;
    chip = std::make_unique<Chip>("chip", ctx, program, result.stats.cores);
    if (options.timeline) memory.set_hbm_log(&hbm_log);
  }
  // The timeline's HBM counter: bytes per die in kCounterBins windows over the run.
  void bin_hbm_counter(std::uint64_t cycles, double clock_hz) {
    constexpr std::uint64_t kCounterBins = 256;
    const std::uint64_t window =
        std::max<std::uint64_t>(1, (cycles + kCounterBins - 1) / kCounterBins);
    const std::uint64_t bins = cycles / window + 1;
    std::vector<std::vector<double>> bytes(ctx.hw.dies, std::vector<double>(bins, 0.0));
    for (const auto& t : hbm_log) {  // spread evenly over the transfer's cycles
      const std::uint64_t end = std::max(t.end_cycle, t.start_cycle + 1);
      const double per_cycle = double(t.bytes) / double(end - t.start_cycle);
      for (std::uint64_t c = t.start_cycle; c < end;) {
        const std::uint64_t b = std::min(bins - 1, c / window);
        const std::uint64_t next = std::min((b + 1) * window, end);
        bytes[t.die][b] += per_cycle * double(next - c);
        c = next;
      }
    }
    for (std::uint32_t d = 0; d < ctx.hw.dies; ++d)
      for (std::uint64_t b = 0; b < bins; ++b)
        result.timeline.hbm.push_back(
            {d, b * window, bytes[d][b] / double(window) * clock_hz / 1e9});
  }
  std::vector<MemorySystem::HbmTransfer> hbm_log;
  SimResult result;
  MemorySystem memory;
  GlobalMemory gm;
  ChipContext ctx;
  std::unique_ptr<Chip> chip;
};

ChipSimulation::ChipSimulation(isa::Program& program, const config::HardwareConfig& hw,
                               const SimOptions& options) {
  isa::validate_program(program, hw);
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  impl_ = std::make_unique<Impl>(program, hw, options);
}

ChipSimulation::~ChipSimulation() = default;

void ChipSimulation::run_until(std::uint64_t cycle) {
  // sc_start(T) stops before the events at T; every event sits on a cycle boundary, so running
  // one picosecond past the boundary completes all of them (and no later one).
  const sc_core::sc_time target =
      impl_->ctx.clock.cycles(cycle) + sc_core::sc_time::from_value(1);
  if (target > sc_core::sc_time_stamp()) sc_core::sc_start(target - sc_core::sc_time_stamp());
  if (impl_->ctx.error) throw isa::SimulationError(*impl_->ctx.error);
}

std::uint64_t ChipSimulation::now_cycle() const { return impl_->ctx.clock.now(); }

std::uint64_t ChipSimulation::completed(const isa::CoreId& core, isa::Pipe pipe) const {
  for (const auto& die : impl_->chip->dies)
    for (const auto& c : die->cores)
      if (c->id() == core) return c->completed(pipe, impl_->ctx.clock.now());
  return 0;
}

SimResult ChipSimulation::finish() {
  ChipContext& ctx = impl_->ctx;
  // After run_until() everything may already be done; sc_start() with nothing to do warns.
  if (sc_core::sc_pending_activity() || sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME)
    sc_core::sc_start();
  if (ctx.error) throw isa::SimulationError(*ctx.error);
  report::Stats& stats = impl_->result.stats;
  for (const auto& c : stats.cores) stats.cycles = std::max(stats.cycles, c.end_cycle);
  const auto blocked = impl_->chip->blocked();
  if (!blocked.empty()) {
    std::string msg = "deadlock at cycle " + std::to_string(ctx.clock.now()) +
                      ": no pipe can make progress";
    for (const auto& line : blocked) msg += "\n  " + line;
    throw isa::SimulationError(msg);
  }
  const std::string overflow = impl_->chip->counter_overflow(ctx.clock.now());
  if (!overflow.empty()) throw isa::SimulationError(overflow);
  stats.unbalanced_sync = impl_->chip->unbalanced_sync(ctx);
  for (int p = 0; p < isa::kPipeCount; ++p)
    for (int op = 0; op < isa::kOpcodeCount; ++op)
      if (ctx.numeric_by_op[p][op].any())
        stats.numeric_by_instruction[std::string(isa::pipe_name(isa::Pipe(p))) + "." +
                                     std::string(isa::opcode_name(isa::Opcode(op)))] =
            ctx.numeric_by_op[p][op];
  impl_->memory.finish();
  stats.dies = impl_->memory.stats();
  if (impl_->result.timeline.enabled) impl_->bin_hbm_counter(stats.cycles, ctx.hw.clock_hz);
  return std::move(impl_->result);
}

SimResult simulate(isa::Program& program, const config::HardwareConfig& hw,
                   const SimOptions& options) {
  return ChipSimulation(program, hw, options).finish();
}

}  // namespace ascendsim::models
