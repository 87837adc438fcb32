#pragma once
// Runs one program on one chip: the whole SystemC lifetime of a process (SystemC elaborates a
// single design per process, so create one ChipSimulation per process).
#include <atomic>
#include <cstdint>
#include <memory>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/program.hpp"
#include "sim/report/stats.hpp"
#include "sim/report/timeline.hpp"

namespace ascendsim::models {

struct SimOptions {
  bool functional = true;  // false: timing only, no data effects (cycles are identical)
  bool timeline = false;   // record spans and flows for trace.json
  // Bumped once per finished instruction, for a progress display (may be null).
  std::atomic<std::uint64_t>* completed_instructions = nullptr;
};

struct SimResult {
  report::Stats stats;
  report::Timeline timeline;
};

class ChipSimulation {
 public:
  // Validates `program` against `hw` (isa::SimulationError if illegal) and elaborates the chip.
  // `program` must outlive this object; its tensors receive the final GM bytes.
  ChipSimulation(isa::Program& program, const config::HardwareConfig& hw,
                 const SimOptions& options);
  ~ChipSimulation();
  // Runs every event at a time <= `cycle` (so a transfer ending at `cycle` has completed).
  void run_until(std::uint64_t cycle);
  // Instructions of `core`'s `pipe` completed so far (a timing gate's observable).
  std::uint64_t completed(const isa::CoreId& core, isa::Pipe pipe) const;
  std::uint64_t now_cycle() const;
  // Runs to the end. Throws isa::SimulationError on an execution error or a deadlock (naming
  // every blocked pipe and what it waits for).
  SimResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ChipSimulation(program, hw, options).finish().
SimResult simulate(isa::Program& program, const config::HardwareConfig& hw,
                   const SimOptions& options);

}  // namespace ascendsim::models
