// Vector unit (V pipe), elementwise family: vadd vsub vmul vdiv vmax vmin, the scalar forms
// vadds vmuls vmaxs vmins, the unary vexp vln vabs vsqrt vrsqrt vrec vrelu, vdup and vcast.
//
// Arithmetic model (one rounding per result, as a correctly rounding ALU):
// - float destinations: the operands are decoded exactly, the operation is computed in double
//   and rounded once to dst (nearest even, Overflow::inf). For fp32 add/sub/mul/div/max/min
//   this is bit-identical to IEEE single arithmetic (double has more than 2 * 24 + 2 bits, so
//   the double rounding is innocuous) and the fp32 fast path computes in float directly.
//   exp/ln/sqrt/rsqrt/rec are computed in double and rounded once; the silicon's
//   transcendental approximations (a few ulp) are abstracted to a correctly rounded result
//   (up to libm's double accuracy).
// - max/min propagate NaN; relu(x) = x > 0 ? x : +0 (NaN stays NaN); abs clears the sign.
// - integer destinations (int32, int16, int8, uint8, int4): int64 arithmetic wrapped to dst's
//   width (two's complement), division truncates, division by zero throws.
// - the scalar `imm` is first rounded to src0's dtype, as the hardware's scalar register holds
//   a value of the operand type; vdup rounds imm to dst's dtype.
// - vcast: any dtype to any dtype, ins.rounding, Overflow::saturate with flag::saturate, else
//   inf (integers always saturate: numerics library).
// Events: a NaN made from non-NaN operands (0/0, inf-inf, ln(-1), sqrt(-1)) counts `nan`; an
// infinity made from finite operands counts `overflow`, except the exact poles x/0, ln(0),
// rsqrt(0), rec(0); rounding events come from the numerics library.
// Aliasing: each element is read before it is written, so dst may alias a source exactly.
#include <algorithm>
#include <limits>
#include <type_traits>
#include <vector>

#include "models/units/functional_detail.hpp"

namespace ascendsim::models::detail {
namespace {

struct Add {
  template <class T>
  static T apply(T a, T b) {
    return a + b;
  }
};
struct Sub {
  template <class T>
  static T apply(T a, T b) {
    return a - b;
  }
};
struct Mul {
  template <class T>
  static T apply(T a, T b) {
    return a * b;
  }
};
struct Div {
  template <class T>
  static T apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) fail("integer division by zero");
    }
    return a / b;
  }
};
struct Max {
  template <class T>
  static T apply(T a, T b) {
    return (a > b || a != a) ? a : b;
  }
};
struct Min {
  template <class T>
  static T apply(T a, T b) {
    return (a < b || a != a) ? a : b;
  }
};

struct RowScratch {
  std::vector<float> a, b, z;
};
float* grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}
RowScratch& row_scratch() {
  thread_local RowScratch scratch;
  return scratch;
}

// Row r of a float-typed source decoded into `buf` (exact: every float dtype widens exactly to
// float); a broadcast source repeats its one value. Decoding whole rows first also makes an
// exactly aliased dst harmless.
const float* float_row(const Source& s, std::uint32_t r, std::uint32_t cols,
                       std::vector<float>& buf) {
  float* out = grow(buf, cols);
  if (s.col_step == 1) {
    numeric::widen_to_float(s.dtype, s.data, s.index(r, 0), cols, out);
  } else {
    float v;
    numeric::widen_to_float(s.dtype, s.data, s.index(r, 0), 1, &v);
    std::fill_n(out, cols, v);
  }
  return out;
}

// Events of one float result z computed from finite-or-not operands a, b.
void note_result(double z, double a, double b, bool pole, NumericEvents& ev) {
  if (std::isfinite(z)) return;
  if (std::isnan(z)) {
    if (!std::isnan(a) && !std::isnan(b)) ++ev.nan;
  } else if (std::isfinite(a) && std::isfinite(b) && !pole) {
    ++ev.overflow;
  }
}

template <class Op>
void float_element(DType t, std::uint8_t* dst, std::uint64_t i, double a, double b,
                   NumericEvents& ev) {
  const double z = Op::apply(a, b);
  note_result(z, a, b, std::is_same_v<Op, Div> && b == 0, ev);
  store_result(t, dst, i, z, ev);
}

