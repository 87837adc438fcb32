#pragma once
// Test helpers for checks run on synthetic GM contents: declare a tensor on a Program (with
// zeroed bytes, or none for a timing-only one) and reach its bytes by name.
#include <catch2/catch.hpp>
#include <string>

#include "sim/isa/program.hpp"

namespace ascendsim::test {

inline void add_tensor(isa::Program& prog, const std::string& name, numeric::DType t,
                       std::uint64_t rows, std::uint64_t cols, bool data) {
  isa::TensorDecl d;
  d.name = name;
  d.dtype = t;
  d.shape = {rows, cols};
  if (data) d.data.assign(d.bytes(), 0);
  prog.tensors.push_back(std::move(d));
}

inline std::uint8_t* tensor_bytes(isa::Program& prog, const std::string& name) {
  for (isa::TensorDecl& t : prog.tensors)
    if (t.name == name) return t.data.data();
  FAIL("no tensor " << name);
  return nullptr;
}

}  // namespace ascendsim::test
