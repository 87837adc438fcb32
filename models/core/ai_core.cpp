#include "models/core/ai_core.hpp"

#include <utility>

#include "models/chip/cross_core_hub.hpp"

namespace ascendsim::models {

using isa::Opcode;
using isa::Pipe;
using report::StallCause;

AiCore::AiCore(const sc_core::sc_module_name& name, ChipContext& ctx,
               const isa::CoreProgram& program, report::CoreStats& stats,
               std::size_t memory_port)
    : sc_module(name),
      ctx_(ctx),
      program_(program),
      stats_(stats),
      port_(memory_port),
      flags_(std::size_t(isa::kPipeCount) * isa::kPipeCount * ctx.hw.core.event_ids),
      cross_flags_(ctx.hw.sync.max_flag_id + 1) {
  if (ctx.functional) {
    for (int b = 1; b < isa::kBufferCount; ++b) {
      const auto bytes = ctx.hw.buffer_bytes(id().kind, static_cast<isa::Buffer>(b));
      local_[b].assign(bytes, 0);
    }
  }
  for (const isa::Region& r : program.regions) {
    report::PhaseSpan& span = stats.phases[isa::phase_of(r.label)];
    ++span.occurrences;
    region_phase_.push_back(&span);  // map nodes do not move
  }
  SC_THREAD(scalar_thread);
  for (int p = 1; p < isa::kPipeCount; ++p) {
    const Pipe pipe = static_cast<Pipe>(p);
    const std::string thread = std::string(isa::pipe_name(pipe));
    sc_core::sc_spawn([this, pipe] { pipe_thread(pipe); }, thread.c_str());
  }
}

const CountingFlag& AiCore::flag(Pipe src, Pipe dst, std::uint8_t id) const {
  const std::size_t ids = ctx_.hw.core.event_ids;
  return flags_[(std::size_t(src) * isa::kPipeCount + std::size_t(dst)) * ids + id];
}

CountingFlag& AiCore::flag(Pipe src, Pipe dst, std::uint8_t id) {
  return const_cast<CountingFlag&>(std::as_const(*this).flag(src, dst, id));
}

std::string AiCore::where(std::uint64_t index) const {
  return isa::core_name(id()) + " instruction " + std::to_string(index) + " (" +
         std::string(isa::opcode_name(program_.instructions[index].op)) + ")";
}

void AiCore::scalar_thread() {
  const auto& instrs = program_.instructions;
  auto& scalar = stats_.pipes[int(Pipe::S)];
  for (std::uint64_t i = 0; i < instrs.size(); ++i) {
    const isa::Instruction& ins = instrs[i];
    wait_cycles(ctx_.hw.core.issue_cycles);
    if (ctx_.error) return;
    if (ins.pipe == Pipe::S || ins.op == Opcode::pipe_barrier) {
      pipes_[int(Pipe::S)].current = i;
      run_sync(Pipe::S, ins, i);
      if (ctx_.error) return;
      ++scalar.instructions;
      if (ctx_.progress) ctx_.progress->fetch_add(1, std::memory_order_relaxed);
      issued_ = i + 1;
      continue;
    }
    PipeState& st = pipes_[int(ins.pipe)];
    if (st.queue.size() >= ctx_.hw.core.queue_depth) {
      const std::uint64_t t0 = ctx_.clock.now();
      scalar_waiting_ = Wait::queue_full;
      while (st.queue.size() >= ctx_.hw.core.queue_depth) wait(st.popped);
      scalar_waiting_ = Wait::none;
      scalar.stall_cycles[int(StallCause::queue_full)] += ctx_.clock.now() - t0;
    }
    st.queue.push_back(i);
    ++st.issued;
    issued_ = i + 1;
    st.pushed.notify();
  }
  stats_.end_cycle = std::max(stats_.end_cycle, ctx_.clock.now());
}

void AiCore::wait_counting(PipeState& st, CountingFlag& f, sc_core::sc_event& ev, Pipe p,
                           StallCause cause, int cross_flag_id) {
  const std::uint64_t t0 = ctx_.clock.now();
  st.waiting = cause == StallCause::cross_core ? Wait::cross_core : Wait::flag;
  for (;;) {
    const std::uint64_t now = ctx_.clock.now();
    if (!f.empty() && f.front().visible_cycle <= now) break;
    if (f.empty()) wait(ev);
    else wait(ctx_.clock.cycles(f.front().visible_cycle - now));
  }
  st.waiting = Wait::none;
  if (cross_flag_id >= 0) {
    // Consuming never raises the count, so more than max_counter visible now means the counter
    // overflowed when the (max_counter + 1)-th set became visible.
    const std::string overflow = counter_overflow(std::uint8_t(cross_flag_id), ctx_.clock.now());
    if (!overflow.empty()) ctx_.fail(overflow);
  }
  const FlagArrival a = f.take();
  const std::uint64_t now = ctx_.clock.now();
  stats_.pipes[int(p)].stall_cycles[int(cause)] += now - t0;
  if (ctx_.timeline.enabled)
    ctx_.timeline.flows.push_back({a.from_core, a.from_pipe, a.set_cycle, id(), p, now,
                                   cause == StallCause::cross_core});
}

void AiCore::wait_landed(Pipe p, bool local_only) {
  const PipeState& st = pipes_[int(p)];
  const std::uint64_t now = ctx_.clock.now(), landed = local_only ? st.landed_local : st.landed;
  if (p == Pipe::S || landed <= now) return;
  wait_cycles(landed - now);
  stats_.pipes[int(p)].stall_cycles[int(StallCause::memory)] += landed - now;
}

void AiCore::run_sync(Pipe p, const isa::Instruction& ins, std::uint64_t index) {
  PipeState& st = pipes_[int(p)];
  const std::uint64_t now = ctx_.clock.now();
  switch (ins.op) {
    case Opcode::set_flag: {
      // A hand-off inside the core needs only the data this core reads in: what the pipe
      // copied into its buffers has landed, what it wrote to GM has left (been issued).
      wait_landed(p, /*local_only=*/true);
      const std::uint64_t at = ctx_.clock.now();
      CountingFlag& f = flag(ins.pipe, ins.peer, ins.event_id);
      f.set({at + ctx_.hw.core.flag_latency_cycles, id(), p, at});
      pipes_[int(ins.peer)].flag_set.notify(ctx_.clock.cycles(ctx_.hw.core.flag_latency_cycles));
      break;
    }
    case Opcode::wait_flag:
      wait_counting(st, flag(ins.peer, ins.pipe, ins.event_id), st.flag_set, p,
                    report::flag_stall_from(ins.peer));
      break;
    case Opcode::cross_core_set: {
      wait_landed(p, /*local_only=*/false);  // another core reads what was written: it must land
      const std::string err =
          cross_core_set(ctx_, id(), p, ins.mode, ins.event_id, ctx_.clock.now());
      if (!err.empty()) ctx_.fail(where(index) + ": " + err);
      break;
    }
    case Opcode::cross_core_wait:
      wait_counting(st, cross_flags_[ins.event_id], cross_flag_set_, p, StallCause::cross_core,
                    ins.event_id);
      break;
    case Opcode::pipe_barrier: {
      const std::uint64_t t0 = now;
      scalar_waiting_ = Wait::barrier;
      for (int q = 1; q < isa::kPipeCount; ++q) {
        if (ins.peer != Pipe::ALL && int(ins.peer) != q) continue;
        while (pipes_[q].done < pipes_[q].issued) wait(pipes_[q].completed);
        const std::uint64_t t = ctx_.clock.now();
        if (pipes_[q].landed > t) wait_cycles(pipes_[q].landed - t);
      }
      scalar_waiting_ = Wait::none;
      stats_.pipes[int(Pipe::S)].stall_cycles[int(StallCause::barrier)] += ctx_.clock.now() - t0;
      break;
    }
    case Opcode::nop:
      wait_cycles(ins.cycles);
      stats_.pipes[int(p)].busy_cycles += ins.cycles;
      break;
    default:
      ctx_.fail(where(index) + ": not an instruction the " + std::string(isa::pipe_name(p)) +
                " pipe can run");
  }
}

void AiCore::deliver_cross_core(std::uint8_t flag_id, const FlagArrival& a) {
  cross_flags_[flag_id].set(a);
  cross_flag_set_.notify(ctx_.clock.cycles(a.visible_cycle - ctx_.clock.now()));
}

std::string AiCore::counter_overflow(std::uint8_t flag_id, std::uint64_t cycle) const {
  const CountingFlag& f = cross_flags_[flag_id];
  const std::size_t limit = ctx_.hw.sync.max_counter;
  if (f.visible_at(cycle, limit) <= limit) return "";
  return isa::core_name(id()) + ": cross-core flag " + std::to_string(flag_id) + " held more than " +
         std::to_string(limit) + " sets at cycle " + std::to_string(f.visible_cycle(limit)) +
         " (the hardware counter limit): a producer runs too far ahead of its waits";
}

std::vector<std::string> AiCore::unbalanced_flags() const {
  std::vector<std::string> out;
  const std::string core = isa::core_name(id());
  for (int src = 0; src < isa::kPipeCount; ++src)
    for (int dst = 0; dst < isa::kPipeCount; ++dst)
      for (std::uint32_t e = 0; e < ctx_.hw.core.event_ids; ++e) {
        const CountingFlag& f = flag(Pipe(src), Pipe(dst), std::uint8_t(e));
        if (!f.empty())
          out.push_back(core + ": flag " + std::string(isa::pipe_name(Pipe(src))) + "->" +
                        std::string(isa::pipe_name(Pipe(dst))) + " event " + std::to_string(e) +
                        " set " + std::to_string(f.pending()) + " time(s) more than waited");
      }
  for (std::size_t id = 0; id < cross_flags_.size(); ++id)
    if (!cross_flags_[id].empty())
      out.push_back(core + ": cross-core flag " + std::to_string(id) + " holds " +
                    std::to_string(cross_flags_[id].pending()) + " set(s) never waited for");
  return out;
}

bool AiCore::finished() const {
  if (issued_ < program_.instructions.size()) return false;
  for (const auto& st : pipes_)
    if (st.done < st.issued) return false;
  return true;
}

}  // namespace ascendsim::models
