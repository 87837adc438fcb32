// Shared fp64 reference helpers (see reference.hpp).
#include "kernels/common/reference.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

// Decodes `count` elements starting at element `first`: the widening fast path where it is
// exact (every format that fits a float's 24-bit significand), element by element otherwise.
void decode_run(numeric::DType t, const std::uint8_t* base, std::uint64_t first,
                std::uint64_t count, double* out, std::vector<float>& scratch) {
  const bool fits_float = t != numeric::DType::int32 && t != numeric::DType::int16;
  if (!fits_float) {
    for (std::uint64_t i = 0; i < count; ++i) out[i] = numeric::load_element(t, base, first + i);
    return;
  }
  scratch.resize(count);
  numeric::widen_to_float(t, base, first, count, scratch.data());
  for (std::uint64_t i = 0; i < count; ++i) out[i] = scratch[i];
}

std::uint64_t row_length(const isa::TensorDecl& t) {
  if (t.shape.empty()) throw std::invalid_argument("tensor '" + t.name + "' has no shape");
  if (t.data.size() != t.bytes())
    throw std::invalid_argument("tensor '" + t.name + "' holds no data to decode");
  return t.shape.back();
}

}  // namespace

MatrixRd decode_rows(const isa::TensorDecl& t, const std::vector<std::uint64_t>& rows,
                     std::uint64_t cols) {
  const std::uint64_t stride = row_length(t);
  const std::uint64_t total_rows = t.elements() / stride;
  if (cols > stride) throw std::invalid_argument("decode_rows: cols exceed the row length");
  MatrixRd m(rows.size(), cols);
  std::vector<float> scratch;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= total_rows) throw std::invalid_argument("decode_rows: row out of range");
    decode_run(t.dtype, t.data.data(), rows[i] * stride, cols, m.row(i).data(), scratch);
  }
  return m;
}

MatrixRd decode_block(const isa::TensorDecl& t, std::uint64_t rows, std::uint64_t cols) {
  std::vector<std::uint64_t> index(rows);
  for (std::uint64_t r = 0; r < rows; ++r) index[r] = r;
  return decode_rows(t, index, cols);
}

const isa::TensorDecl& expect_tensor(const isa::Program& p, const std::string& who,
                                     const std::string& name, numeric::DType t, std::uint64_t rows,
                                     std::uint64_t cols, bool at_least_rows, bool may_be_empty) {
  const isa::TensorDecl* d = p.find_tensor(name);
  const bool shape_ok = d && d->shape.size() == 2 && d->shape[1] == cols &&
                        (at_least_rows ? d->shape[0] >= rows : d->shape[0] == rows);
  if (!shape_ok || d->dtype != t ||
      d->data.size() != (may_be_empty && d->data.empty() ? 0 : d->bytes()))
    throw isa::SimulationError(who + ": no tensor '" + name + "' of " + std::to_string(rows) +
                               " x " + std::to_string(cols) + " " +
                               std::string(numeric::dtype_name(t)) + " holding its bytes");
  return *d;
}

std::vector<std::uint64_t> sample_rows(std::uint64_t rows, std::uint64_t max_rows) {
  const std::uint64_t n = rows <= max_rows ? rows : max_rows;
  std::vector<std::uint64_t> out(n);
  for (std::uint64_t i = 0; i < n; ++i)
    out[i] = rows <= max_rows ? i : i * rows / max_rows;  // rows < 2^32: no overflow
  return out;
}

double unit_roundoff(numeric::DType t) {
  if (!numeric::is_float(t)) return 0.0;
  const std::uint32_t one = numeric::encode_bits(t, 1.0);
  return (numeric::decode_bits(t, one + 1) - 1.0) / 2.0;
}

double smallest_positive(numeric::DType t) {
  return numeric::is_float(t) ? numeric::decode_bits(t, 1) : 1.0;
}

double gamma_n(double n, double u) {
  const double nu = n * u;
  return nu >= 1.0 ? std::numeric_limits<double>::infinity() : nu / (1.0 - nu);
}

void ErrorMetrics::add(double reference, double computed) {
  if (!std::isfinite(computed)) {
    ++nonfinite;
    return;
  }
  const double err = std::fabs(computed - reference);
  ++count;
  if (err > max_abs) max_abs = err;
  if (reference != 0.0 && err / std::fabs(reference) > max_rel)
    max_rel = err / std::fabs(reference);
  sum_sq_error += err * err;
  sum_sq_reference += reference * reference;
}

double ErrorMetrics::rmse() const { return count ? std::sqrt(sum_sq_error / count) : 0.0; }
double ErrorMetrics::reference_rms() const {
  return count ? std::sqrt(sum_sq_reference / count) : 0.0;
}

}  // namespace ascendsim::kernels
