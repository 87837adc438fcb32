#pragma once
// What every core model shares: the hardware, the clock, the memory system, GM contents, the
// stats and timeline being filled, and the first error (models never exit; a failure stops
// the simulation and is rethrown by simulate()).
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/core/clock_domain.hpp"
#include "models/memory/global_memory.hpp"
#include "models/memory/memory_system.hpp"
#include "sim/config/hardware_config.hpp"
#include "sim/report/stats.hpp"
#include "sim/report/timeline.hpp"

namespace ascendsim::models {

class AiCore;

struct ChipContext {
  const config::HardwareConfig& hw;
  ClockDomain clock;
  MemorySystem& memory;
  GlobalMemory& gm;
  bool functional;
  report::Stats& stats;
  report::Timeline& timeline;
  std::atomic<std::uint64_t>* progress;  // may be null
  std::map<isa::CoreId, AiCore*> cores;  // programmed cores only
  std::map<std::uint64_t, std::uint32_t> cross_core_counts;  // group barriers: sets so far
  std::optional<std::string> error;

  // Records the first error and stops the simulation.
  void fail(const std::string& message) {
    if (!error) error = message;
    sc_core::sc_stop();
  }
};

}  // namespace ascendsim::models
