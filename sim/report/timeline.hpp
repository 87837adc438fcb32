#pragma once
// What `--trace` records for trace.json: one span per executed instruction, a flow per
// set/wait pair (intra- and cross-core), and HBM bandwidth samples. Recording is off unless
// asked for, so the hot path pays one branch.
#include <cstdint>
#include <vector>

#include "sim/isa/instruction.hpp"

namespace ascendsim::report {

struct Span {
  isa::CoreId core;
  isa::Pipe pipe;
  isa::Opcode op;
  std::uint64_t index;  // instruction index in the core's stream
  std::uint64_t start_cycle, end_cycle;  // a mover: while it issues the transfer
  std::uint64_t bytes = 0;  // moved, for MTE / FIX spans
  std::uint64_t landed_cycle = 0;  // a mover: when the data has arrived; else end_cycle
};

// A set -> wait hand-off: drawn as an arrow from the setter's span to the waiter's.
struct Flow {
  isa::CoreId from_core;
  isa::Pipe from_pipe;
  std::uint64_t from_cycle;
  isa::CoreId to_core;
  isa::Pipe to_pipe;
  std::uint64_t to_cycle;
  bool cross_core = false;
};

struct CounterSample {
  std::uint32_t die;
  std::uint64_t cycle;
  double hbm_gbps;  // HBM traffic of the die over the preceding window
};

struct Timeline {
  bool enabled = false;
  std::vector<Span> spans;
  std::vector<Flow> flows;
  std::vector<CounterSample> hbm;
};

}  // namespace ascendsim::report
