#pragma once
// Tag state of one die's L2: set-associative, LRU, write-back, write-allocate. Only tags and
// dirty bits are kept; the data itself lives in GlobalMemory (the L2 is transparent, so data
// never differs between the two and a copy would only cost memory). A full-line write
// allocates without fetching; a partial-line write miss fetches the line first.
#include <cstdint>
#include <vector>

namespace ascendsim::models {

struct LineAccess {
  bool hit = false;
  bool fetch = false;      // a miss that reads the line from HBM
  bool writeback = false;  // a dirty victim was written back to HBM
};

class L2Tags {
 public:
  L2Tags(std::uint64_t bytes, std::uint32_t line_bytes, std::uint32_t ways);
  // Access the line holding `address`; `full_line_write` true when a write covers the line.
  LineAccess access(std::uint64_t address, bool write, bool full_line_write);
  std::uint32_t line_bytes() const { return line_bytes_; }
  std::uint64_t dirty_lines() const;

 private:
  std::uint32_t line_bytes_;
  int line_shift_;
  std::uint32_t ways_;
  std::uint64_t sets_;
  std::uint64_t stamp_ = 0;
  std::vector<std::uint64_t> tags_;   // sets x ways; kInvalid when empty
  std::vector<std::uint64_t> used_;   // LRU stamps
  std::vector<std::uint8_t> dirty_;
};

}  // namespace ascendsim::models
