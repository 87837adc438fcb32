#pragma once
// GM contents: the program's tensors, each a contiguous byte array at its GM address. An
// instruction's GM view resolves to a pointer into one tensor (the validator guarantees a view
// never straddles two). In timing-only runs tensors hold no bytes and nothing resolves.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/isa/program.hpp"

namespace ascendsim::models {

class GlobalMemory {
 public:
  explicit GlobalMemory(std::vector<isa::TensorDecl>& tensors);
  // Pointer to GM byte `address` with `bytes` following it inside one tensor, or nullptr.
  std::uint8_t* resolve(std::uint64_t address, std::uint64_t bytes) const;
  // The name of the tensor holding GM byte `address`, or nullptr (also in timing-only runs).
  const std::string* tensor_at(std::uint64_t address) const;

 private:
  struct Region {
    std::uint64_t begin, end;
    std::uint8_t* data;
    const std::string* name;
  };
  const Region* region_at(std::uint64_t address) const;
  std::vector<Region> regions_;  // sorted by begin
};

}  // namespace ascendsim::models
