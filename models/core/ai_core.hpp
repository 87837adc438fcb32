#pragma once
// One AI core (an AIC or an AIV): a scalar unit that issues the core's program in order, one
// instruction per `issue_cycles`, into per-pipe in-order queues of `queue_depth` entries; and
// one SystemC thread per pipe that executes its queue head when that head's waits are met,
// with one wait() per instruction for its duration. S-pipe instructions (and pipe_barrier) run
// in the scalar unit itself, so a wait on S blocks issue.
//
// A GM transfer holds its pipe only while it is issued; its data lands later. A set_flag on the
// pipe waits for the pipe's copies into on-chip buffers to land (its GM writes have freed their
// sources once issued), a cross_core_set and a pipe_barrier for all of its transfers. The data
// effect of a transfer is applied when it is issued: a consumer that does not wait for the
// flags (a missing flag) therefore reads correct data early and only its timing is wrong.
//
// Abstracted away: instruction fetch (ICache), scalar address arithmetic (a kernel's scalar
// work is folded into issue_cycles), and dual issue.
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "models/chip/chip_context.hpp"
#include "models/core/counting_flag.hpp"
#include "models/core/systemc.hpp"
#include "models/units/functional.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::models {

class AiCore : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(AiCore);
  AiCore(const sc_core::sc_module_name& name, ChipContext& ctx, const isa::CoreProgram& program,
         report::CoreStats& stats, std::size_t memory_port);

  const isa::CoreId& id() const { return program_.core; }
  bool finished() const;
  // For a deadlock report: what each unfinished pipe (and the scalar unit) is waiting for.
  std::vector<std::string> blocked() const;
  // Cross-core flag counter `flag_id` of this core gets an increment visible at `a.visible_cycle`.
  void deliver_cross_core(std::uint8_t flag_id, const FlagArrival& a);
  // "" unless more than sync.max_counter increments of the flag are visible and untaken at
  // `cycle`: the hardware counter's limit. Checked at each take and at the end of the run.
  std::string counter_overflow(std::uint8_t flag_id, std::uint64_t cycle) const;
  std::size_t cross_flag_count() const { return cross_flags_.size(); }
  // Instructions of pipe p whose work is complete at `cycle`: executed, and for a transfer its
  // data landed (a mover issues its next transfer before the previous one lands).
  std::uint64_t completed(isa::Pipe p, std::uint64_t cycle) const;
  // Flags set more often than waited for, at the end of a run (HARDWARE.md §5: pairs).
  std::vector<std::string> unbalanced_flags() const;

 private:
  enum class Wait : std::uint8_t { none, queue_full, barrier, flag, cross_core };
  struct PipeState {
    std::deque<std::uint64_t> queue;  // instruction indices
    sc_core::sc_event pushed, popped, completed, flag_set;
    std::uint64_t issued = 0, done = 0;
    std::uint64_t current = 0;        // index at the head / being executed
    std::uint64_t landed = 0;         // cycle the last transfer it issued lands
    std::uint64_t landed_local = 0;   // ... of those that write an on-chip buffer
    std::vector<std::uint64_t> in_flight;  // landing cycles not yet passed (for completed())
    Wait waiting = Wait::none;
  };

  void scalar_thread();
  void pipe_thread(isa::Pipe p);
  // Runs a sync instruction on pipe p (S for the scalar unit); false if the run was stopped.
  void run_sync(isa::Pipe p, const isa::Instruction& ins, std::uint64_t index);
  // Waits until `flag` has a visible increment and takes it. `cross_flag_id` >= 0 names the
  // cross-core flag being taken, whose counter limit is then checked.
  void wait_counting(PipeState& st, CountingFlag& flag, sc_core::sc_event& ev, isa::Pipe p,
                     report::StallCause cause, int cross_flag_id = -1);
  void execute(isa::Pipe p, const isa::Instruction& ins, std::uint64_t index);
  // Starts a transfer: returns when its pipe may issue the next one; `landed` when its data is
  // all there (a flag set later on the pipe waits for that).
  std::uint64_t transfer(const isa::Instruction& ins, std::uint64_t& unloaded,
                         std::uint64_t& landed);
  // Holds pipe p until every transfer it issued has landed (`local_only`: every transfer into
  // an on-chip buffer; writes to GM count as done once issued).
  void wait_landed(isa::Pipe p, bool local_only);
  void apply(const isa::Instruction& ins, std::uint64_t index, isa::Pipe p);
  ResolvedTile resolve(const isa::TileView& v, const isa::Instruction& ins, std::uint64_t index);
  CountingFlag& flag(isa::Pipe src, isa::Pipe dst, std::uint8_t id);
  const CountingFlag& flag(isa::Pipe src, isa::Pipe dst, std::uint8_t id) const;
  void record_span(isa::Pipe p, const isa::Instruction& ins, std::uint64_t index,
                   std::uint64_t start, std::uint64_t end, std::uint64_t bytes,
                   std::uint64_t landed);
  std::string where(std::uint64_t index) const;
  void wait_cycles(std::uint64_t n) { if (n) wait(ctx_.clock.cycles(n)); }
  // Widens the phase span of instruction `index` (run on pipe p from `began` until now).
  void note_phase(isa::Pipe p, std::uint64_t index, std::uint64_t began);
  std::uint64_t hbm_bytes() const;  // HBM bytes read and written so far, every die

  ChipContext& ctx_;
  const isa::CoreProgram& program_;
  report::CoreStats& stats_;
  std::size_t port_;
  std::array<PipeState, isa::kPipeCount> pipes_;
  std::vector<CountingFlag> flags_;           // [src][dst][event id]
  std::vector<CountingFlag> cross_flags_;     // [flag id]
  sc_core::sc_event cross_flag_set_;
  std::uint64_t issued_ = 0;                  // scalar unit: instructions issued so far
  Wait scalar_waiting_ = Wait::none;
  std::array<std::vector<std::uint8_t>, isa::kBufferCount> local_;  // on-chip buffer bytes
  std::vector<report::PhaseSpan*> region_phase_;  // per region of the program: its phase's span
  std::array<std::size_t, isa::kPipeCount> region_cursor_{};  // per pipe: the current region
  std::array<std::uint64_t, isa::kPipeCount> phase_hbm_{};    // per pipe: HBM bytes to credit
};

}  // namespace ascendsim::models
