#include "models/memory/l2_tags.hpp"

#include <stdexcept>

namespace ascendsim::models {
namespace {
constexpr std::uint64_t kInvalid = ~std::uint64_t{0};

int log2_exact(std::uint64_t v) {
  int s = 0;
  while ((std::uint64_t{1} << s) < v) ++s;
  return s;
}
}  // namespace

L2Tags::L2Tags(std::uint64_t bytes, std::uint32_t line_bytes, std::uint32_t ways)
    : line_bytes_(line_bytes),
      line_shift_(log2_exact(line_bytes)),
      ways_(ways),
      sets_(bytes / line_bytes / ways) {
  if (sets_ == 0) throw std::invalid_argument("L2 smaller than one set");
  if ((std::uint64_t{1} << line_shift_) != line_bytes)
    throw std::invalid_argument("L2 line size is not a power of two");
  tags_.assign(sets_ * ways_, kInvalid);
  used_.assign(sets_ * ways_, 0);
  dirty_.assign(sets_ * ways_, 0);
  ready_.assign(sets_ * ways_, 0);
}

LineAccess L2Tags::access(std::uint64_t address, bool write, bool full_line_write) {
  const std::uint64_t line = address >> line_shift_;
  const std::uint64_t base = set_of(line) * ways_;
  const std::uint64_t* tags = tags_.data() + base;
  LineAccess result;
  std::uint64_t way = ways_;
  for (std::uint32_t w = 0; w < ways_; ++w)
    if (tags[w] == line) {
      way = w;
      break;
    }
  if (way == ways_) {  // miss: the first empty way, else the least recently used
    way = 0;
    for (std::uint32_t w = 0; w < ways_; ++w) {
      if (tags[w] == kInvalid) {
        way = w;
        break;
      }
      if (used_[base + w] < used_[base + way]) way = w;
    }
    const std::uint64_t slot = base + way;
    result.writeback = tags_[slot] != kInvalid && dirty_[slot];
    result.fetch = !(write && full_line_write);
    tags_[slot] = line;
    dirty_[slot] = 0;
    ready_[slot] = 0;
  } else {
    result.hit = true;
    result.ready_cycle = ready_[base + way];
  }
  const std::uint64_t slot = base + way;
  result.slot = slot;
  used_[slot] = ++stamp_;
  if (write) dirty_[slot] = 1;
  return result;
}

std::uint64_t L2Tags::dirty_lines() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < tags_.size(); ++i) n += (tags_[i] != kInvalid && dirty_[i]);
  return n;
}

}  // namespace ascendsim::models
