#pragma once
// Tag state of one die's L2: set-associative, LRU, write-back, write-allocate. Only tags and
// dirty bits are kept; the data itself lives in GlobalMemory (the L2 is transparent, so data
// never differs between the two and a copy would only cost memory). A full-line write
// allocates without fetching; a partial-line write miss fetches the line first. Each line
// remembers when its fetch lands, so a second requester of a line still in flight waits for
// it (the merging an MSHR does) rather than hitting early.
//
// The set of a line is a hash of its address (per 32 KiB chunk), not the address modulo the set
// count.
// Real L2s spread addresses over slices and banks with hash functions (the Ascend one is not
// public, HARDWARE.md §8: an assumption); with a plain modulo, tensors laid out at a stride that
// is a multiple of the set count alias in lockstep (e.g. 24 cores streaming requests whose KV
// caches sit 18 MiB apart, all at the same block) and thrash a few sets while the rest of the
// L2 is idle, an artefact of the address layout rather than of the chip.
#include <cstdint>
#include <vector>

namespace ascendsim::models {

struct LineAccess {
  bool hit = false;
  bool fetch = false;      // a miss that reads the line from HBM
  bool writeback = false;  // a dirty victim was written back to HBM
  std::uint64_t slot = 0;  // where the line now lives (for set_ready)
  std::uint64_t ready_cycle = 0;  // a hit: when the line's data is in L2 (a fetch in flight)
};

class L2Tags {
 public:
  L2Tags(std::uint64_t bytes, std::uint32_t line_bytes, std::uint32_t ways);
  // Access the line holding `address`; `full_line_write` true when a write covers the line.
  LineAccess access(std::uint64_t address, bool write, bool full_line_write);
  // The line in `slot` holds its data from `cycle` on (its HBM fetch lands then). A later
  // request for it waits for that instead of hitting data that has not arrived.
  void set_ready(std::uint64_t slot, std::uint64_t cycle) { ready_[slot] = cycle; }
  std::uint32_t line_bytes() const { return line_bytes_; }
  std::uint64_t dirty_lines() const;
  // The set a line address maps to: each aligned chunk of kChunkLines lines (32 KiB of 512-B
  // lines) starts at a set given by a fixed 64-bit mixing hash of the chunk number, and its
  // lines take the sets that follow. Chunks land anywhere; lines of one chunk stay neighbours,
  // which keeps a streaming transfer's tag walk in the host's cache (a hash per line made the
  // tag walk a third of a GEMM's simulation time).
  std::uint64_t set_of(std::uint64_t line) const {
    std::uint64_t z = (line >> kChunkShift) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return ((z ^ (z >> 31)) + (line & (kChunkLines - 1))) % sets_;
  }
  static constexpr int kChunkShift = 6;
  static constexpr std::uint64_t kChunkLines = std::uint64_t(1) << kChunkShift;

 private:
  std::uint32_t line_bytes_;
  int line_shift_;
  std::uint32_t ways_;
  std::uint64_t sets_;
  std::uint64_t stamp_ = 0;
  std::vector<std::uint64_t> tags_;   // sets x ways; kInvalid when empty
  std::vector<std::uint64_t> used_;   // LRU stamps
  std::vector<std::uint8_t> dirty_;
  std::vector<std::uint64_t> ready_;  // cycle the line's data is present
};

}  // namespace ascendsim::models
