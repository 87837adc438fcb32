#pragma once
// Everything a run counts. Owned by the chip model (one PipeStats per core x pipe, filled in
// as work finishes, never per cycle); read by the report writers. Derived figures
// (utilization, bandwidth) are computed at report time from these counters.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/isa/pipe.hpp"
#include "sim/numeric/dtype.hpp"

namespace ascendsim::report {

// Why a pipe (or the scalar issue unit) could not make progress.
enum class StallCause : std::uint8_t {
  flag_s, flag_v, flag_m, flag_mte1, flag_mte2, flag_mte3, flag_fix,  // wait_flag from pipe X
  cross_core,   // cross_core_wait
  barrier,      // pipe_barrier (scalar unit)
  queue_full,   // scalar unit: target pipe queue full
  memory,       // transfer took longer than unloaded: shared L2/HBM/port contention
};
inline constexpr int kStallCauseCount = int(StallCause::memory) + 1;
std::string_view stall_cause_name(StallCause c);  // "flag_mte2", "cross_core", ...
StallCause flag_stall_from(isa::Pipe source);

struct PipeStats {
  std::uint64_t instructions = 0;
  std::uint64_t busy_cycles = 0;  // executing, at unloaded speed
  std::array<std::uint64_t, kStallCauseCount> stall_cycles{};
  std::uint64_t bytes_read = 0;   // by this pipe, from its source buffer
  std::uint64_t bytes_written = 0;
  numeric::NumericEvents numeric;
};

// Per-core cube/vector work, FLOPs by input dtype (a MAC counts 2).
// A phase of a kernel (isa::phase_of its regions) on one core: from the first of its
// instructions starting to the last one finishing, over `occurrences` regions; the HBM bytes
// its transfers caused as they were issued (misses read, write-backs of evicted lines).
struct PhaseSpan {
  std::uint64_t start = UINT64_MAX, end = 0;
  std::uint64_t occurrences = 0;
  std::uint64_t hbm_bytes = 0;
};

struct CoreStats {
  isa::CoreId core;
  std::array<PipeStats, isa::kPipeCount> pipes{};  // indexed by isa::Pipe (S is the scalar unit)
  std::map<numeric::DType, std::uint64_t> cube_flops;
  std::map<numeric::DType, std::uint64_t> vector_elements;  // elements processed by V, by dtype
  std::uint64_t vector_repeats = 0;
  // V busy cycles by the widest operand's type (the one that sets the repeat count: an fp16
  // repeat holds twice fp32's elements)
  std::map<numeric::DType, std::uint64_t> vector_cycles;
  std::uint64_t end_cycle = 0;    // when this core's last instruction finished
  std::map<std::string, PhaseSpan> phases;  // by phase name (pipes V, MTE*, M, FIX; not S)
};

struct MemoryStats {
  std::uint64_t hbm_read_bytes = 0, hbm_write_bytes = 0;
  std::uint64_t l2_read_hits = 0, l2_read_misses = 0;    // in lines
  std::uint64_t l2_write_hits = 0, l2_write_misses = 0;  // in lines
  std::uint64_t l2_writebacks = 0;                        // dirty lines evicted to HBM
  std::uint64_t die_link_bytes = 0;
  std::uint64_t atomic_bytes = 0;
};

// First instruction that produced a numeric event, so a user can find where a kernel overflowed.
struct FirstNumericEvent {
  bool seen = false;
  isa::CoreId core;
  std::uint64_t instruction_index = 0;
  std::uint64_t cycle = 0;
  std::string what;    // "overflow in vexp (fp16)"
  std::string region;  // the kernel's isa::Region label of the instruction ("" if none)
};

struct Stats {
  std::uint64_t cycles = 0;  // chip: when the last core finished
  std::vector<CoreStats> cores;
  std::vector<MemoryStats> dies;  // one per die
  FirstNumericEvent first_numeric_event;  // of any kind (often an underflow in exp)
  FirstNumericEvent first_overflow;       // the first overflow to infinity
  // numeric events summed per (pipe name, opcode name) for the report
  std::map<std::string, numeric::NumericEvents> numeric_by_instruction;
  // numeric events of instructions writing GM, by the GM tensor written ("ws_s": S leaving the
  // Cube), so a kernel's report can tell which intermediate overflowed; every tensor is listed
  std::map<std::string, numeric::NumericEvents> numeric_by_tensor;
  // Flags set more often than waited for and half-filled cross-core barriers at the end of the
  // run: legal for the simulator, but hardware requires set/wait pairs (reported as notes).
  std::vector<std::string> unbalanced_sync;
};

}  // namespace ascendsim::report
