#pragma once
// Internal to the functional executor (functional*.cpp, split by instruction family): element
// access, operand shapes and the entry point of each family. Nothing else includes this.
//
// Invariants every family keeps:
// - element (r, c) of a tile is element index r * stride + c from its data pointer (nibbles for
//   the packed 4-bit types);
// - every rounding goes through the numerics library, or through an IEEE float operation that
//   gives the same bits (a double -> float cast of a finite non-zero result rounds to nearest
//   even exactly as to_fp32(x, nearest_even, Overflow::inf) does; everything else, zeros,
//   infinities and NaNs included, is handed to the library so events and NaN encodings match);
// - an operand may alias the destination exactly (same view): every family reads what it
//   needs of an element (or stages the source in scratch) before writing over it.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "models/units/functional.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::models::detail {

using numeric::DType;
using numeric::NumericEvents;
using numeric::Overflow;
using numeric::Rounding;

// Element index of (r, c) in `v`, counted from the tile's data pointer.
inline std::uint64_t index_of(const isa::TileView& v, std::uint32_t r, std::uint32_t c) {
  return std::uint64_t(r) * v.stride() + c;
}

// Throws isa::SimulationError(what). Messages name the problem only; the caller knows the core,
// the instruction index and the opcode and prefixes them.
[[noreturn]] void fail(const std::string& what);
// The operand exists (valid view, non-null data); `name` is "dst", "src0"...
void require(const ResolvedTile& t, const char* name);
// a and b have the same rows x cols.
void require_same_shape(const ResolvedTile& a, const ResolvedTile& b, const char* name);

// Decodes element i of an array of `t` (exact for every format).
inline double load_value(DType t, const std::uint8_t* base, std::uint64_t i) {
  switch (t) {
    case DType::fp32: {
      float f;
      std::memcpy(&f, base + 4 * i, 4);
      return f;
    }
    case DType::fp16: {
      std::uint16_t b;
      std::memcpy(&b, base + 2 * i, 2);
      return numeric::fp16_to_float(b);
    }
    case DType::bf16: {
      std::uint16_t b;
      std::memcpy(&b, base + 2 * i, 2);
      return numeric::bf16_to_float(b);
    }
    case DType::int32: {
      std::int32_t v;
      std::memcpy(&v, base + 4 * i, 4);
      return v;
    }
    case DType::int8:
      return static_cast<std::int8_t>(base[i]);
    default:
      return numeric::load_element(t, base, i);
  }
}

// Rounds x to `t` as told and stores it as element i, counting the conversion's events.
inline void store_value(DType t, std::uint8_t* base, std::uint64_t i, double x, Rounding r,
                        Overflow o, NumericEvents& ev) {
  switch (t) {
    case DType::fp32: {
      float f = static_cast<float>(x);
      if (r != Rounding::nearest_even || !std::isfinite(f) || f == 0.0f)
        f = numeric::to_fp32(x, r, o, &ev);
      std::memcpy(base + 4 * i, &f, 4);
      return;
    }
    case DType::fp16: {
      std::uint16_t b = numeric::to_fp16(x, r, o, &ev);
      std::memcpy(base + 2 * i, &b, 2);
      return;
    }
    case DType::bf16: {
      std::uint16_t b = numeric::to_bf16(x, r, o, &ev);
      std::memcpy(base + 2 * i, &b, 2);
      return;
    }
    default:
      numeric::store_element(t, base, i, x, r, o, &ev);
  }
}

// Arithmetic results: round to nearest even, out-of-range finite values become inf.
inline void store_result(DType t, std::uint8_t* base, std::uint64_t i, double x,
                         NumericEvents& ev) {
  store_value(t, base, i, x, Rounding::nearest_even, Overflow::inf, ev);
}

// Two's-complement wraparound of v to the width of integer type t (uint8: modulo 256).
std::int64_t wrap_integer(DType t, std::int64_t v);

// Atomic read-add-write of element di of `dst` with element si of `src`, both of type t:
// floats add in double and round once (nearest even, Overflow::inf; events counted), integers
// add with two's-complement wraparound (bit-exact: AMLA adds n * 2^23 onto fp32 bits this way).
void atomic_add_element(DType t, std::uint8_t* dst, std::uint64_t di, const std::uint8_t* src,
                        std::uint64_t si, NumericEvents& ev);

// An input of an elementwise kernel: element (r, c) is index r * row_step + c * col_step from
// data. col_step 0 broadcasts column 0 along the row; row_step = col_step = 0 is a scalar.
struct Source {
  const std::uint8_t* data = nullptr;
  DType dtype = DType::fp32;
  std::uint64_t row_step = 0;
  std::uint64_t col_step = 0;
  std::uint64_t index(std::uint32_t r, std::uint32_t c) const {
    return std::uint64_t(r) * row_step + std::uint64_t(c) * col_step;
  }
};
inline Source whole(const ResolvedTile& t) { return {t.data, t.view.dtype, t.view.stride(), 1}; }
inline Source column0(const ResolvedTile& t) { return {t.data, t.view.dtype, t.view.stride(), 0}; }
// `imm` rounded to `t` (nearest even, events counted), as the hardware's scalar register holds
// a value of the operand's type; `storage` keeps the encoded element alive for the kernel.
Source scalar(double imm, DType t, std::uint8_t (&storage)[8], NumericEvents& ev);

enum class BinaryOp : std::uint8_t { add, sub, mul, div, max, min };
// dst(r, c) = a(r, c) op b(r, c) over dst's shape (functional_vector.cpp). Float destinations:
// computed in double on the decoded values and rounded once to dst; integer destinations: int64
// arithmetic wrapped to dst's width, division truncates, division by zero throws.
void binary_map(BinaryOp op, const ResolvedTile& dst, const Source& a, const Source& b,
                NumericEvents& ev);

// Family entry points.
void execute_copy(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev);
void execute_mmad(const isa::Instruction& ins, const Operands& ops);
void execute_fixpipe(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev);
void execute_vector(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev);
void execute_reduce(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev);

}  // namespace ascendsim::models::detail
