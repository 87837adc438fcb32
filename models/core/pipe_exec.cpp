// The pipe threads of AiCore: take the queue head, honour its waits, hold the pipe for the
// instruction's duration with one wait(), then apply the data effect and count it.
#include <algorithm>
#include <utility>

#include "models/core/ai_core.hpp"
#include "models/units/timing.hpp"
#include "sim/isa/sim_error.hpp"

namespace ascendsim::models {

using isa::Buffer;
using isa::Opcode;
using isa::Pipe;
using report::StallCause;

void AiCore::pipe_thread(Pipe p) {
  PipeState& st = pipes_[int(p)];
  for (;;) {
    while (st.queue.empty()) wait(st.pushed);
    const std::uint64_t index = st.queue.front();
    const std::uint64_t began = ctx_.clock.now();
    st.current = index;
    const isa::Instruction& ins = program_.instructions[index];
    if (isa::is_sync_op(ins.op)) {
      // A wait holds its queue entry until released; everything else leaves on start.
      run_sync(p, ins, index);
      st.queue.pop_front();
      st.popped.notify();
    } else if (ins.op == Opcode::nop) {
      st.queue.pop_front();
      st.popped.notify();
      run_sync(p, ins, index);
    } else {
      st.queue.pop_front();
      st.popped.notify();
      execute(p, ins, index);
    }
    if (ctx_.error) return;
    ++st.done;
    ++stats_.pipes[int(p)].instructions;
    if (ctx_.progress) ctx_.progress->fetch_add(1, std::memory_order_relaxed);
    stats_.end_cycle = std::max({stats_.end_cycle, ctx_.clock.now(), st.landed});
    // a phase spans its data and compute work: a flag reaching an idle pipe's head early
    // would open it before the work it orders
    if (!region_phase_.empty() && !isa::is_sync_op(ins.op)) note_phase(p, index, began);
    st.completed.notify();
  }
}

void AiCore::note_phase(Pipe p, std::uint64_t index, std::uint64_t began) {
  // A pipe runs its instructions in program order, so its region only moves forward.
  const auto& regions = program_.regions;
  std::size_t& r = region_cursor_[int(p)];
  while (r + 1 < regions.size() && regions[r + 1].first <= index) ++r;
  if (regions[r].first > index) return;  // before the first region
  report::PhaseSpan& span = *region_phase_[r];
  span.start = std::min(span.start, began);
  span.end = std::max({span.end, ctx_.clock.now(), pipes_[int(p)].landed});
  span.hbm_bytes += std::exchange(phase_hbm_[int(p)], 0);
}

std::uint64_t AiCore::hbm_bytes() const {
  std::uint64_t total = 0;
  for (const report::MemoryStats& d : ctx_.memory.stats())
    total += d.hbm_read_bytes + d.hbm_write_bytes;
  return total;
}

std::uint64_t AiCore::completed(Pipe p, std::uint64_t cycle) const {
  const PipeState& st = pipes_[int(p)];
  std::uint64_t pending = 0;
  for (std::uint64_t landed : st.in_flight) pending += landed > cycle;
  return stats_.pipes[int(p)].instructions - pending;
}

void AiCore::execute(Pipe p, const isa::Instruction& ins, std::uint64_t index) {
  report::PipeStats& ps = stats_.pipes[int(p)];
  const std::uint64_t start = ctx_.clock.now();
  std::uint64_t unloaded = 0, bytes = 0, landed = 0;
  if (ins.op == Opcode::mmad) {
    const std::uint32_t m = ins.src0.rows, k = ins.src0.cols, n = ins.src1.cols;
    unloaded = cube_cycles(ctx_.hw, m, n, k, ins.src0.dtype);
    wait_cycles(unloaded);
    stats_.cube_flops[ins.src0.dtype] += 2ull * m * n * k;
  } else if (isa::is_vector_op(ins.op)) {
    const bool scan = ins.op == Opcode::vscan;  // a chain of dependent ops, not one op
    const std::uint64_t repeats = scan ? scan_repeats(ctx_.hw, ins) : vector_repeats(ctx_.hw, ins);
    unloaded = scan ? scan_cycles(ctx_.hw, ins) : vector_cycles(ctx_.hw, ins.op, repeats);
    wait_cycles(unloaded);
    stats_.vector_repeats += repeats;
    stats_.vector_cycles[vector_width_type(ins)] += unloaded;
    // Elements processed: the source's for reductions (which write rows x 1), else the dst's.
    stats_.vector_elements[ins.dst.dtype] +=
        ins.src0.valid() ? std::max(ins.src0.elements(), ins.dst.elements()) : ins.dst.elements();
  } else {  // copy / fixpipe: the pipe is free once issued; its data lands at `landed`
    bytes = ins.dst.bytes();
    const std::uint64_t hbm_before = region_phase_.empty() ? 0 : hbm_bytes();
    const std::uint64_t issued = transfer(ins, unloaded, landed);
    if (!region_phase_.empty()) phase_hbm_[int(p)] += hbm_bytes() - hbm_before;
    wait_cycles(issued - start);
    PipeState& st = pipes_[int(p)];
    st.landed = std::max(st.landed, landed);
    if (ins.dst.buffer != Buffer::GM) st.landed_local = std::max(st.landed_local, landed);
    if (landed > ctx_.clock.now()) {
      const std::uint64_t now = ctx_.clock.now();  // forget what has landed, keep the rest
      st.in_flight.erase(std::remove_if(st.in_flight.begin(), st.in_flight.end(),
                                        [now](std::uint64_t c) { return c <= now; }),
                         st.in_flight.end());
      st.in_flight.push_back(landed);
    }
    ps.bytes_read += ins.src0.bytes();
    ps.bytes_written += bytes;
  }
  const std::uint64_t took = ctx_.clock.now() - start;
  ps.busy_cycles += unloaded;
  ps.stall_cycles[int(StallCause::memory)] += took - std::min(took, unloaded);
  // A mover's span is the time it issues the transfer (spans on one track must not overlap);
  // the data lands later, which its pipe's next set or barrier waits for.
  if (ctx_.timeline.enabled)
    record_span(p, ins, index, start, ctx_.clock.now(), bytes, std::max(landed, ctx_.clock.now()));
  if (ctx_.functional) apply(ins, index, p);
}

std::uint64_t AiCore::transfer(const isa::Instruction& ins, std::uint64_t& unloaded,
                              std::uint64_t& landed) {
  const config::MoverConfig& mover = mover_for(ctx_.hw, ins);
  const isa::TileView* gm = ins.dst.buffer == Buffer::GM   ? &ins.dst
                            : ins.src0.buffer == Buffer::GM ? &ins.src0
                                                            : nullptr;
  const std::uint64_t now = ctx_.clock.now();
  if (!gm) {
    unloaded = move_cycles(mover, ins.dst.bytes());
    landed = now + unloaded;
    return landed;
  }
  GmRange range;
  range.address = gm->offset;
  range.rows = gm->rows;
  range.row_bytes = numeric::dtype_bytes(gm->dtype, gm->cols);
  range.stride_bytes = numeric::dtype_bytes(gm->dtype, gm->stride());
  const GmOp op = gm == &ins.src0                    ? GmOp::read
                  : ins.has(isa::flag::atomic_add) ? GmOp::atomic_add
                                                   : GmOp::write;
  const TransferTiming t = ctx_.memory.access(port_, id().die, now, range, op,
                                              mover.setup_cycles, mover.bytes_per_cycle);
  unloaded = t.issue_unloaded_cycles;
  landed = t.end_cycle;
  return t.issue_end_cycle;
}

ResolvedTile AiCore::resolve(const isa::TileView& v, const isa::Instruction& ins,
                             std::uint64_t index) {
  (void)ins;
  ResolvedTile r;
  r.view = v;
  if (!v.valid()) return r;
  if (v.buffer == Buffer::GM) {
    r.data = ctx_.gm.resolve(v.offset, v.span_bytes());
  } else {
    auto& bytes = local_[int(v.buffer)];
    if (v.offset + v.span_bytes() <= bytes.size()) r.data = bytes.data() + v.offset;
  }
  if (!r.data)
    throw isa::SimulationError(where(index) + ": " + std::string(isa::buffer_name(v.buffer)) +
                               " bytes [" + std::to_string(v.offset) + ", " +
                               std::to_string(v.offset + v.span_bytes()) +
                               ") are outside every allocation");
  return r;
}

void AiCore::apply(const isa::Instruction& ins, std::uint64_t index, Pipe p) {
  numeric::NumericEvents ev;
  try {
    Operands ops{resolve(ins.dst, ins, index), resolve(ins.src0, ins, index),
                 resolve(ins.src1, ins, index), resolve(ins.src2, ins, index),
                 resolve(ins.src3, ins, index)};
    execute_functional(ins, ops, ev);
  } catch (const isa::SimulationError& e) {
    const std::string msg = e.what();
    ctx_.fail(msg.rfind(isa::core_name(id()), 0) == 0 ? msg : where(index) + ": " + msg);
    return;
  }
  if (!ev.any()) return;
  stats_.pipes[int(p)].numeric += ev;
  ctx_.numeric_by_op[int(p)][int(ins.op)] += ev;
  if (ins.dst.buffer == isa::Buffer::GM)
    if (const std::string* tensor = ctx_.gm.tensor_at(ins.dst.offset))
      ctx_.stats.numeric_by_tensor[*tensor] += ev;
  const char* kind = ev.overflow     ? "overflow"
                     : ev.nan        ? "NaN"
                     : ev.saturation ? "saturation"
                                     : "underflow";
  auto record = [&](report::FirstNumericEvent& first) {
    first.seen = true;
    first.core = id();
    first.instruction_index = index;
    first.cycle = ctx_.clock.now();
    first.what = std::string(kind) + " in " + std::string(isa::opcode_name(ins.op)) + " (" +
                 std::string(numeric::dtype_name(ins.dst.dtype)) + ")";
    const std::string* region = program_.region_of(index);
    first.region = region ? *region : std::string();
  };
  // Several cores can hit their first event in the same cycle: the earliest (cycle, core,
  // index) wins, not whichever process the scheduler ran first.
  const std::uint64_t now = ctx_.clock.now();
  auto earlier = [&](const report::FirstNumericEvent& f) {
    if (!f.seen || now != f.cycle) return !f.seen || now < f.cycle;
    return id() < f.core || (id() == f.core && index < f.instruction_index);
  };
  if (earlier(ctx_.stats.first_numeric_event)) record(ctx_.stats.first_numeric_event);
  if (ev.overflow && earlier(ctx_.stats.first_overflow)) record(ctx_.stats.first_overflow);
}

void AiCore::record_span(Pipe p, const isa::Instruction& ins, std::uint64_t index,
                         std::uint64_t start, std::uint64_t end, std::uint64_t bytes,
                         std::uint64_t landed) {
  ctx_.timeline.spans.push_back({id(), p, ins.op, index, start, end, bytes, landed});
}

std::vector<std::string> AiCore::blocked() const {
  std::vector<std::string> out;
  const std::string core = isa::core_name(id());
  auto describe = [&](Pipe p, std::uint64_t index, const char* state) {
    const isa::Instruction& ins = program_.instructions[index];
    std::string s = core + "." + std::string(isa::pipe_name(p)) + " at instruction " +
                    std::to_string(index) + " (" + std::string(isa::opcode_name(ins.op)) + "): ";
    if (ins.op == Opcode::wait_flag)
      s += "waiting for flag " + std::string(isa::pipe_name(ins.peer)) + "->" +
           std::string(isa::pipe_name(ins.pipe)) + " event " + std::to_string(ins.event_id);
    else if (ins.op == Opcode::cross_core_wait)
      s += "waiting for cross-core flag " + std::to_string(ins.event_id);
    else
      s += state;
    out.push_back(s);
  };
  if (issued_ < program_.instructions.size()) {
    const char* state = scalar_waiting_ == Wait::queue_full ? "issue blocked: queue full"
                        : scalar_waiting_ == Wait::barrier  ? "waiting at pipe_barrier"
                                                            : "not issued";
    describe(Pipe::S, issued_, state);
  }
  for (int q = 1; q < isa::kPipeCount; ++q) {
    const PipeState& st = pipes_[q];
    if (st.done < st.issued) describe(static_cast<Pipe>(q), st.current, "queued behind a wait");
  }
  return out;
}

}  // namespace ascendsim::models
