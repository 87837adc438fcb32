#include "models/memory/memory_system.hpp"

#include <algorithm>

namespace ascendsim::models {

MemorySystem::MemorySystem(const config::HardwareConfig& hw,
                           const std::vector<config::CorePortConfig>& ports)
    : hw_(hw), stats_(hw.dies) {
  for (std::uint32_t d = 0; d < hw.dies; ++d)
    dies_.push_back(Die{L2Tags(hw.l2.bytes, hw.l2.line_bytes, hw.l2.ways),
                        BusyResource(hw.l2.read_bytes_per_cycle),
                        BusyResource(hw.l2.write_bytes_per_cycle),
                        BusyResource(hw.hbm.bytes_per_cycle)});
  ports_.reserve(ports.size());
  for (const auto& p : ports)
    ports_.push_back(Port{BusyResource(p.l2_read_bytes_per_cycle),
                          BusyResource(p.l2_write_bytes_per_cycle),
                          BusyResource(p.hbm_read_bytes_per_cycle),
                          BusyResource(p.hbm_write_bytes_per_cycle)});
  links_.assign(std::size_t(hw.dies) * hw.dies, BusyResource(hw.die_link.bytes_per_cycle));
}

MemorySystem::LineCounts MemorySystem::walk_lines(Die& die, const GmRange& range, bool write,
                                                  bool allow_full_line) {
  LineCounts n;
  fetched_.clear();
  const std::uint64_t line = die.tags.line_bytes();
  // Rows that follow each other without a gap are one run of bytes.
  const bool contiguous = range.stride_bytes == range.row_bytes;
  const std::uint64_t rows = contiguous ? 1 : range.rows;
  const std::uint64_t row_bytes = contiguous ? range.bytes() : range.row_bytes;
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::uint64_t begin = range.address + r * range.stride_bytes;
    const std::uint64_t end = begin + row_bytes;
    for (std::uint64_t a = begin - begin % line; a < end; a += line) {
      const bool full = allow_full_line && a >= begin && a + line <= end;
      const LineAccess la = die.tags.access(a, write, full);
      n.hits += la.hit;
      n.misses += !la.hit;
      n.writebacks += la.writeback;
      if (la.fetch) {
        ++n.fetches;
        fetched_.push_back(la.slot);
      }
      if (la.hit) n.latest_ready = std::max(n.latest_ready, la.ready_cycle);
    }
  }
  return n;
}

void MemorySystem::count(report::MemoryStats& st, const LineCounts& lines, GmOp op,
                         std::uint64_t bytes, std::uint64_t line) const {
  st.hbm_read_bytes += lines.fetches * line;
  st.hbm_write_bytes += lines.writebacks * line;
  st.l2_writebacks += lines.writebacks;
  if (op == GmOp::read) {
    st.l2_read_hits += lines.hits;
    st.l2_read_misses += lines.misses;
  } else {
    st.l2_write_hits += lines.hits;
    st.l2_write_misses += lines.misses;
  }
  if (op == GmOp::atomic_add) st.atomic_bytes += bytes;
}

TransferTiming MemorySystem::access(std::size_t port, std::uint32_t core_die,
                                    std::uint64_t now_cycle, const GmRange& range, GmOp op,
                                    std::uint32_t setup_cycles, double path_bytes_per_cycle) {
  const std::uint32_t home = hw_.die_of_address(range.address);
  Die& die = dies_[home];
  const std::uint64_t bytes = range.bytes();
  // Which way the bytes move between core and L2 (port, die link): an atomic add only sends.
  // What the L2 itself does: an atomic add reads and writes the line in its adder.
  const bool to_core = op == GmOp::read;
  const bool from_core = op != GmOp::read;
  const bool l2_reads = op != GmOp::write;
  const bool l2_writes = op != GmOp::read;
  const std::uint64_t line = die.tags.line_bytes();
  const LineCounts lines = walk_lines(die, range, l2_writes, op == GmOp::write);
  count(stats_[home], lines, op, bytes, line);
  const std::uint64_t fetch_bytes = lines.fetches * line;
  const std::uint64_t writeback_bytes = lines.writebacks * line;

  const Ticks ready = cycles_to_ticks(now_cycle + setup_cycles);
  const BusyResource path(path_bytes_per_cycle);  // the mover's own path is not shared
  Port& p = ports_[port];
  Ticks unloaded = path.service(bytes);
  Ticks end = ready + unloaded;
  auto use = [&](BusyResource& r, std::uint64_t n) {
    if (n != 0) end = std::max(end, r.acquire(ready, n));
  };
  // The issue side (the mover's path and the core's L2 port) decides when the mover may start
  // its next transfer; the far side (die L2, HBM, link) and the latency only when data lands.
  BusyResource& issue_port = to_core ? p.l2_read : p.l2_write;
  if (bytes != 0) unloaded = std::max(unloaded, issue_port.service(bytes));
  use(issue_port, bytes);
  const Ticks issue_end = end;
  if (l2_reads) use(die.l2_read, bytes);
  if (l2_writes) use(die.l2_write, bytes);
  use(p.hbm_read, fetch_bytes);
  use(p.hbm_write, writeback_bytes);
  use(die.hbm, fetch_bytes + writeback_bytes);
  std::uint64_t latency = hw_.l2.hit_latency_cycles;
  if (home != core_die) {
    // Data moves home -> core for a read, core -> home for a write or an atomic add.
    if (to_core) use(links_[std::size_t(home) * hw_.dies + core_die], bytes);
    if (from_core) use(links_[std::size_t(core_die) * hw_.dies + home], bytes);
    latency += hw_.die_link.latency_cycles;
    stats_[core_die].die_link_bytes += bytes;
  }
  const std::uint64_t hbm_latency = lines.fetches > 0 ? hw_.hbm.latency_cycles : 0;
  // The lines this access fetched are in L2 once their HBM data lands.
  const std::uint64_t landed = ticks_to_cycles_ceil(end) + hbm_latency;
  for (std::uint64_t slot : fetched_) die.tags.set_ready(slot, landed);

  TransferTiming t;
  t.end_cycle = std::max(landed, lines.latest_ready) + latency;
  t.issue_end_cycle = ticks_to_cycles_ceil(issue_end);
  t.issue_unloaded_cycles = setup_cycles + ticks_to_cycles_ceil(unloaded);
  if (hbm_log_ && fetch_bytes + writeback_bytes > 0)
    hbm_log_->push_back({home, now_cycle, t.end_cycle, fetch_bytes + writeback_bytes});
  return t;
}

void MemorySystem::finish() {
  for (std::size_t d = 0; d < dies_.size(); ++d) {
    const std::uint64_t dirty = dies_[d].tags.dirty_lines();
    stats_[d].hbm_write_bytes += dirty * dies_[d].tags.line_bytes();
  }
}

}  // namespace ascendsim::models
