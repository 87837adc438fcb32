// mmad (Cube, M pipe) and fixpipe (FIX pipe): the data path L0A/L0B -> L0C -> GM / L1.
//
// mmad: L0C(m x n) (+)= L0A(m x k) * L0B(k x n); with MX scales (src2, src3) see gemm_mx.
// - Float inputs (fp16, bf16, fp8 e4m3/e5m2, fp4 e2m1/e1m2, fp32) are widened exactly to float
//   and multiplied by Eigen's fp32 GEMM; the result is added to L0C in fp32. The silicon's
//   internal accumulation order and precision (adder tree, partial sums per k0 block) is
//   abstracted: accumulating in fp32 through Eigen may differ from it in the last bits, and the
//   order depends on Eigen's blocking and the host's SIMD (FMA or not). mmad counts no numeric
//   events; an fp32 overflow shows up as inf in L0C and as events in fixpipe's cast.
// - Integer inputs (int8, uint8, int4) accumulate exactly: the GEMM runs in float (double for
//   long k) where every partial sum is an exactly representable integer; the sum wraps to int32
//   on the add to L0C.
// - The operands are widened into thread-local scratch before L0C is written, so aliasing is
//   harmless and the hot path does not allocate once the scratch has grown.
//
// fixpipe: dst = cast(relu?(src0 * scale)), scale = imm or per column src1[0, c] (fp32, FB).
// The product is formed in double from the exact L0C value (fp32 or int32) and the scale and
// rounded once to dst with ins.rounding (Overflow::saturate with flag::saturate, else inf). The
// hardware's quantisation pipeline (deq scale formats, pre-rounding of int32 to fp32) is
// abstracted to this single rounding. With flag::atomic_add the cast value is then added to
// dst in dst's type, as the GM atomics do (functional.cpp): two roundings, the cast then the
// add, as a FixPipe feeding the L2's atomic adder would (assumed; not documented).
// Eigen's GEMM blocks on the stack below a size limit; a 128 x 256 x 128 product's blocks
// (256 KiB) overflow a SystemC thread's stack, so every temporary goes on the heap.
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <type_traits>
#include <vector>

