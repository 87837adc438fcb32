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
    ports_.push_back(Port{BusyResource(p.read_bytes_per_cycle), BusyResource(p.write_bytes_per_cycle)});
  links_.assign(std::size_t(hw.dies) * hw.dies, BusyResource(hw.die_link.bytes_per_cycle));
}

MemorySystem::LineCounts MemorySystem::walk_lines(Die& die, const GmRange& range, bool write,
                                                  bool allow_full_line) {
  LineCounts n;
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
      n.fetches += la.fetch;
      n.writebacks += la.writeback;
    }
  }
  return n;
}

TransferTiming MemorySystem::access(std::size_t port, std::uint32_t core_die,
                                    std::uint64_t now_cycle, const GmRange& range, GmOp op,
                                    std::uint32_t setup_cycles, double path_bytes_per_cycle) {
  const std::uint32_t home = hw_.die_of_address(range.address);
  Die& die = dies_[home];
  report::MemoryStats& st = stats_[home];
  const std::uint64_t bytes = range.bytes();
  const bool reads = op != GmOp::write;
  const bool writes = op != GmOp::read;

  const LineCounts lines = walk_lines(die, range, writes, op == GmOp::write);
  const std::uint64_t line = die.tags.line_bytes();
  const std::uint64_t hbm_bytes = (lines.fetches + lines.writebacks) * line;
  st.hbm_read_bytes += lines.fetches * line;
  st.hbm_write_bytes += lines.writebacks * line;
  st.l2_writebacks += lines.writebacks;
  if (writes) {
    st.l2_write_hits += lines.hits;
    st.l2_write_misses += lines.misses;
  } else {
    st.l2_read_hits += lines.hits;
    st.l2_read_misses += lines.misses;
  }
  if (op == GmOp::atomic_add) st.atomic_bytes += bytes;

  std::uint64_t latency = hw_.l2.hit_latency_cycles;
  if (lines.fetches > 0) latency += hw_.hbm.latency_cycles;
  const Ticks ready = cycles_to_ticks(now_cycle + setup_cycles);

  // Unloaded: the slowest resource alone. The mover's own path is not shared.
  const BusyResource path(path_bytes_per_cycle);
  Port& p = ports_[port];
  Ticks unloaded = path.service(bytes);
  if (reads) unloaded = std::max({unloaded, p.read.service(bytes), die.l2_read.service(bytes)});
  if (writes) unloaded = std::max({unloaded, p.write.service(bytes), die.l2_write.service(bytes)});
  unloaded = std::max(unloaded, die.hbm.service(hbm_bytes));

  // Loaded: every shared resource reserved from `ready`.
  Ticks end = ready + path.service(bytes);
  if (reads) {
    end = std::max(end, p.read.acquire(ready, bytes));
    end = std::max(end, die.l2_read.acquire(ready, bytes));
  }
  if (writes) {
    end = std::max(end, p.write.acquire(ready, bytes));
    end = std::max(end, die.l2_write.acquire(ready, bytes));
  }
  if (hbm_bytes > 0) end = std::max(end, die.hbm.acquire(ready, hbm_bytes));
  if (home != core_die) {
    BusyResource& link = links_[std::size_t(core_die) * hw_.dies + home];
    unloaded = std::max(unloaded, link.service(bytes));
    end = std::max(end, link.acquire(ready, bytes));
    latency += hw_.die_link.latency_cycles;
    stats_[core_die].die_link_bytes += bytes;
  }

  TransferTiming t;
  t.end_cycle = ticks_to_cycles_ceil(end) + latency;
  t.unloaded_cycles = setup_cycles + ticks_to_cycles_ceil(unloaded) + latency;
  return t;
}

void MemorySystem::finish() {
  for (std::size_t d = 0; d < dies_.size(); ++d) {
    const std::uint64_t dirty = dies_[d].tags.dirty_lines();
    stats_[d].hbm_write_bytes += dirty * dies_[d].tags.line_bytes();
  }
}

}  // namespace ascendsim::models
