// The msprof-style CSVs and write_report_files. Column definitions are in docs/REPORT.md.
// Cells: integers as integers, ratios and rates as dump_json prints doubles; an empty cell
// means "does not apply" (a pipe the core kind lacks and did not use) or "undefined" (a hit
// rate with no accesses). Rows are sorted by core (die, AIC before AIV, index).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/report/writers.hpp"

namespace ascendsim::report {
namespace {

using isa::CoreKind;
using isa::Pipe;
using numeric::DType;

std::string cell(double v) { return std::isfinite(v) ? dump_json(Json(v)) : std::string(); }
std::string cell(std::uint64_t v) { return std::to_string(v); }
double ratio(double num, double den) { return num == 0 ? 0.0 : num / den; }

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string text() const {
    std::string out;
    auto line = [&out](const std::vector<std::string>& cells) {
      for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
      out += "\n";
    };
    line(header);
    for (const auto& r : rows) line(r);
    return out;
  }
};

// Figures every table needs, fixed once per run.
struct Context {
  const config::HardwareConfig& hw;
  const Stats& stats;
  double cycles;
  double seconds;
  std::vector<const CoreStats*> cores;  // sorted

  explicit Context(const RunSummary& run)
      : hw(*run.hw),
        stats(run.stats),
        cycles(double(run.stats.cycles)),
        seconds(double(run.stats.cycles) / run.hw->clock_hz) {
    for (const auto& c : stats.cores) cores.push_back(&c);
    std::stable_sort(cores.begin(), cores.end(),
                     [](const CoreStats* a, const CoreStats* b) { return a->core < b->core; });
  }
  double us(std::uint64_t cyc) const { return double(cyc) / hw.clock_hz * 1e6; }
  double gbps(std::uint64_t bytes) const { return ratio(double(bytes), seconds) / 1e9; }
  // core, block_id (the AI core = AIC + its AIVs, chip-wide), sub_block_id (AIV within it)
  std::vector<std::string> key(const isa::CoreId& c) const {
    const std::uint32_t per = std::max<std::uint32_t>(hw.aiv_per_aic, 1);
    const std::uint64_t local = c.kind == CoreKind::AIC ? c.index : c.index / per;
    return {isa::core_name(c), cell(std::uint64_t(c.die) * hw.aic_per_die + local),
            c.kind == CoreKind::AIC ? std::string() : cell(std::uint64_t(c.index % per))};
  }
};

bool has_pipe(CoreKind k, Pipe p) {
  if (p == Pipe::S || p == Pipe::MTE2) return true;
  if (k == CoreKind::AIC) return p == Pipe::M || p == Pipe::MTE1 || p == Pipe::FIX;
  return p == Pipe::V || p == Pipe::MTE3;
}
bool idle(const PipeStats& p) {
  return p.instructions == 0 && p.busy_cycles == 0 && p.bytes_read == 0 && p.bytes_written == 0;
}
// A cell for pipe p of core c: empty when the core kind has no such pipe and it stayed idle.
bool applies(const CoreStats& c, Pipe p) {
  return has_pipe(c.core.kind, p) || !idle(c.pipes[int(p)]);
}

struct PipeColumn {
  Pipe pipe;
  const char* prefix;
};
constexpr PipeColumn kPipeColumns[] = {{Pipe::M, "aic_cube"},     {Pipe::V, "aiv_vec"},
                                       {Pipe::S, "scalar"},       {Pipe::MTE1, "aic_mte1"},
                                       {Pipe::MTE2, "mte2"},      {Pipe::MTE3, "aiv_mte3"},
                                       {Pipe::FIX, "aic_fixpipe"}};

Table pipe_utilization(const Context& cx) {
  Table t;
  t.header = {"core", "block_id", "sub_block_id", "total_cycles", "time(us)", "end_cycle"};
  for (const auto& pc : kPipeColumns) {
    t.header.push_back(std::string(pc.prefix) + "_time(us)");
    t.header.push_back(std::string(pc.prefix) + "_ratio");
  }
  for (int s = 0; s < kStallCauseCount; ++s)
    t.header.push_back("stall_" + std::string(stall_cause_name(StallCause(s))) + "_cycles");
  for (const CoreStats* c : cx.cores) {
    auto row = cx.key(c->core);
    row.insert(row.end(),
               {cell(cx.stats.cycles), cell(cx.us(cx.stats.cycles)), cell(c->end_cycle)});
    for (const auto& pc : kPipeColumns) {
      const PipeStats& p = c->pipes[int(pc.pipe)];
      const bool on = applies(*c, pc.pipe);
      row.push_back(on ? cell(cx.us(p.busy_cycles)) : "");
      row.push_back(on ? cell(ratio(double(p.busy_cycles), cx.cycles)) : "");
    }
    for (int s = 0; s < kStallCauseCount; ++s) {
      std::uint64_t sum = 0;
      for (const auto& p : c->pipes) sum += p.stall_cycles[s];
      row.push_back(cell(sum));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table memory(const Context& cx) {
  struct Path {
    const char* name;
    Pipe pipe;
    bool written;  // bytes_written (else bytes_read)
  };
  const Path paths[] = {{"gm_to_l1", Pipe::MTE2, false},
                        {"l0c_to_gm_l1", Pipe::FIX, true},
                        {"gm_to_ub", Pipe::MTE2, false},
                        {"ub_to_gm", Pipe::MTE3, true}};
  const CoreKind path_kind[] = {CoreKind::AIC, CoreKind::AIC, CoreKind::AIV, CoreKind::AIV};
  const Pipe counted[] = {Pipe::MTE1, Pipe::MTE2, Pipe::MTE3, Pipe::FIX};
  Table t;
  t.header = {"core", "block_id", "sub_block_id"};
  for (const auto& p : paths) {
    t.header.push_back(std::string(p.name) + "_bytes");
    t.header.push_back(std::string(p.name) + "_bw(GB/s)");
  }
  for (Pipe p : counted) t.header.push_back(std::string(isa::pipe_name(p)) + "_instructions");
  for (const char* h : {"hbm_read_bytes", "hbm_read_bw(GB/s)", "hbm_write_bytes",
                        "hbm_write_bw(GB/s)", "hbm_bw_utilization"})
    t.header.push_back(h);

  std::vector<std::uint64_t> path_sum(4, 0), instr_sum(4, 0);
  for (const CoreStats* c : cx.cores) {
    auto row = cx.key(c->core);
    for (int i = 0; i < 4; ++i) {
      const PipeStats& ps = c->pipes[int(paths[i].pipe)];
      const std::uint64_t bytes = paths[i].written ? ps.bytes_written : ps.bytes_read;
      const bool on = c->core.kind == path_kind[i];
      if (on) path_sum[i] += bytes;
      row.push_back(on ? cell(bytes) : "");
      row.push_back(on ? cell(cx.gbps(bytes)) : "");
    }
    for (int i = 0; i < 4; ++i) {
      const bool on = applies(*c, counted[i]);
      if (on) instr_sum[i] += c->pipes[int(counted[i])].instructions;
      row.push_back(on ? cell(c->pipes[int(counted[i])].instructions) : "");
    }
    row.insert(row.end(), 5, "");
    t.rows.push_back(std::move(row));
  }
  std::uint64_t rd = 0, wr = 0;
  for (const auto& d : cx.stats.dies) {
    rd += d.hbm_read_bytes;
    wr += d.hbm_write_bytes;
  }
  std::vector<std::string> chip{"chip", "", ""};
  for (int i = 0; i < 4; ++i)
    chip.insert(chip.end(), {cell(path_sum[i]), cell(cx.gbps(path_sum[i]))});
  for (int i = 0; i < 4; ++i) chip.push_back(cell(instr_sum[i]));
  chip.insert(
      chip.end(),
      {cell(rd), cell(cx.gbps(rd)), cell(wr), cell(cx.gbps(wr)),
       cell(ratio(double(rd) + double(wr), cx.cycles * cx.hw.hbm.bytes_per_cycle * cx.hw.dies))});
  t.rows.push_back(std::move(chip));
  return t;
}

Table arithmetic(const Context& cx) {
  std::set<DType> cube_types, vec_types;
  for (const auto& [d, k0] : cx.hw.aic.cube.k0) cube_types.insert(d);
  vec_types.insert(cx.hw.aiv.vector.dtypes.begin(), cx.hw.aiv.vector.dtypes.end());
  for (const CoreStats* c : cx.cores) {
    for (const auto& [d, f] : c->cube_flops) cube_types.insert(d);
    for (const auto& [d, n] : c->vector_elements) vec_types.insert(d);
  }
  Table t;
  t.header = {"core", "block_id", "sub_block_id", "aic_cube_ratio", "aic_cube_fops"};
  for (DType d : cube_types)
    t.header.push_back("aic_cube_" + std::string(numeric::dtype_name(d)) + "_fops");
  t.header.insert(t.header.end(), {"aic_cube_instructions", "aiv_vec_ratio", "aiv_vec_elements"});
  for (DType d : vec_types)
    t.header.push_back("aiv_vec_" + std::string(numeric::dtype_name(d)) + "_elements");
  t.header.insert(t.header.end(), {"aiv_vec_repeats", "aiv_vec_instructions"});

  const double aics = std::max(1.0, double(cx.hw.total_aic()));
  for (const CoreStats* c : cx.cores) {
    auto row = cx.key(c->core);
    const bool cube = applies(*c, Pipe::M) || !c->cube_flops.empty();
    const bool vec = applies(*c, Pipe::V) || !c->vector_elements.empty();
    std::uint64_t flops = 0, elements = 0;
    double util = 0;
    for (const auto& [d, f] : c->cube_flops) {
      flops += f;
      util += ratio(double(f), cx.cycles * cx.hw.peak_flops_per_cycle(d) / aics);
    }
    for (const auto& [d, n] : c->vector_elements) elements += n;
    auto get = [](const std::map<DType, std::uint64_t>& m, DType d) {
      auto it = m.find(d);
      return it == m.end() ? std::uint64_t(0) : it->second;
    };
    row.push_back(cube ? cell(util) : "");
    row.push_back(cube ? cell(flops) : "");
    for (DType d : cube_types) row.push_back(cube ? cell(get(c->cube_flops, d)) : "");
    row.push_back(cube ? cell(c->pipes[int(Pipe::M)].instructions) : "");
    const PipeStats& v = c->pipes[int(Pipe::V)];
    row.push_back(vec ? cell(ratio(double(v.busy_cycles), cx.cycles)) : "");
    row.push_back(vec ? cell(elements) : "");
    for (DType d : vec_types) row.push_back(vec ? cell(get(c->vector_elements, d)) : "");
    row.push_back(vec ? cell(c->vector_repeats) : "");
    row.push_back(vec ? cell(v.instructions) : "");
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table l2_cache(const Context& cx) {
  Table t;
  t.header = {"die",           "read_hits",      "read_misses", "write_hits", "write_misses",
              "read_hit_rate", "write_hit_rate", "hit_rate",    "writebacks"};
  auto rate = [](std::uint64_t hits, std::uint64_t misses) {
    return cell(double(hits) / (double(hits) + double(misses)));  // no accesses: empty
  };
  for (std::size_t d = 0; d < cx.stats.dies.size(); ++d) {
    const MemoryStats& m = cx.stats.dies[d];
    t.rows.push_back({"die" + std::to_string(d), cell(m.l2_read_hits), cell(m.l2_read_misses),
                      cell(m.l2_write_hits), cell(m.l2_write_misses),
                      rate(m.l2_read_hits, m.l2_read_misses),
                      rate(m.l2_write_hits, m.l2_write_misses),
                      rate(m.l2_read_hits + m.l2_write_hits, m.l2_read_misses + m.l2_write_misses),
                      cell(m.l2_writebacks)});
  }
  return t;
}

// One event per line: small diffs, still valid JSON.
std::string trace_text(const Json& trace) {
  std::string out = "{\"traceEvents\": [\n";
  const Json& events = trace.at("traceEvents");
  for (std::size_t i = 0; i < events.size(); ++i)
    out += events[i].dump(-1, ' ', false, Json::error_handler_t::replace) +
           (i + 1 < events.size() ? ",\n" : "\n");
  out += "],\n\"displayTimeUnit\": \"ns\"}\n";
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) throw std::runtime_error("cannot write report file '" + path.string() + "'");
}

}  // namespace

void write_report_files(const RunSummary& run, const std::string& dir) {
  if (!run.hw) throw std::invalid_argument("write_report_files: RunSummary.hw is not set");
  const std::filesystem::path root(dir);
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) throw std::runtime_error("cannot create report directory '" + dir + "': " + ec.message());
  write_file(root / "report.json", dump_json(make_report_json(run)) + "\n");
  const Context cx(run);
  write_file(root / "PipeUtilization.csv", pipe_utilization(cx).text());
  write_file(root / "Memory.csv", memory(cx).text());
  write_file(root / "ArithmeticUtilization.csv", arithmetic(cx).text());
  write_file(root / "L2Cache.csv", l2_cache(cx).text());
  if (run.timeline.enabled) write_file(root / "trace.json", trace_text(make_chrome_trace(run)));
}

}  // namespace ascendsim::report
