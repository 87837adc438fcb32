#include "models/memory/global_memory.hpp"

#include <algorithm>

namespace ascendsim::models {

GlobalMemory::GlobalMemory(std::vector<isa::TensorDecl>& tensors) {
  for (auto& t : tensors)
    if (!t.data.empty())
      regions_.push_back({t.address, t.address + t.data.size(), t.data.data(), &t.name});
  std::sort(regions_.begin(), regions_.end(),
            [](const Region& a, const Region& b) { return a.begin < b.begin; });
}

const GlobalMemory::Region* GlobalMemory::region_at(std::uint64_t address) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                             [](std::uint64_t a, const Region& r) { return a < r.begin; });
  if (it == regions_.begin() || address >= std::prev(it)->end) return nullptr;
  return &*std::prev(it);
}

std::uint8_t* GlobalMemory::resolve(std::uint64_t address, std::uint64_t bytes) const {
  const Region* r = region_at(address);
  if (!r || address + bytes > r->end) return nullptr;
  return r->data + (address - r->begin);
}

const std::string* GlobalMemory::tensor_at(std::uint64_t address) const {
  const Region* r = region_at(address);
  return r ? r->name : nullptr;
}

}  // namespace ascendsim::models
