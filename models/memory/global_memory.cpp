#include "models/memory/global_memory.hpp"

#include <algorithm>

namespace ascendsim::models {

GlobalMemory::GlobalMemory(std::vector<isa::TensorDecl>& tensors) {
  for (auto& t : tensors)
    if (!t.data.empty()) regions_.push_back({t.address, t.address + t.data.size(), t.data.data()});
  std::sort(regions_.begin(), regions_.end(),
            [](const Region& a, const Region& b) { return a.begin < b.begin; });
}

std::uint8_t* GlobalMemory::resolve(std::uint64_t address, std::uint64_t bytes) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                             [](std::uint64_t a, const Region& r) { return a < r.begin; });
  if (it == regions_.begin()) return nullptr;
  --it;
  if (address + bytes > it->end) return nullptr;
  return it->data + (address - it->begin);
}

}  // namespace ascendsim::models
