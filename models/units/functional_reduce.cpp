// Vector unit (V pipe), row family: row reductions (vrowmax vrowmin vrowsum), row broadcast
// (vrow_add vrow_sub vrow_mul vrow_div vrow_max), compare / select (vcmp vsel) and the
// recurrences FINOM needs (vscan, along rows or down columns, either way).
//
// Modelled and abstracted:
// - vrowsum accumulates in float, sequentially from left to right, whatever dst's float type
//   (fp32 dst: each partial sum rounded to fp32; fp16 / bf16 dst: the float sum is rounded once
//   at the end). The hardware reduces with a tree (and repeats of 256 B); that order is
//   abstracted, so sums may differ from the silicon in the last bits. Integer sums are exact in
//   int64 and wrap to dst's width. vrowmax / vrowmin are exact and propagate NaN. dst is
//   rows x 1 (its stride honoured); each row is read completely before its result is written.
// - Row broadcast: dst(r, c) = src0(r, c) op src1(r, 0), with the elementwise arithmetic of
//   functional_vector.cpp (binary_map).
// - vcmp compares the exactly decoded values (IEEE: NaN is unordered, only `ne` holds) and
//   writes 1 or 0 in dst's dtype; without src1 it compares against imm rounded to src0's type.
//   vsel copies the chosen element's bits when its dtype is dst's, else converts it (RNE).
// - vscan, sequential along each lane: a row, from column 0 up, with carry h[-1] = src2(r, 0);
//   with flag::first_axis a column, from row 0 down, with carry h[-1][c] = src2(0, c) (Ascend C
//   CumSum's first axis; the last row is the carry-out for the next tile); flag::reverse walks
//   the lane from its last element to its first. Without src2 the carry is imm rounded to dst's
//   type. Per step:
//     linear h[c] = src0[c] * h[c-1] + src1[c]: fp32 dst in float with two roundings (product,
//       then sum; never a fused multiply-add, as a vector mul followed by an add), other float
//       dsts in double rounded once per step, integers wrap.
//     logaddexp h[c] = log(exp(h[c-1] + src0[c]) + exp(src1[c])), in double as
//       max + log1p(exp(-|difference|)) (no overflow), rounded to dst each step.
//   Every carry is read before anything is written, so src2 may alias dst; each element's
//   inputs are read before it is written, so dst may alias src0 or src1.
#include <algorithm>
#include <vector>

#include "models/units/functional_detail.hpp"

