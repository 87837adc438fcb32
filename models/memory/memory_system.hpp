#pragma once
// Timing of every GM access: per-die L2 (tags in L2Tags, bandwidth as busy-until resources for
// reads and writes), per-die HBM shared by all cores of the die, per-core caps (every byte at
// the core's L2 rate, the bytes that miss at its HBM rate), and a die-to-die link in each
// direction for addresses owned by another die.
//
// A transfer costs O(lines) plain C++ work for the tag lookups and no SystemC events. Its end:
//   landed = ready + max over resources (queueing + bytes / rate) (+ hbm.latency if a line missed)
//   end    = max(landed, the latest in-flight fetch of a line it hits)
//            + l2.hit_latency (+ die_link.latency if remote)
// and the lines it fetched are in L2 from `landed` on.
//
// Which resources an access uses, by direction of the bytes:
//   read        core port l2_read, die L2 read,          link home -> core
//   write       core port l2_write, die L2 write,        link core -> home
//   atomic_add  core port l2_write, die L2 read + write, link core -> home
// An atomic add is a read-modify-write done by the L2's own adder beside its banks: the core
// sends its operand once and nothing comes back, so it never holds the core's read port or the
// link towards the core, while the L2 both reads and writes the line. Its tag walk is a write
// that always fetches a missed line (the adder needs the old value, even for a full line).
//
// Each resource is reserved independently from `ready` (a pipelined flow through all of them);
// what this abstracts away: bank/channel interleaving inside HBM and L2, request-level
// reordering, and the fact that a long transfer shares a resource with a later short one
// instead of holding it first. Write-back traffic of evicted dirty lines is charged to the HBM
// reservation of the access that evicted them; dirty lines left at the end are flushed by
// finish() (counted as HBM writes, not timed), since a kernel's output must reach HBM.
#include <cstdint>
#include <vector>

#include "models/memory/busy_resource.hpp"
#include "models/memory/l2_tags.hpp"
#include "sim/config/hardware_config.hpp"
#include "sim/report/stats.hpp"

namespace ascendsim::models {

// The GM bytes one instruction touches: `rows` runs of `row_bytes`, `stride_bytes` apart.
struct GmRange {
  std::uint64_t address = 0;
  std::uint64_t rows = 1;
  std::uint64_t row_bytes = 0;
  std::uint64_t stride_bytes = 0;
  std::uint64_t bytes() const { return rows * row_bytes; }
};

// A mover keeps many requests in flight: it is occupied only while it issues a transfer (its
// own path and the core's L2 port, `issue_end_cycle`); the far side (die L2, HBM, link) and
// the latencies overlap its next transfer, and the data is there at `end_cycle`.
struct TransferTiming {
  std::uint64_t end_cycle = 0;              // when the data has fully arrived
  std::uint64_t issue_end_cycle = 0;        // when the mover may start its next transfer
  std::uint64_t issue_unloaded_cycles = 0;  // setup + the issue side alone, resources idle
};

enum class GmOp : std::uint8_t { read, write, atomic_add };

class MemorySystem {
 public:
  // `ports`: one per core that may access GM (dense index chosen by the chip), with its caps.
  MemorySystem(const config::HardwareConfig& hw, const std::vector<config::CorePortConfig>& ports);

  // A GM access by `port` (on die `core_die`) through a mover whose own path runs at
  // `path_bytes_per_cycle` after `setup_cycles`, issued at `now_cycle`.
  TransferTiming access(std::size_t port, std::uint32_t core_die, std::uint64_t now_cycle,
                        const GmRange& range, GmOp op, std::uint32_t setup_cycles,
                        double path_bytes_per_cycle);

  // With a log, every access that moves HBM bytes appends (die, its span, bytes): the
  // timeline's bandwidth counter is binned from it after the run.
  struct HbmTransfer {
    std::uint32_t die;
    std::uint64_t start_cycle, end_cycle;
    std::uint64_t bytes;
  };
  void set_hbm_log(std::vector<HbmTransfer>* log) { hbm_log_ = log; }

  // Flushes dirty L2 lines into the HBM write count (end of run).
  void finish();
  const std::vector<report::MemoryStats>& stats() const { return stats_; }

 private:
  struct Die {
    L2Tags tags;
    BusyResource l2_read, l2_write, hbm;
  };
  struct Port {
    BusyResource l2_read, l2_write, hbm_read, hbm_write;
  };
  struct LineCounts {
    std::uint64_t hits = 0, misses = 0, fetches = 0, writebacks = 0;
    std::uint64_t latest_ready = 0;  // of the lines hit while their fetch was in flight
  };
  LineCounts walk_lines(Die& die, const GmRange& range, bool write, bool allow_full_line);
  void count(report::MemoryStats& st, const LineCounts& lines, GmOp op, std::uint64_t bytes,
             std::uint64_t line) const;

  const config::HardwareConfig& hw_;
  std::vector<Die> dies_;
  std::vector<Port> ports_;
  std::vector<BusyResource> links_;   // [from * dies + to], the direction data moves
  std::vector<std::uint64_t> fetched_;  // scratch: slots of the lines the current access fetches
  std::vector<report::MemoryStats> stats_;
  std::vector<HbmTransfer>* hbm_log_ = nullptr;
};

}  // namespace ascendsim::models
