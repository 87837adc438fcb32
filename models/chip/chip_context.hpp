#pragma once
// What every core model shares: the hardware, the clock, the memory system, GM contents, the
// stats and timeline being filled, and the first error (models never exit; a failure stops
// the simulation and is rethrown by simulate()).
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/core/clock_domain.hpp"
#include "models/memory/global_memory.hpp"
#include "models/memory/memory_system.hpp"
#include "sim/config/hardware_config.hpp"
#include "sim/report/stats.hpp"
#include "sim/report/timeline.hpp"

namespace ascendsim::models {

class AiCore;

struct ChipContext {
  ChipContext(const config::HardwareConfig& hw_, MemorySystem& memory_, GlobalMemory& gm_,
              bool functional_, report::Stats& stats_, report::Timeline& timeline_,
              std::atomic<std::uint64_t>* progress_)
      : hw(hw_), clock(hw_.clock_hz), memory(memory_), gm(gm_), functional(functional_),
        stats(stats_), timeline(timeline_), progress(progress_) {}

  const config::HardwareConfig& hw;
  ClockDomain clock;
  MemorySystem& memory;
  GlobalMemory& gm;
  bool functional;
  report::Stats& stats;
  report::Timeline& timeline;
  std::atomic<std::uint64_t>* progress;  // may be null
  std::map<isa::CoreId, AiCore*> cores;  // programmed cores only
  // Cross-core groups, built once after elaboration (cross_core_hub.hpp): every programmed
  // core of a kind, and the programmed AIVs of each AI core keyed by (die, aic index).
  std::vector<AiCore*> all_aic, all_aiv;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<AiCore*>> aivs_of_aic;
  // Group barriers: per group and flag, the sets of each member not yet matched by the others.
  std::map<std::uint64_t, std::vector<std::uint32_t>> cross_core_counts;
  std::optional<std::string> error;
  // Numeric events per pipe and opcode; named ("v.vexp") into Stats once, after the run.
  std::array<std::array<numeric::NumericEvents, isa::kOpcodeCount>, isa::kPipeCount> numeric_by_op{};

  // Records the first error and stops the simulation.
  void fail(const std::string& message) {
    if (!error) error = message;
    sc_core::sc_stop();
  }
};

}  // namespace ascendsim::models