template <class Op>
void run_binary(const ResolvedTile& dst, const Source& a, const Source& b, NumericEvents& ev) {
  const isa::TileView& dv = dst.view;
  const DType t = dv.dtype;
  if (!numeric::is_float(t)) {
    if (numeric::is_float(a.dtype) || numeric::is_float(b.dtype))
      fail("integer dst " + std::string(numeric::dtype_name(t)) + " with a float source");
    for (std::uint32_t r = 0; r < dv.rows; ++r)
      for (std::uint32_t c = 0; c < dv.cols; ++c) {
        const auto x = static_cast<std::int64_t>(load_value(a.dtype, a.data, a.index(r, c)));
        const auto y = static_cast<std::int64_t>(load_value(b.dtype, b.data, b.index(r, c)));
        const std::int64_t z = wrap_integer(t, Op::apply(x, y));
        store_value(t, dst.data, index_of(dv, r, c), double(z), Rounding::nearest_even,
                    Overflow::saturate, ev);
      }
    return;
  }
  if (numeric::is_float(a.dtype) && numeric::is_float(b.dtype)) {
    RowScratch& s = row_scratch();
    for (std::uint32_t r = 0; r < dv.rows; ++r) {
      const float* x = float_row(a, r, dv.cols, s.a);
      const float* y = float_row(b, r, dv.cols, s.b);
      std::uint8_t* row = dst.data + numeric::dtype_bytes(t, index_of(dv, r, 0));
      if (t != DType::fp32) {
        for (std::uint32_t c = 0; c < dv.cols; ++c) float_element<Op>(t, row, c, x[c], y[c], ev);
        continue;
      }
      // fp32: float arithmetic equals the double result rounded to float. A branch-free pass,
      // then a row with a zero, inf or NaN is redone by the general path (events, encodings).
      float* z = grow(s.z, dv.cols);
      bool clean = true;
      for (std::uint32_t c = 0; c < dv.cols; ++c) {
        z[c] = Op::apply(x[c], y[c]);
        clean &= std::fabs(z[c]) <= std::numeric_limits<float>::max() && z[c] != 0.0f;
      }
      if (clean) {
        std::memcpy(row, z, 4 * std::size_t(dv.cols));
        continue;
      }
      for (std::uint32_t c = 0; c < dv.cols; ++c) float_element<Op>(t, row, c, x[c], y[c], ev);
    }
    return;
  }
  for (std::uint32_t r = 0; r < dv.rows; ++r)  // integer sources, float dst
    for (std::uint32_t c = 0; c < dv.cols; ++c)
      float_element<Op>(t, dst.data, index_of(dv, r, c), load_value(a.dtype, a.data, a.index(r, c)),
                        load_value(b.dtype, b.data, b.index(r, c)), ev);
}

struct Exp {
  static double apply(double x) { return std::exp(x); }
};
struct Ln {
  static double apply(double x) { return std::log(x); }
};
struct Sqrt {
  static double apply(double x) { return std::sqrt(x); }
};
struct Rsqrt {
  static double apply(double x) { return 1.0 / std::sqrt(x); }
};
struct Rec {
  static double apply(double x) { return 1.0 / x; }
};
struct Abs {
  static double apply(double x) { return std::fabs(x); }
  static std::int64_t apply(std::int64_t x) { return x < 0 ? -x : x; }
};
struct Relu {
  static double apply(double x) { return (x > 0 || x != x) ? x : 0.0; }
  static std::int64_t apply(std::int64_t x) { return x > 0 ? x : 0; }
};
template <class Op>
constexpr bool kIntegerOk = std::is_same_v<Op, Abs> || std::is_same_v<Op, Relu>;

template <class Op>
void run_unary(const ResolvedTile& dst, const ResolvedTile& src, NumericEvents& ev) {
  const isa::TileView &dv = dst.view, &sv = src.view;
  const DType t = dv.dtype;
  if (!numeric::is_float(t)) {
    if constexpr (kIntegerOk<Op>) {
      if (numeric::is_float(sv.dtype)) fail("integer dst with a float source");
      for (std::uint32_t r = 0; r < dv.rows; ++r)
        for (std::uint32_t c = 0; c < dv.cols; ++c) {
          const auto x =
              static_cast<std::int64_t>(load_value(sv.dtype, src.data, index_of(sv, r, c)));
          store_value(t, dst.data, index_of(dv, r, c), double(wrap_integer(t, Op::apply(x))),
                      Rounding::nearest_even, Overflow::saturate, ev);
        }
      return;
    } else {
      fail("needs a float dst, got " + std::string(numeric::dtype_name(t)));
    }
  }
  const bool pole_at_zero =
      std::is_same_v<Op, Ln> || std::is_same_v<Op, Rsqrt> || std::is_same_v<Op, Rec>;
  const bool float_src = numeric::is_float(sv.dtype);
  std::vector<float>& buf = row_scratch().a;
  for (std::uint32_t r = 0; r < dv.rows; ++r) {
    const float* row = float_src ? float_row(whole(src), r, dv.cols, buf) : nullptr;
    for (std::uint32_t c = 0; c < dv.cols; ++c) {
      const double x = float_src ? row[c] : load_value(sv.dtype, src.data, index_of(sv, r, c));
      const double z = Op::apply(x);
      if (!std::isfinite(z)) note_result(z, x, 0.0, pole_at_zero && x == 0, ev);
      store_result(t, dst.data, index_of(dv, r, c), z, ev);
    }
  }
}

