// Sizes and look-ups of a Program and its tensor declarations.
#include "sim/isa/program.hpp"

#include <algorithm>
#include <stdexcept>

namespace ascendsim::isa {

// An empty shape declares nothing (0 elements), not a scalar: every tensor a kernel or a trace
// declares has at least one dimension.
std::uint64_t TensorDecl::elements() const {
  if (shape.empty()) return 0;
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return n;
}

std::uint64_t TensorDecl::bytes() const { return numeric::dtype_bytes(dtype, elements()); }

const std::string* CoreProgram::region_of(std::uint64_t index) const {
  auto it = std::upper_bound(regions.begin(), regions.end(), index,
                             [](std::uint64_t i, const Region& r) { return i < r.first; });
  return it == regions.begin() ? nullptr : &std::prev(it)->label;
}

std::string phase_of(const std::string& label) {
  std::size_t end = 0;
  while (end < label.size() && !(label[end] >= '0' && label[end] <= '9')) ++end;
  while (end > 0 && label[end - 1] == ' ') --end;
  return label.substr(0, end);
}

const TensorDecl* Program::find_tensor(const std::string& name) const {
  for (const TensorDecl& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

TensorDecl& Program::declared_tensor(const std::string& name) {
  for (TensorDecl& t : tensors)
    if (t.name == name) return t;
  throw std::logic_error("tensor '" + name + "' was not declared");
}

std::uint64_t Program::instruction_count() const {
  std::uint64_t n = 0;
  for (const CoreProgram& c : cores) n += c.instructions.size();
  return n;
}

}  // namespace ascendsim::isa
