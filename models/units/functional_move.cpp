// copy: the data effect of the MTEs (GM <-> L1 / UB / L0A / L0B, L1 -> L0A / L0B / BT).
//
// Modelled: element-for-element movement between typed views of the same dtype (row strides
// honoured, padding between rows untouched), MTE1's transpose (dst(c, r) = src(r, c)) and the
// atomic add of GM writes (read-add-write in the destination's type, see functional.cpp).
// Abstracted away: on-chip fractal layouts (buffers hold row-major tiles), ND->NZ reordering,
// padding / img2col modes, and all timing.
#include <cmath>
#include <vector>

#include "models/units/functional_detail.hpp"

namespace ascendsim::models::detail {
namespace {

// Bytes from element (0, 0) to the end of the last row.
std::uint64_t span_bytes(const isa::TileView& v) {
  if (!v.valid()) return 0;
  return numeric::dtype_bytes(v.dtype, std::uint64_t(v.rows - 1) * v.stride() + v.cols);
}

bool overlaps(const ResolvedTile& a, const ResolvedTile& b) {
  const std::uint8_t* a_end = a.data + span_bytes(a.view);
  const std::uint8_t* b_end = b.data + span_bytes(b.view);
  return a.data < b_end && b.data < a_end;
}

// A dense copy of `src` in thread-local scratch, for a transposing copy that overwrites its
// own source.
ResolvedTile staged(const ResolvedTile& src) {
  thread_local std::vector<std::uint8_t> scratch;
  const isa::TileView& v = src.view;
  const std::uint64_t row_bytes = numeric::dtype_bytes(v.dtype, v.cols);
  if (scratch.size() < row_bytes * v.rows) scratch.resize(row_bytes * v.rows);
  for (std::uint32_t r = 0; r < v.rows; ++r)
    std::memcpy(scratch.data() + r * row_bytes,
                src.data + numeric::dtype_bytes(v.dtype, index_of(v, r, 0)), row_bytes);
  ResolvedTile out{scratch.data(), v};
  out.view.row_stride = 0;
  return out;
}

// Plain copy: whole rows with memmove (rows of packed types start on a byte boundary because
// the ISA requires even strides and cols).
void copy_rows(const ResolvedTile& dst, const ResolvedTile& src) {
  const isa::TileView& dv = dst.view;
  const isa::TileView& sv = src.view;
  const DType t = dv.dtype;
  if (numeric::is_packed(t) && (dv.cols % 2 || dv.stride() % 2 || sv.stride() % 2)) {
    for (std::uint32_t r = 0; r < dv.rows; ++r)
      for (std::uint32_t c = 0; c < dv.cols; ++c)
        numeric::store_bits(t, dst.data, index_of(dv, r, c),
                            numeric::load_bits(t, src.data, index_of(sv, r, c)));
    return;
  }
  if (dv.stride() == dv.cols && sv.stride() == sv.cols) {
    std::memmove(dst.data, src.data, numeric::dtype_bytes(t, dv.elements()));
    return;
  }
  const std::uint64_t row_bytes = numeric::dtype_bytes(t, dv.cols);
  for (std::uint32_t r = 0; r < dv.rows; ++r)
    std::memmove(dst.data + numeric::dtype_bytes(t, index_of(dv, r, 0)),
                 src.data + numeric::dtype_bytes(t, index_of(sv, r, 0)), row_bytes);
}

void copy_transposed(const ResolvedTile& dst, const ResolvedTile& src) {
  const isa::TileView& dv = dst.view;
  const isa::TileView& sv = src.view;
  const DType t = dv.dtype;
  if (numeric::is_packed(t)) {
    for (std::uint32_t r = 0; r < sv.rows; ++r)
      for (std::uint32_t c = 0; c < sv.cols; ++c)
        numeric::store_bits(t, dst.data, index_of(dv, c, r),
                            numeric::load_bits(t, src.data, index_of(sv, r, c)));
    return;
  }
  const std::size_t size = std::size_t(numeric::dtype_bits(t) / 8);
  for (std::uint32_t r = 0; r < sv.rows; ++r)
    for (std::uint32_t c = 0; c < sv.cols; ++c)
      std::memcpy(dst.data + size * index_of(dv, c, r), src.data + size * index_of(sv, r, c), size);
}

// Atomic add of same-shape fp32 or int32 tiles: the common GM accumulations (AMLA's O in fp32,
// its rescale in int32) without per-element dispatch; anything unusual goes element by element.
void atomic_rows(const ResolvedTile& dst, const ResolvedTile& src, NumericEvents& ev) {
  const isa::TileView &dv = dst.view, &sv = src.view;
  for (std::uint32_t r = 0; r < dv.rows; ++r) {
    std::uint8_t* d = dst.data + 4 * index_of(dv, r, 0);
    const std::uint8_t* s = src.data + 4 * index_of(sv, r, 0);
    for (std::uint32_t c = 0; c < dv.cols; ++c) {
      if (dv.dtype == DType::int32) {  // two's-complement wraparound, bit-exact
        std::uint32_t a, b;
        std::memcpy(&a, d + 4 * c, 4);
        std::memcpy(&b, s + 4 * c, 4);
        a += b;
        std::memcpy(d + 4 * c, &a, 4);
        continue;
      }
      float a, b;
      std::memcpy(&a, d + 4 * c, 4);
      std::memcpy(&b, s + 4 * c, 4);
      const float sum = a + b;  // IEEE single: the exact sum rounded once
      if (std::isfinite(sum) && sum != 0.0f)
        std::memcpy(d + 4 * c, &sum, 4);
      else
        atomic_add_element(DType::fp32, d, c, s, c, ev);
    }
  }
}

}  // namespace

void execute_copy(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev) {
  require(ops.dst, "dst");
  require(ops.src0, "src0");
  const isa::TileView& dv = ops.dst.view;
  const isa::TileView& sv = ops.src0.view;
  if (dv.dtype != sv.dtype)
    fail("copy does not convert: src0 is " + std::string(numeric::dtype_name(sv.dtype)) +
         ", dst is " + std::string(numeric::dtype_name(dv.dtype)));
  const bool transpose = ins.has(isa::flag::transpose);
  if (transpose ? (dv.rows != sv.cols || dv.cols != sv.rows)
                : (dv.rows != sv.rows || dv.cols != sv.cols))
    fail("src0 is " + std::to_string(sv.rows) + "x" + std::to_string(sv.cols) + ", dst is " +
         std::to_string(dv.rows) + "x" + std::to_string(dv.cols) +
         (transpose ? " (transposing copy)" : ""));

  ResolvedTile src = ops.src0;
  // A transposing (or atomic) copy onto its own source reads the original values.
  if ((transpose || ins.has(isa::flag::atomic_add)) && overlaps(ops.dst, src)) src = staged(src);

  if (ins.has(isa::flag::atomic_add)) {
    const DType t = dv.dtype;
    if (!transpose && (t == DType::fp32 || t == DType::int32)) return atomic_rows(ops.dst, src, ev);
    for (std::uint32_t r = 0; r < sv.rows; ++r)
      for (std::uint32_t c = 0; c < sv.cols; ++c)
        atomic_add_element(t, ops.dst.data, transpose ? index_of(dv, c, r) : index_of(dv, r, c),
                           src.data, index_of(src.view, r, c), ev);
    return;
  }
  if (transpose)
    copy_transposed(ops.dst, src);
  else
    copy_rows(ops.dst, src);
}

}  // namespace ascendsim::models::detail