void fill(const ResolvedTile& dst, double imm, NumericEvents& ev) {
  const isa::TileView& dv = dst.view;
  std::uint8_t one[8] = {};
  store_result(dv.dtype, one, 0, imm, ev);  // rounded once, events counted once
  if (numeric::is_packed(dv.dtype)) {
    const std::uint32_t bits = numeric::load_bits(dv.dtype, one, 0);
    for (std::uint32_t r = 0; r < dv.rows; ++r)
      for (std::uint32_t c = 0; c < dv.cols; ++c)
        numeric::store_bits(dv.dtype, dst.data, index_of(dv, r, c), bits);
    return;
  }
  const std::size_t size = std::size_t(numeric::dtype_bits(dv.dtype) / 8);
  for (std::uint32_t r = 0; r < dv.rows; ++r)
    for (std::uint32_t c = 0; c < dv.cols; ++c)
      std::memcpy(dst.data + size * index_of(dv, r, c), one, size);
}

void cast(const isa::Instruction& ins, const ResolvedTile& dst, const ResolvedTile& src,
          NumericEvents& ev) {
  const isa::TileView &dv = dst.view, &sv = src.view;
  const Overflow o = ins.has(isa::flag::saturate) ? Overflow::saturate : Overflow::inf;
  const bool float_src = numeric::is_float(sv.dtype);
  std::vector<float>& buf = row_scratch().a;
  for (std::uint32_t r = 0; r < dv.rows; ++r) {
    const float* row = float_src ? float_row(whole(src), r, dv.cols, buf) : nullptr;
    for (std::uint32_t c = 0; c < dv.cols; ++c)
      store_value(dv.dtype, dst.data, index_of(dv, r, c),
                  float_src ? row[c] : load_value(sv.dtype, src.data, index_of(sv, r, c)),
                  ins.rounding, o, ev);
  }
}

}  // namespace

void binary_map(BinaryOp op, const ResolvedTile& dst, const Source& a, const Source& b,
                NumericEvents& ev) {
  switch (op) {
    case BinaryOp::add:
      return run_binary<Add>(dst, a, b, ev);
    case BinaryOp::sub:
      return run_binary<Sub>(dst, a, b, ev);
    case BinaryOp::mul:
      return run_binary<Mul>(dst, a, b, ev);
    case BinaryOp::div:
      return run_binary<Div>(dst, a, b, ev);
    case BinaryOp::max:
      return run_binary<Max>(dst, a, b, ev);
    case BinaryOp::min:
      return run_binary<Min>(dst, a, b, ev);
  }
}

void execute_vector(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev) {
  using isa::Opcode;
  require(ops.dst, "dst");
  if (ins.op == Opcode::vdup) return fill(ops.dst, ins.imm, ev);
  require(ops.src0, "src0");
  require_same_shape(ops.dst, ops.src0, "src0");
  const ResolvedTile &dst = ops.dst, &src = ops.src0;
  auto two = [&](BinaryOp op) {
    require(ops.src1, "src1");
    require_same_shape(ops.dst, ops.src1, "src1");
    binary_map(op, dst, whole(src), whole(ops.src1), ev);
  };
  std::uint8_t imm_storage[8];
  auto with_imm = [&](BinaryOp op) {
    binary_map(op, dst, whole(src), scalar(ins.imm, src.view.dtype, imm_storage, ev), ev);
  };
  switch (ins.op) {
    case Opcode::vadd:
      return two(BinaryOp::add);
    case Opcode::vsub:
      return two(BinaryOp::sub);
    case Opcode::vmul:
      return two(BinaryOp::mul);
    case Opcode::vdiv:
      return two(BinaryOp::div);
    case Opcode::vmax:
      return two(BinaryOp::max);
    case Opcode::vmin:
      return two(BinaryOp::min);
    case Opcode::vadds:
      return with_imm(BinaryOp::add);
    case Opcode::vmuls:
      return with_imm(BinaryOp::mul);
    case Opcode::vmaxs:
      return with_imm(BinaryOp::max);
    case Opcode::vmins:
      return with_imm(BinaryOp::min);
    case Opcode::vexp:
      return run_unary<Exp>(dst, src, ev);
    case Opcode::vln:
      return run_unary<Ln>(dst, src, ev);
    case Opcode::vabs:
      return run_unary<Abs>(dst, src, ev);
    case Opcode::vsqrt:
      return run_unary<Sqrt>(dst, src, ev);
    case Opcode::vrsqrt:
      return run_unary<Rsqrt>(dst, src, ev);
    case Opcode::vrec:
      return run_unary<Rec>(dst, src, ev);
    case Opcode::vrelu:
      return run_unary<Relu>(dst, src, ev);
    case Opcode::vcast:
      return cast(ins, dst, src, ev);
    default:
      fail("not an elementwise vector instruction");
  }
}

}  // namespace ascendsim::models::detail
