// report.json (schema "ascendsim.report/1"): the run's counters plus the derived figures.
// Every field's definition is in docs/REPORT.md; keep the two in step. Derived ratios use
// `ratio`: 0/0 is 0 (no work in no time), x/0 is +inf and prints as null.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/report/writers.hpp"

namespace ascendsim::report {
namespace {

using numeric::DType;
using numeric::NumericEvents;

double ratio(double num, double den) { return num == 0 ? 0.0 : num / den; }

// The JSON value holds what the file will say: a non-finite double becomes null.
void null_non_finite(Json& j) {
  if (j.is_number_float() && !std::isfinite(j.get<double>())) j = nullptr;
  if (j.is_structured())
    for (auto& v : j) null_non_finite(v);
}

Json stall_json(const std::array<std::uint64_t, kStallCauseCount>& cycles) {
  Json j = Json::object();
  for (int c = 0; c < kStallCauseCount; ++c)
    j[std::string(stall_cause_name(static_cast<StallCause>(c)))] = cycles[c];
  return j;
}

Json events_json(const NumericEvents& e) {
  return Json{{"overflow", e.overflow},
              {"nan", e.nan},
              {"saturation", e.saturation},
              {"underflow", e.underflow}};
}

bool pipe_reported(const PipeStats& p) {
  if (p.instructions) return true;
  return std::any_of(p.stall_cycles.begin(), p.stall_cycles.end(),
                     [](std::uint64_t c) { return c != 0; });
}

std::vector<const CoreStats*> sorted_cores(const Stats& s) {
  std::vector<const CoreStats*> cores;
  for (const auto& c : s.cores) cores.push_back(&c);
  std::stable_sort(cores.begin(), cores.end(),
                   [](const CoreStats* a, const CoreStats* b) { return a->core < b->core; });
  return cores;
}

Json pipes_json(const std::vector<const CoreStats*>& cores) {
  Json arr = Json::array();
  for (const CoreStats* c : cores)
    for (int p = 0; p < isa::kPipeCount; ++p) {
      const PipeStats& ps = c->pipes[p];
      if (!pipe_reported(ps)) continue;
      arr.push_back(Json{{"core", isa::core_name(c->core)},
                         {"pipe", std::string(isa::pipe_name(static_cast<isa::Pipe>(p)))},
                         {"instructions", ps.instructions},
                         {"busy_cycles", ps.busy_cycles},
                         {"stall_cycles", stall_json(ps.stall_cycles)},
                         {"bytes_read", ps.bytes_read},
                         {"bytes_written", ps.bytes_written}});
    }
  return arr;
}

// "aic.m": stall cycles summed over every core of that kind, for pipes the pipes array lists.
Json stalls_json(const std::vector<const CoreStats*>& cores) {
  Json j = Json::object();
  for (isa::CoreKind kind : {isa::CoreKind::AIC, isa::CoreKind::AIV})
    for (int p = 0; p < isa::kPipeCount; ++p) {
      std::array<std::uint64_t, kStallCauseCount> sum{};
      bool reported = false;
      for (const CoreStats* c : cores) {
        if (c->core.kind != kind || !pipe_reported(c->pipes[p])) continue;
        reported = true;
        for (int s = 0; s < kStallCauseCount; ++s) sum[s] += c->pipes[p].stall_cycles[s];
      }
      if (!reported) continue;
      j[std::string(isa::core_kind_name(kind)) + "." +
        std::string(isa::pipe_name(static_cast<isa::Pipe>(p)))] = stall_json(sum);
    }
  return j;
}

bool ran_instructions(const CoreStats& c) {
  return std::any_of(c.pipes.begin(), c.pipes.end(),
                     [](const PipeStats& p) { return p.instructions != 0; });
}

// Cross-core waiting per core kind, averaged over the cores of that kind that ran anything (a
// core with no program would dilute the mean), and the cube's idle share over the same AICs.
// On a mix kernel an AIC waits cross-core only for its AIVs and vice versa, so the AIC figure
// reads "cube stalled on vector" and the AIV figure "vector stalled on cube".
Json sync_json(const std::vector<const CoreStats*>& cores, double cycles) {
  Json j = Json::object();
  double m_busy = 0, aics = 0;
  for (isa::CoreKind kind : {isa::CoreKind::AIC, isa::CoreKind::AIV}) {
    double wait = 0, n = 0;
    for (const CoreStats* c : cores) {
      if (c->core.kind != kind || !ran_instructions(*c)) continue;
      ++n;
      for (const PipeStats& p : c->pipes) wait += p.stall_cycles[int(StallCause::cross_core)];
      if (kind == isa::CoreKind::AIC) m_busy += c->pipes[int(isa::Pipe::M)].busy_cycles;
    }
    if (kind == isa::CoreKind::AIC) aics = n;
    const std::string k(isa::core_kind_name(kind));
    j[k + "_cross_core_wait_cycles"] = ratio(wait, n);
    j[k + "_cross_core_wait_share"] = ratio(wait, cycles * n);
  }
  // No AIC ran: there is no cube whose idleness could be measured.
  j["cube_idle_share"] = aics == 0 ? Json(nullptr) : Json(1.0 - ratio(m_busy, cycles * aics));
  return j;
}

// Each phase over every core: from its earliest start to its latest end; `count` is the most
// regions of it any core ran (the iterations, the KV blocks...), `cycles_each` the span / count;
// the HBM bytes its transfers caused, summed over the cores, and per occurrence.
Json phases_json(const std::vector<const CoreStats*>& cores) {
  std::map<std::string, PhaseSpan> all;
  for (const CoreStats* c : cores)
    for (const auto& [name, span] : c->phases) {
      PhaseSpan& a = all[name];
      a.start = std::min(a.start, span.start);
      a.end = std::max(a.end, span.end);
      a.occurrences = std::max(a.occurrences, span.occurrences);
      a.hbm_bytes += span.hbm_bytes;
    }
  Json j = Json::object();
  for (const auto& [name, a] : all) {
    if (a.start > a.end) continue;  // no instruction ran in it (only scalar-unit work)
    const double cycles = double(a.end - a.start);
    j[name] = Json{{"start", a.start},
                   {"end", a.end},
                   {"cycles", cycles},
                   {"count", a.occurrences},
                   {"cycles_each", cycles / double(a.occurrences)},
                   {"hbm_bytes", a.hbm_bytes},
                   {"hbm_bytes_each", double(a.hbm_bytes) / double(a.occurrences)}};
  }
  return j;
}

Json numeric_json(const Stats& s) {
  NumericEvents total;
  for (const auto& c : s.cores)
    for (const auto& p : c.pipes) total += p.numeric;
  Json by_instruction = Json::object();
  for (const auto& [name, events] : s.numeric_by_instruction)
    by_instruction[name] = events_json(events);
  Json by_tensor = Json::object();
  for (const auto& [name, events] : s.numeric_by_tensor) by_tensor[name] = events_json(events);
  auto first_json = [](const FirstNumericEvent& f) {
    if (!f.seen) return Json(nullptr);
    return Json{{"core", isa::core_name(f.core)},
                {"instruction_index", f.instruction_index},
                {"cycle", f.cycle},
                {"what", f.what},
                {"region", f.region.empty() ? Json(nullptr) : Json(f.region)}};
  };
  return Json{{"total", events_json(total)},
              {"by_instruction", by_instruction},
              {"by_tensor", by_tensor},
              {"first", first_json(s.first_numeric_event)},
              {"first_overflow", first_json(s.first_overflow)}};
}

}  // namespace

Json make_report_json(const RunSummary& run) {
  if (!run.hw) throw std::invalid_argument("make_report_json: RunSummary.hw is not set");
  const config::HardwareConfig& hw = *run.hw;
  const Stats& s = run.stats;
  const auto cores = sorted_cores(s);
  const double cycles = static_cast<double>(s.cycles);
  const double seconds = cycles / hw.clock_hz;

  // FLOPs by input dtype, and the utilization each dtype earns against its own peak.
  std::map<DType, std::uint64_t> flops_by_dtype;
  std::uint64_t flops = 0;
  for (const auto& c : s.cores)
    for (const auto& [dtype, f] : c.cube_flops) {
      flops_by_dtype[dtype] += f;
      flops += f;
    }
  DType peak_dtype = hw.peak_flops_per_cycle(DType::bf16) > 0 ? DType::bf16 : DType::fp16;
  std::uint64_t most = 0;
  double cube_utilization = 0;
  Json by_dtype = Json::object();
  for (const auto& [dtype, f] : flops_by_dtype) {
    by_dtype[std::string(numeric::dtype_name(dtype))] = f;
    if (f > most) {  // ties keep the earlier dtype in DType order
      most = f;
      peak_dtype = dtype;
    }
    cube_utilization += ratio(double(f), cycles * hw.peak_flops_per_cycle(dtype));
  }

  std::uint64_t vec_busy = 0;
  for (const auto& c : s.cores)
    if (c.core.kind == isa::CoreKind::AIV) vec_busy += c.pipes[int(isa::Pipe::V)].busy_cycles;
  const double aiv_cores = double(hw.dies) * hw.aiv_per_die();

  MemoryStats mem;
  for (const auto& d : s.dies) {
    mem.hbm_read_bytes += d.hbm_read_bytes;
    mem.hbm_write_bytes += d.hbm_write_bytes;
    mem.l2_read_hits += d.l2_read_hits;
    mem.l2_read_misses += d.l2_read_misses;
    mem.l2_write_hits += d.l2_write_hits;
    mem.l2_write_misses += d.l2_write_misses;
    mem.l2_writebacks += d.l2_writebacks;
    mem.die_link_bytes += d.die_link_bytes;
  }
  const double hbm_bytes = double(mem.hbm_read_bytes) + double(mem.hbm_write_bytes);
  const double l2_hits = double(mem.l2_read_hits) + double(mem.l2_write_hits);
  const double l2_accesses = l2_hits + double(mem.l2_read_misses) + double(mem.l2_write_misses);

  Json j;
  j["schema"] = "ascendsim.report/1";
  j["kernel"] = run.kernel;
  j["kernel_params"] = run.kernel_params;
  j["hardware"] = hw.name;
  j["timing_only"] = run.timing_only;
  j["cycles"] = s.cycles;
  j["clock_ghz"] = hw.clock_hz / 1e9;
  j["time_us"] = seconds * 1e6;
  j["flops"] = Json{{"total", flops}, {"by_dtype", by_dtype}};
  j["tflops"] = ratio(double(flops), seconds) / 1e12;
  j["peak_tflops"] = hw.peak_flops_per_cycle(peak_dtype) * hw.clock_hz / 1e12;
  j["peak_dtype"] = std::string(numeric::dtype_name(peak_dtype));
  j["cube_utilization"] = cube_utilization;
  j["vector_utilization"] = ratio(double(vec_busy), cycles * aiv_cores);
  Json vec_by_dtype = Json::object();
  std::map<DType, std::uint64_t> vec_cycles;
  for (const auto& c : s.cores)
    for (const auto& [dtype, n] : c.vector_cycles) vec_cycles[dtype] += n;
  for (const auto& [dtype, n] : vec_cycles)
    vec_by_dtype[std::string(numeric::dtype_name(dtype))] = n;
  j["vector_busy_cycles_by_dtype"] = vec_by_dtype;
  j["hbm"] =
      Json{{"read_bytes", mem.hbm_read_bytes},
           {"write_bytes", mem.hbm_write_bytes},
           {"total_bytes", mem.hbm_read_bytes + mem.hbm_write_bytes},
           {"bandwidth_gbps", ratio(hbm_bytes, seconds) / 1e9},
           {"bandwidth_utilization", ratio(hbm_bytes, cycles * hw.hbm.bytes_per_cycle * hw.dies)}};
  j["l2"] = Json{{"read_hits", mem.l2_read_hits},     {"read_misses", mem.l2_read_misses},
                 {"write_hits", mem.l2_write_hits},   {"write_misses", mem.l2_write_misses},
                 {"hit_rate", l2_hits / l2_accesses},  // no accesses: NaN -> null
                 {"writebacks", mem.l2_writebacks}};
  j["die_link_bytes"] = mem.die_link_bytes;
  j["pipes"] = pipes_json(cores);
  j["stalls"] = stalls_json(cores);
  j["sync"] = sync_json(cores, cycles);
  j["phases"] = phases_json(cores);
  j["numeric_events"] = numeric_json(s);
  j["check"] = run.check;
  if (run.model.present) {
    const ModelFigures& m = run.model;
    j["model"] = Json{{"cycles", m.cycles},
                      {"hbm_bytes", m.hbm_bytes},
                      {"bound", m.bound},
                      {"detail", m.detail},
                      {"cycles_rel_error", ratio(cycles - m.cycles, m.cycles)},
                      {"hbm_bytes_rel_error", ratio(hbm_bytes - m.hbm_bytes, m.hbm_bytes)}};
  } else {
    j["model"] = nullptr;
  }
  j["notes"] = run.notes;
  null_non_finite(j);
  return j;
}

}  // namespace ascendsim::report
