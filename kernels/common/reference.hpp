#pragma once
// Small fp64 helpers the kernels' checks share: decoding GM tensors into double matrices, the
// error metrics a report shows (max abs, max rel, RMSE, RMS), the unit roundoff of a format with
// the forward-error factor gamma_n of an n-term dot product, and deterministic row sampling
// for outputs too large to recompute in full.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

using MatrixRd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows `rows` (indices), columns [0, cols) of a row-major 2-D tensor whose row length is its
// last shape entry, decoded exactly into doubles. The tensor must hold its bytes.
MatrixRd decode_rows(const isa::TensorDecl& t, const std::vector<std::uint64_t>& rows,
                     std::uint64_t cols);
// The leading rows x cols block of the same.
MatrixRd decode_block(const isa::TensorDecl& t, std::uint64_t rows, std::uint64_t cols);

// The declared 2-D GM tensor `name` of type t with `cols` columns and `rows` rows (at least
// `rows` with at_least_rows), holding all its bytes, or none when may_be_empty (timing-only
// runs). Otherwise isa::SimulationError "<who>: no tensor '<name>' of R x C <dtype> holding its
// bytes".
const isa::TensorDecl& expect_tensor(const isa::Program& p, const std::string& who,
                                     const std::string& name, numeric::DType t, std::uint64_t rows,
                                     std::uint64_t cols, bool at_least_rows = false,
                                     bool may_be_empty = true);

// Every row if rows <= max_rows, else max_rows indices spread evenly: floor(i * rows / max_rows)
// for i = 0 .. max_rows - 1 (first row included, deterministic).
std::vector<std::uint64_t> sample_rows(std::uint64_t rows, std::uint64_t max_rows);

// Unit roundoff of a float format, half the distance from 1 to the next value: fp32 2^-24,
// fp16 2^-11, bf16 2^-8, fp8_e4m3 2^-4. 0 for integer types (exact).
double unit_roundoff(numeric::DType t);
// The smallest positive value of a float format (its smallest subnormal): fp32 2^-149,
// fp16 2^-24, bf16 2^-133. 1 for integer types.
double smallest_positive(numeric::DType t);
// gamma_n = n u / (1 - n u): |fl(x . y) - x . y| <= gamma_n sum |x_i y_i| for an n-term dot
// product in any summation order with unit roundoff u (Higham, Accuracy and Stability of
// Numerical Algorithms, 2nd ed., eq. 3.5 and Lemma 3.1). +inf when n u >= 1.
double gamma_n(double n, double u);

// Error of computed values against an fp64 reference, accumulated one element at a time.
// The relative error is taken over elements whose reference is non-zero. Non-finite computed
// values are counted apart (and left out of the other figures, which stay finite for JSON).
struct ErrorMetrics {
  std::uint64_t count = 0;      // finite elements compared
  std::uint64_t nonfinite = 0;  // computed inf / NaN
  double max_abs = 0, max_rel = 0;
  double sum_sq_error = 0, sum_sq_reference = 0;

  void add(double reference, double computed);
  double rmse() const;           // sqrt(mean (computed - reference)^2)
  double reference_rms() const;  // sqrt(mean reference^2): the scale RMSE compares against
};

}  // namespace ascendsim::kernels
