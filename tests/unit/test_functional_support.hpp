#pragma once
// Helpers for the functional executor's tests: tiles that own their bytes (with a guard pattern
// around and between rows, so a test can check padding stays untouched) and instruction builders.
#include <cstdint>
#include <vector>

#include "models/units/functional.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::models::test {

using isa::Instruction;
using isa::Opcode;
using numeric::DType;
using numeric::NumericEvents;

inline constexpr std::uint8_t kGuard = 0xA5;

// A rows x cols tile of `dtype` with `stride` elements per row (0 = dense), in its own bytes.
struct Tile {
  std::vector<std::uint8_t> bytes;
  ResolvedTile rt;

  Tile(DType dtype, std::uint32_t rows, std::uint32_t cols, std::uint32_t stride = 0) {
    rt.view.dtype = dtype;
    rt.view.buffer = isa::Buffer::UB;
    rt.view.rows = rows;
    rt.view.cols = cols;
    rt.view.row_stride = stride;
    bytes.assign(numeric::dtype_bytes(dtype, std::uint64_t(rows) * rt.view.stride()) + 8, kGuard);
    rt.data = bytes.data();
  }
  std::uint64_t index(std::uint32_t r, std::uint32_t c) const {
    return std::uint64_t(r) * rt.view.stride() + c;
  }
  void set(std::uint32_t r, std::uint32_t c, double x) {
    numeric::store_element(rt.view.dtype, rt.data, index(r, c), x);
  }
  double get(std::uint32_t r, std::uint32_t c) const {
    return numeric::load_element(rt.view.dtype, rt.data, index(r, c));
  }
  std::uint32_t bits(std::uint32_t r, std::uint32_t c) const {
    return numeric::load_bits(rt.view.dtype, rt.data, index(r, c));
  }
  void set_bits(std::uint32_t r, std::uint32_t c, std::uint32_t b) {
    numeric::store_bits(rt.view.dtype, rt.data, index(r, c), b);
  }
  // Every element (r, c) = f(r, c).
  template <class F>
  void fill(F f) {
    for (std::uint32_t r = 0; r < rt.view.rows; ++r)
      for (std::uint32_t c = 0; c < rt.view.cols; ++c) set(r, c, f(r, c));
  }
};

inline Instruction make(Opcode op, std::uint8_t flags = 0, double imm = 0.0) {
  Instruction ins;
  ins.op = op;
  ins.flags = flags;
  ins.imm = imm;
  return ins;
}

// Runs `ins` on the given tiles (nullptr = operand absent) and returns its events.
inline NumericEvents run(const Instruction& ins, Tile& dst, Tile* src0 = nullptr,
                         Tile* src1 = nullptr, Tile* src2 = nullptr) {
  Operands ops;
  ops.dst = dst.rt;
  if (src0) ops.src0 = src0->rt;
  if (src1) ops.src1 = src1->rt;
  if (src2) ops.src2 = src2->rt;
  NumericEvents ev;
  execute_functional(ins, ops, ev);
  return ev;
}

}  // namespace ascendsim::models::test