namespace ascendsim::models::detail {
namespace {

void row_reduce(isa::Opcode op, const ResolvedTile& dst, const ResolvedTile& src,
                NumericEvents& ev) {
  const isa::TileView &dv = dst.view, &sv = src.view;
  if (dv.rows != sv.rows || dv.cols != 1)
    fail("row reduction dst must be " + std::to_string(sv.rows) + "x1");
  const bool sum = op == isa::Opcode::vrowsum, max = op == isa::Opcode::vrowmax;
  if (!numeric::is_float(dv.dtype)) {
    if (numeric::is_float(sv.dtype)) fail("integer dst with a float source");
    for (std::uint32_t r = 0; r < sv.rows; ++r) {
      auto acc = static_cast<std::int64_t>(load_value(sv.dtype, src.data, index_of(sv, r, 0)));
      for (std::uint32_t c = 1; c < sv.cols; ++c) {
        const auto x =
            static_cast<std::int64_t>(load_value(sv.dtype, src.data, index_of(sv, r, c)));
        acc = sum ? acc + x : max ? std::max(acc, x) : std::min(acc, x);
      }
      store_value(dv.dtype, dst.data, index_of(dv, r, 0), double(wrap_integer(dv.dtype, acc)),
                  Rounding::nearest_even, Overflow::saturate, ev);
    }
    return;
  }
  thread_local std::vector<float> row;
  if (row.size() < sv.cols) row.resize(sv.cols);
  for (std::uint32_t r = 0; r < sv.rows; ++r) {
    if (numeric::is_float(sv.dtype)) {
      numeric::widen_to_float(sv.dtype, src.data, index_of(sv, r, 0), sv.cols, row.data());
    } else {
      for (std::uint32_t c = 0; c < sv.cols; ++c)
        row[c] = static_cast<float>(load_value(sv.dtype, src.data, index_of(sv, r, c)));
    }
    float acc = row[0];
    for (std::uint32_t c = 1; c < sv.cols; ++c) {
      const float x = row[c];
      if (sum)
        acc += x;
      else if (max)
        acc = (acc > x || acc != acc) ? acc : x;
      else
        acc = (acc < x || acc != acc) ? acc : x;
    }
    if (sum && !std::isfinite(acc)) {  // which events: look at the inputs (rare path)
      bool nan_in = false, inf_in = false;
      for (std::uint32_t c = 0; c < sv.cols; ++c) {
        nan_in = nan_in || std::isnan(row[c]);
        inf_in = inf_in || std::isinf(row[c]);
      }
      if (std::isnan(acc) && !nan_in) ++ev.nan;
      if (std::isinf(acc) && !inf_in) ++ev.overflow;
    }
    store_result(dv.dtype, dst.data, index_of(dv, r, 0), acc, ev);
  }
}

bool compare(isa::CmpMode mode, double a, double b) {
  switch (mode) {
    case isa::CmpMode::eq:
      return a == b;
    case isa::CmpMode::ne:
      return a != b;
    case isa::CmpMode::lt:
      return a < b;
    case isa::CmpMode::le:
      return a <= b;
    case isa::CmpMode::gt:
      return a > b;
    case isa::CmpMode::ge:
      return a >= b;
  }
  return false;
}

// Rounds a double to fp32 (nearest even), through the library when events are possible.
float round_fp32(double x, NumericEvents& ev) {
  const float f = static_cast<float>(x);
  if (std::isfinite(f) && f != 0.0f) return f;
  return numeric::to_fp32(x, Rounding::nearest_even, Overflow::inf, &ev);
}

void note_nan(double z, double a, double b, double c, NumericEvents& ev) {
  if (std::isnan(z) && !std::isnan(a) && !std::isnan(b) && !std::isnan(c)) ++ev.nan;
}

double logaddexp(double x, double y) {
  if (std::isnan(x) || std::isnan(y)) return x + y;
  const double m = std::max(x, y);
  if (std::isinf(m)) return m;  // both -inf, or one +inf
  return m + std::log1p(std::exp(-std::fabs(x - y)));
}

void scan(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev) {
  const ResolvedTile &dst = ops.dst, &a = ops.src0, &w = ops.src1;
  require(w, "src1");
  require_same_shape(dst, w, "src1");
  const isa::TileView &dv = dst.view, &av = a.view, &wv = w.view;
  const DType t = dv.dtype;
  const bool linear = ins.scan == isa::ScanMode::linear;
  const bool down = ins.has(isa::flag::first_axis), reverse = ins.has(isa::flag::reverse);
  if (!linear && !numeric::is_float(t)) fail("logaddexp scan needs a float dst");
  const isa::TileView& cv = ops.src2.view;
  if (cv.valid() && down && cv.cols != dv.cols) fail("first_axis scan carry src2 needs dst's cols");
  if (cv.valid() && !down && cv.rows < dv.rows) fail("src2 has fewer rows than dst");
  // One running value per lane (a row, or with first_axis a column), all read before anything
  // is written (src2 may alias dst).
  const std::uint32_t lanes = down ? dv.cols : dv.rows;
  thread_local std::vector<double> h;
  h.resize(lanes);
  std::uint8_t imm_storage[8];
  const Source c0 = cv.valid() ? whole(ops.src2) : scalar(ins.imm, t, imm_storage, ev);
  for (std::uint32_t l = 0; l < lanes; ++l)
    h[l] = load_value(c0.dtype, c0.data, down ? c0.index(0, l) : c0.index(l, 0));

  // Row-major visit in the scan's direction: each lane's elements come in recurrence order.
  const bool rows_back = down && reverse, cols_back = !down && reverse;
  for (std::uint32_t i = 0; i < dv.rows; ++i) {
    const std::uint32_t r = rows_back ? dv.rows - 1 - i : i;
    for (std::uint32_t j = 0; j < dv.cols; ++j) {
      const std::uint32_t c = cols_back ? dv.cols - 1 - j : j;
      double& carry = h[down ? c : r];
      const double x = load_value(av.dtype, a.data, index_of(av, r, c));
      const double y = load_value(wv.dtype, w.data, index_of(wv, r, c));
      const std::uint64_t di = index_of(dv, r, c);
      if (!numeric::is_float(t)) {
        const auto z =
            wrap_integer(t, static_cast<std::int64_t>(x) * static_cast<std::int64_t>(carry) +
                                static_cast<std::int64_t>(y));
        store_value(t, dst.data, di, double(z), Rounding::nearest_even, Overflow::saturate, ev);
        carry = double(z);
        continue;
      }
      double z;
      if (linear && t == DType::fp32) {
        const float xf = static_cast<float>(x), hf = static_cast<float>(carry);
        const double product = double(xf) * double(hf);  // exact; rounded once below
        note_nan(product, xf, hf, 0.0, ev);
        const float p = round_fp32(product, ev);
        const double s = double(p) + double(static_cast<float>(y));
        note_nan(s, p, y, 0.0, ev);
        z = round_fp32(s, ev);
      } else {
        z = linear ? x * carry + y : logaddexp(carry + x, y);
        note_nan(z, x, carry, y, ev);
      }
      store_result(t, dst.data, di, z, ev);
      carry = load_value(t, dst.data, di);  // the carry is the stored (rounded) value
    }
  }
}

}  // namespace

void execute_reduce(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev) {
  using isa::Opcode;
  require(ops.dst, "dst");
  require(ops.src0, "src0");
  const ResolvedTile &dst = ops.dst, &src = ops.src0;
  auto broadcast = [&](BinaryOp op) {
    require_same_shape(dst, src, "src0");
    require(ops.src1, "src1");
    if (ops.src1.view.rows != dst.view.rows) fail("src1 must have one value per dst row");
    binary_map(op, dst, whole(src), column0(ops.src1), ev);
  };
  switch (ins.op) {
    case Opcode::vrowmax:
    case Opcode::vrowmin:
    case Opcode::vrowsum:
      return row_reduce(ins.op, dst, src, ev);
    case Opcode::vrow_add:
      return broadcast(BinaryOp::add);
    case Opcode::vrow_sub:
      return broadcast(BinaryOp::sub);
    case Opcode::vrow_mul:
      return broadcast(BinaryOp::mul);
    case Opcode::vrow_div:
      return broadcast(BinaryOp::div);
    case Opcode::vrow_max:
      return broadcast(BinaryOp::max);
    default:
      break;
  }
  require_same_shape(dst, src, "src0");
  const isa::TileView &dv = dst.view, &sv = src.view;
  if (ins.op == Opcode::vcmp) {
    std::uint8_t imm_storage[8];
    if (ops.src1.view.valid()) require_same_shape(dst, ops.src1, "src1");
    const Source b =
        ops.src1.view.valid() ? whole(ops.src1) : scalar(ins.imm, sv.dtype, imm_storage, ev);
    for (std::uint32_t r = 0; r < dv.rows; ++r)
      for (std::uint32_t c = 0; c < dv.cols; ++c) {
        const bool hit = compare(ins.cmp, load_value(sv.dtype, src.data, index_of(sv, r, c)),
                                 load_value(b.dtype, b.data, b.index(r, c)));
        store_result(dv.dtype, dst.data, index_of(dv, r, c), hit ? 1.0 : 0.0, ev);
      }
    return;
  }
  if (ins.op == Opcode::vsel) {
    require(ops.src1, "src1");
    require(ops.src2, "src2");
    require_same_shape(dst, ops.src1, "src1");
    require_same_shape(dst, ops.src2, "src2");
    for (std::uint32_t r = 0; r < dv.rows; ++r)
      for (std::uint32_t c = 0; c < dv.cols; ++c) {
        const bool first = load_value(sv.dtype, src.data, index_of(sv, r, c)) != 0;
        const ResolvedTile& from = first ? ops.src1 : ops.src2;
        const std::uint64_t si = index_of(from.view, r, c), di = index_of(dv, r, c);
        if (from.view.dtype == dv.dtype)
          numeric::store_bits(dv.dtype, dst.data, di, numeric::load_bits(dv.dtype, from.data, si));
        else
          store_result(dv.dtype, dst.data, di, load_value(from.view.dtype, from.data, si), ev);
      }
    return;
  }
  if (ins.op == Opcode::vscan) return scan(ins, ops, ev);
  fail("not a row / compare / scan vector instruction");
}

}  // namespace ascendsim::models::detail