#include "models/units/functional_detail.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::models::detail {
namespace {

template <class T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
T* grow(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Row r of an operand widened into `out` (exact: every cube input type fits a float).
template <class S>
void widen_row(const ResolvedTile& t, std::uint32_t r, std::uint32_t count, S* out) {
  if constexpr (std::is_same_v<S, float>) {
    numeric::widen_to_float(t.view.dtype, t.data, index_of(t.view, r, 0), count, out);
  } else {
    thread_local std::vector<float> row;
    float* f = grow(row, count);
    numeric::widen_to_float(t.view.dtype, t.data, index_of(t.view, r, 0), count, f);
    std::copy(f, f + count, out);
  }
}

// C = A * B in S through Eigen, then L0C (+)= C: in fp32 for float inputs; for integer inputs
// C holds exact integers (see execute_mmad) and the add to L0C wraps to int32.
template <class S>
void gemm(const Operands& ops, bool accumulate) {
  thread_local std::vector<S> a_buf, b_buf, c_buf;
  const isa::TileView &av = ops.src0.view, &bv = ops.src1.view, &dv = ops.dst.view;
  const std::uint32_t m = av.rows, k = av.cols, n = bv.cols;
  S* a = grow(a_buf, std::size_t(m) * k);
  S* b = grow(b_buf, std::size_t(k) * n);
  S* c = grow(c_buf, std::size_t(m) * n);
  for (std::uint32_t r = 0; r < m; ++r) widen_row(ops.src0, r, k, a + std::size_t(r) * k);
  for (std::uint32_t r = 0; r < k; ++r) widen_row(ops.src1, r, n, b + std::size_t(r) * n);
  Eigen::Map<RowMajor<S>> cm(c, m, n);
  cm.noalias() = Eigen::Map<const RowMajor<S>>(a, m, k) * Eigen::Map<const RowMajor<S>>(b, k, n);
  const bool integer = dv.dtype == DType::int32;
  for (std::uint32_t r = 0; r < m; ++r) {
    std::uint8_t* row = ops.dst.data + 4 * index_of(dv, r, 0);
    const S* sums = c + std::size_t(r) * n;
    for (std::uint32_t j = 0; j < n; ++j) {
      if (integer) {
        std::int64_t value = static_cast<std::int64_t>(sums[j]);
        std::int32_t old = 0;
        if (accumulate) std::memcpy(&old, row + 4 * j, 4);
        const auto out = static_cast<std::int32_t>(wrap_integer(DType::int32, value + old));
        std::memcpy(row + 4 * j, &out, 4);
      } else {
        float value = static_cast<float>(sums[j]);
        if (accumulate) {
          float old;
          std::memcpy(&old, row + 4 * j, 4);
          value = old + value;
        }
        std::memcpy(row + 4 * j, &value, 4);
      }
    }
  }
}

// MX: C = sum_b 2^(sA[i, b] + sB[b, j]) A_b B_b. Each element is widened with its block's scale
// applied, exactly in double (an fp8 / fp4 value times 2^(-127..127) fits its range); products
// and sums are formed in double (exact unless the blocks' scales lie far apart), the sum is
// rounded to fp32 (beyond fp32's range: +-inf) and then, with accumulate, added to L0C in fp32.
// The silicon's fp32 accumulation order inside the instruction is abstracted as for plain
// mmad. A NaN scale (0xFF) makes its block's products NaN, as OCP MX v1.0 says.
void gemm_mx(const Operands& ops, bool accumulate) {
  thread_local std::vector<double> a_buf, b_buf, c_buf;
  thread_local std::vector<float> row;
  const isa::TileView &av = ops.src0.view, &bv = ops.src1.view, &dv = ops.dst.view;
  const std::uint32_t m = av.rows, k = av.cols, n = bv.cols;
  double* a = grow(a_buf, std::size_t(m) * k);
  double* b = grow(b_buf, std::size_t(k) * n);
  double* c = grow(c_buf, std::size_t(m) * n);
  thread_local std::vector<double> b_scales;  // one 32-row block's scales of B, per column
  auto scale = [](const ResolvedTile& s, std::uint32_t r, std::uint32_t col) {
    return numeric::e8m0_to_double(s.data[index_of(s.view, r, col)]);
  };
  float* f = grow(row, std::max(k, n));
  for (std::uint32_t r = 0; r < m; ++r) {
    numeric::widen_to_float(av.dtype, ops.src0.data, index_of(av, r, 0), k, f);
    for (std::uint32_t j0 = 0; j0 < k; j0 += 32) {  // one scale per 32-element block
      const double sa = scale(ops.src2, r, j0 / 32);
      for (std::uint32_t j = j0; j < std::min(k, j0 + 32); ++j)
        a[std::size_t(r) * k + j] = f[j] * sa;
    }
  }
  double* sb = grow(b_scales, n);
  for (std::uint32_t r = 0; r < k; ++r) {
    if (r % 32 == 0)
      for (std::uint32_t j = 0; j < n; ++j) sb[j] = scale(ops.src3, r / 32, j);
    numeric::widen_to_float(bv.dtype, ops.src1.data, index_of(bv, r, 0), n, f);
    for (std::uint32_t j = 0; j < n; ++j) b[std::size_t(r) * n + j] = f[j] * sb[j];
  }
  Eigen::Map<RowMajor<double>> cm(c, m, n);
  cm.noalias() =
      Eigen::Map<const RowMajor<double>>(a, m, k) * Eigen::Map<const RowMajor<double>>(b, k, n);
  for (std::uint32_t r = 0; r < m; ++r) {
    std::uint8_t* out = ops.dst.data + 4 * index_of(dv, r, 0);
    for (std::uint32_t j = 0; j < n; ++j) {
      const double sum = c[std::size_t(r) * n + j];
      constexpr double kMax = std::numeric_limits<float>::max();
      float value = std::fabs(sum) <= kMax || std::isnan(sum)
                        ? static_cast<float>(sum)
                        : (sum > 0 ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
      if (accumulate) {
        float old;
        std::memcpy(&old, out + 4 * j, 4);
        value = old + value;
      }
      std::memcpy(out + 4 * j, &value, 4);
    }
  }
}

bool is_mx_input(DType t) {
  return t == DType::fp8_e4m3 || t == DType::fp8_e5m2 || t == DType::fp4_e2m1 ||
         t == DType::fp4_e1m2;
}

// Largest |value| of a cube integer input type.
double max_magnitude(DType t) { return t == DType::int4 ? 8 : t == DType::int8 ? 128 : 255; }

bool is_cube_integer(DType t) { return t == DType::int8 || t == DType::uint8 || t == DType::int4; }

}  // namespace

void execute_mmad(const isa::Instruction& ins, const Operands& ops) {
  require(ops.dst, "dst");
  require(ops.src0, "src0");
  require(ops.src1, "src1");
  const isa::TileView &av = ops.src0.view, &bv = ops.src1.view, &dv = ops.dst.view;
  if (av.cols != bv.rows || av.rows != dv.rows || bv.cols != dv.cols)
    fail("shapes do not chain: src0 " + std::to_string(av.rows) + "x" + std::to_string(av.cols) +
         ", src1 " + std::to_string(bv.rows) + "x" + std::to_string(bv.cols) + ", dst " +
         std::to_string(dv.rows) + "x" + std::to_string(dv.cols));
  const bool accumulate = ins.has(isa::flag::accumulate);
  if (ops.src2.view.valid() || ops.src3.view.valid()) {
    require(ops.src2, "src2");
    require(ops.src3, "src3");
    if (dv.dtype != DType::fp32) fail("MX mmad needs an fp32 dst");
    if (!is_mx_input(av.dtype) || !is_mx_input(bv.dtype))
      fail(std::string("unsupported MX mmad inputs ") + std::string(numeric::dtype_name(av.dtype)) +
           " x " + std::string(numeric::dtype_name(bv.dtype)));
    if (ops.src2.view.dtype != DType::e8m0 || ops.src3.view.dtype != DType::e8m0 ||
        ops.src2.view.rows < av.rows || ops.src2.view.cols < (av.cols + 31) / 32 ||
        ops.src3.view.rows < (av.cols + 31) / 32 || ops.src3.view.cols < bv.cols)
      fail("MX scales must be e8m0, src2 m x k/32 and src3 k/32 x n");
    gemm_mx(ops, accumulate);
    return;
  }
  const bool int_a = is_cube_integer(av.dtype), int_b = is_cube_integer(bv.dtype);
  if (int_a && int_b) {
    if (dv.dtype != DType::int32) fail("integer mmad needs an int32 dst");
    // Every partial sum, in any order, is an integer of magnitude <= k * max|a| * max|b|: exact
    // in float up to 2^24 (int8 x int8: k <= 1024), in double up to 2^53 (any k that fits L0).
    // So a float (or double) GEMM is exact int32 accumulation, and much faster than Eigen's
    // integer GEMM.
    const double bound = double(av.cols) * max_magnitude(av.dtype) * max_magnitude(bv.dtype);
    if (bound <= 16777216.0)
      gemm<float>(ops, accumulate);
    else
      gemm<double>(ops, accumulate);
    return;
  }
  if (int_a || int_b || !numeric::is_float(av.dtype) || !numeric::is_float(bv.dtype) ||
      av.dtype == DType::e8m0 || bv.dtype == DType::e8m0)
    fail(std::string("unsupported mmad inputs ") + std::string(numeric::dtype_name(av.dtype)) +
         " x " + std::string(numeric::dtype_name(bv.dtype)));
  if (dv.dtype != DType::fp32) fail("float mmad needs an fp32 dst");
  gemm<float>(ops, accumulate);
}

void execute_fixpipe(const isa::Instruction& ins, const Operands& ops, NumericEvents& ev) {
  require(ops.dst, "dst");
  require(ops.src0, "src0");
  require_same_shape(ops.dst, ops.src0, "src0");
  const isa::TileView &sv = ops.src0.view, &dv = ops.dst.view;
  if (sv.dtype != DType::fp32 && sv.dtype != DType::int32)
    fail("fixpipe reads fp32 or int32 from L0C, src0 is " +
         std::string(numeric::dtype_name(sv.dtype)));
  const bool per_column = ops.src1.view.valid();
  if (per_column) {
    require(ops.src1, "src1");
    if (ops.src1.view.dtype != DType::fp32 || ops.src1.view.cols < dv.cols)
      fail("per-column scale src1 must be fp32 with at least dst.cols columns");
  }
  const Rounding rounding = ins.rounding;
  const Overflow overflow = ins.has(isa::flag::saturate) ? Overflow::saturate : Overflow::inf;
  const bool relu = ins.has(isa::flag::relu);
  const bool atomic = ins.has(isa::flag::atomic_add);
  const DType out = dv.dtype;
  for (std::uint32_t r = 0; r < dv.rows; ++r) {
    for (std::uint32_t c = 0; c < dv.cols; ++c) {
      const double x = load_value(sv.dtype, ops.src0.data, index_of(sv, r, c));
      const double scale = per_column ? load_value(DType::fp32, ops.src1.data, c) : ins.imm;
      double v = x * scale;
      if (std::isnan(v) && !std::isnan(x) && !std::isnan(scale)) ++ev.nan;  // inf * 0
      if (relu && v < 0) v = 0;
      const std::uint64_t di = index_of(dv, r, c);
      if (!atomic) {
        store_value(out, ops.dst.data, di, v, rounding, overflow, ev);
        continue;
      }
      std::uint8_t cast[8] = {};
      store_value(out, cast, 0, v, rounding, overflow, ev);
      atomic_add_element(out, ops.dst.data, di, cast, 0, ev);
    }
  }
}

}  // namespace ascendsim::models::detail
