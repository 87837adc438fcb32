// trace.json in Chrome trace-event format (ui.perfetto.dev, chrome://tracing, MindStudio Insight).
//
// Layout: a process per core (pid = 1 + the core's position in the chip: die-major, AICs then
// AIVs) named by its dotted name, a thread per pipe (tid = isa::Pipe index) named by the pipe;
// a process per die ("die0.hbm", pid after every core) carries the HBM bandwidth counter.
// Times are microseconds: ts = cycle / clock_hz * 1e6. Event order is fixed: metadata by
// (pid, tid), spans by (core, pipe, start, index), flows as s/f pairs, counters by (die, cycle),
// then the first-numeric-event and first-overflow instants (with the region). Only cores and pipes
// that appear in the timeline get a track.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "sim/report/writers.hpp"

namespace ascendsim::report {
namespace {

class TraceBuilder {
 public:
  explicit TraceBuilder(const config::HardwareConfig& hw) : hw_(hw) {}

  // cycle * 1e6 is exact below 2^53, so ts has a single rounding for an integral clock
  double ts(std::uint64_t cycle) const { return double(cycle) * 1e6 / hw_.clock_hz; }

  int pid(const isa::CoreId& c) {
    const int per_die = int(hw_.aic_per_die + hw_.aiv_per_die());
    const int slot = c.kind == isa::CoreKind::AIC ? c.index : int(hw_.aic_per_die) + c.index;
    const int id = 1 + int(c.die) * per_die + slot;
    names_[id] = isa::core_name(c);
    return id;
  }
  int die_pid(std::uint32_t die) {
    const int id = 1 + int(hw_.dies * (hw_.aic_per_die + hw_.aiv_per_die()) + die);
    names_[id] = "die" + std::to_string(die) + ".hbm";
    return id;
  }
  // A core x pipe track; registers its thread for the metadata block.
  Json at(const isa::CoreId& c, isa::Pipe p, std::uint64_t cycle) {
    const int id = pid(c);
    threads_.insert({id, int(p)});
    return Json{{"pid", id}, {"tid", int(p)}, {"ts", ts(cycle)}};
  }

  Json metadata() const {
    Json out = Json::array();
    for (const auto& [id, name] : names_) {
      out.push_back(meta("process_name", id, 0, {{"name", name}}));
      out.push_back(meta("process_sort_index", id, 0, {{"sort_index", id}}));
    }
    for (const auto& [id, tid] : threads_) {
      out.push_back(meta("thread_name", id, tid,
                         {{"name", std::string(isa::pipe_name(static_cast<isa::Pipe>(tid)))}}));
      out.push_back(meta("thread_sort_index", id, tid, {{"sort_index", tid}}));
    }
    return out;
  }

 private:
  static Json meta(const char* name, int id, int tid, Json args) {
    return Json{{"ph", "M"}, {"name", name}, {"pid", id}, {"tid", tid}, {"args", std::move(args)}};
  }

  const config::HardwareConfig& hw_;
  std::map<int, std::string> names_;
  std::set<std::pair<int, int>> threads_;
};

Json with(Json head, const Json& tail) {
  for (auto it = tail.begin(); it != tail.end(); ++it) head[it.key()] = it.value();
  return head;
}

}  // namespace

Json make_chrome_trace(const RunSummary& run) {
  if (!run.hw) throw std::invalid_argument("make_chrome_trace: RunSummary.hw is not set");
  TraceBuilder b(*run.hw);
  const Timeline& tl = run.timeline;
  Json events = Json::array();

  std::vector<const Span*> spans;
  for (const auto& s : tl.spans) spans.push_back(&s);
  std::stable_sort(spans.begin(), spans.end(), [](const Span* a, const Span* b) {
    return std::tie(a->core, a->pipe, a->start_cycle, a->index) <
           std::tie(b->core, b->pipe, b->start_cycle, b->index);
  });
  for (const Span* s : spans) {
    Json e = Json{{"ph", "X"},
                  {"name", std::string(isa::opcode_name(s->op))},
                  {"cat", std::string(isa::pipe_name(s->pipe))}};
    e = with(e, b.at(s->core, s->pipe, s->start_cycle));
    e["dur"] = b.ts(s->end_cycle - s->start_cycle);
    e["args"] = Json{{"index", s->index}, {"bytes", s->bytes}};
    // A mover's span is its issue; when the data lands (later) is an argument of the span.
    if (s->landed_cycle > s->end_cycle) e["args"]["landed_cycle"] = s->landed_cycle;
    events.push_back(std::move(e));
  }

  std::vector<const Flow*> flows;
  for (const auto& f : tl.flows) flows.push_back(&f);
  std::stable_sort(flows.begin(), flows.end(), [](const Flow* a, const Flow* b) {
    return std::tie(a->from_cycle, a->from_core, a->from_pipe, a->to_cycle, a->to_core,
                    a->to_pipe) <
           std::tie(b->from_cycle, b->from_core, b->from_pipe, b->to_cycle, b->to_core, b->to_pipe);
  });
  std::uint64_t id = 0;
  for (const Flow* f : flows) {
    ++id;
    const char* kind = f->cross_core ? "cross_core" : "flag";
    Json head = Json{{"name", kind}, {"cat", kind}, {"id", id}};
    Json start = with(head, b.at(f->from_core, f->from_pipe, f->from_cycle));
    start["ph"] = "s";
    Json finish = with(head, b.at(f->to_core, f->to_pipe, f->to_cycle));
    finish["ph"] = "f";
    finish["bp"] = "e";
    events.push_back(std::move(start));
    events.push_back(std::move(finish));
  }

  std::vector<const CounterSample*> samples;
  for (const auto& c : tl.hbm) samples.push_back(&c);
  std::stable_sort(samples.begin(), samples.end(),
                   [](const CounterSample* a, const CounterSample* b) {
                     return std::tie(a->die, a->cycle) < std::tie(b->die, b->cycle);
                   });
  for (const CounterSample* c : samples)
    events.push_back(Json{{"ph", "C"},
                          {"name", "hbm_gbps"},
                          {"pid", b.die_pid(c->die)},
                          {"tid", 0},
                          {"ts", b.ts(c->cycle)},
                          {"args", {{"gbps", c->hbm_gbps}}}});

  auto mark = [&](const FirstNumericEvent& first, const std::string& title) {
    if (!first.seen) return;
    Json e = Json{{"ph", "i"}, {"name", title + ": " + first.what}, {"s", "g"}};
    e = with(e, b.at(first.core, isa::Pipe::S, first.cycle));
    e["args"] = Json{{"instruction_index", first.instruction_index}};
    if (!first.region.empty()) e["args"]["region"] = first.region;
    events.push_back(std::move(e));
  };
  mark(run.stats.first_numeric_event, "first numeric event");
  const FirstNumericEvent& o = run.stats.first_overflow;
  const FirstNumericEvent& f = run.stats.first_numeric_event;
  if (!(o.core == f.core && o.instruction_index == f.instruction_index)) mark(o, "first overflow");

  Json all = b.metadata();
  for (auto& e : events) all.push_back(std::move(e));
  return Json{{"traceEvents", std::move(all)}, {"displayTimeUnit", "ns"}};
}

}  // namespace ascendsim::report
