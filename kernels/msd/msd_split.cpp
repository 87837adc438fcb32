// MSD activation splits (MSD.md §4, §5, §12). Every element rounding goes through
// sim/numeric's encoder with round-to-nearest-even (MSD.md §12: the paper uses RNE) and
// saturation, so the codes are exactly what the chip's conversion would store.
//
// OCP E2M1 constants (kMxfp4E2m1Split; MSD.md §14 asks for them to be re-derived). Grid
// {0, .5, 1, 1.5, 2, 3, 4, 6}: step .5 on [0, 2], 1 on [2, 4], 2 on [4, 6]; max 6.
//   Pass 1, alpha = 2^ceil(log2(M_b / c)), so |x / alpha| <= c. In range the rounding error is at
//   most half the top step, 1 (on [4, 6]); elements in (6, c] saturate with error c - 6. Taking
//   c = 7 makes the clip error reach but not exceed the in-range maximum (the paper's reason for
//   1.859375 > 1.75: alpha halves more often), so |r| <= alpha.
//   Pass 2, beta = alpha / 4: |r / beta| <= 4 sits inside the grid (no saturation) and rounds with
//   error <= half the step on [2, 4], 0.5 beta. Bound: max |x_b - x^_b| <= alpha / 8.
//   (beta = alpha / 8 would put r / beta up to 8, saturating (6, 8] with error up to 2 beta =
//   alpha / 4: a worse bound.) Tight at x = 4.625 alpha: q1 = 4, r = 0.625 alpha, r / beta = 2.5,
//   an RNE tie that goes to 2, error 0.5 beta.
#include "kernels/msd/msd_split.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels::msd {

using numeric::DType;

namespace {

constexpr int kE8m0MinExp = -127;  // E8M0 code 0 is 2^-127 (MSD.md §12)
constexpr int kE8m0MaxExp = 127;   // code 254; 0xFF is NaN

// Smallest k with m <= threshold 2^k (m > 0): ceil(log2(m / threshold)) without the rounding of a
// division or a log; ldexp by a power of two is exact.
int ceil_exponent(double m, double threshold) {
  int k = static_cast<int>(std::ceil(std::log2(m / threshold)));
  while (m > std::ldexp(threshold, k)) ++k;
  while (m <= std::ldexp(threshold, k - 1)) --k;
  return k;
}

// Pass-1 scale exponent of a block with max |x| = m > 0.
int mx_first_exponent(double m, const MxSplitParams& p) {
  int k = 0;
  if (p.rule == MxScaleRule::ceil_threshold) {
    k = ceil_exponent(m, p.threshold);
  } else {  // OCP: floor(log2 m) - emax_elem, emax_elem = floor(log2(max finite element))
    k = std::ilogb(m) - std::ilogb(numeric::max_finite(p.element));
  }
  return std::clamp(k, kE8m0MinExp, kE8m0MaxExp);
}

// One pass over elements [first, last) of the residual with one scale: codes, x_hat, residual.
void quantize_range(SplitResult& out, std::vector<double>& residual, std::size_t first,
                    std::size_t last, double scale, numeric::NumericEvents& ev) {
  auto& codes = out.codes.back();
  for (std::size_t i = first; i < last; ++i) {
    const std::uint32_t bits =
        numeric::encode_bits(out.element, residual[i] / scale, numeric::Rounding::nearest_even,
                             numeric::Overflow::saturate, &ev);
    codes[i] = static_cast<std::uint8_t>(bits);
    const double piece = scale * numeric::decode_bits(out.element, bits);
    out.x_hat[i] += piece;
    residual[i] -= piece;
  }
}

SplitResult start(const std::vector<double>& x, DType element, std::size_t block) {
  SplitResult out;
  out.element = element;
  out.block = block;
  out.x_hat.assign(x.size(), 0.0);
  return out;
}

}  // namespace

double SplitResult::value(std::size_t pass, std::size_t i) const {
  return numeric::decode_bits(element, codes.at(pass).at(i));
}

SplitResult int_split(const std::vector<double>& x, const IntSplitParams& p) {
  if (p.element != DType::int8 && p.element != DType::int4)
    throw std::invalid_argument("int_split: element must be int8 or int4");
  if (p.passes < 1) throw std::invalid_argument("int_split: passes must be >= 1");
  SplitResult out = start(x, p.element, x.size());
  const double m = max_abs(x);
  std::vector<double> residual = x;
  double scale = m > 0.0 ? m / p.first_divisor : 1.0;  // eq 7: alpha = M / 127
  for (int k = 0; k < p.passes; ++k) {
    if (k > 0) scale /= p.step_divisor;  // eq 9: beta = alpha / 254, and on down
    numeric::NumericEvents ev;
    out.codes.emplace_back(x.size(), 0);
    out.scales.push_back({scale});
    quantize_range(out, residual, 0, x.size(), scale, ev);
    out.saturated.push_back(ev.saturation);
  }
  return out;
}

double int_split_bound(double max_abs_x, const IntSplitParams& p) {
  return max_abs_x / (2.0 * p.first_divisor * std::pow(p.step_divisor, p.passes - 1));
}

SplitResult mx_split(const std::vector<double>& x, const MxSplitParams& p) {
  if (p.passes < 1 || p.block == 0 || p.step_ratio <= 0.0)
    throw std::invalid_argument("mx_split: passes >= 1, block > 0 and step_ratio > 0 required");
  SplitResult out = start(x, p.element, p.block);
  const std::size_t blocks = (x.size() + p.block - 1) / p.block;
  std::vector<double> alpha(blocks, 1.0);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t first = b * p.block, last = std::min(x.size(), first + p.block);
    double m = 0.0;
    for (std::size_t i = first; i < last; ++i) m = std::max(m, std::fabs(x[i]));
    if (m > 0.0) alpha[b] = std::ldexp(1.0, mx_first_exponent(m, p));
  }
  std::vector<double> residual = x;
  for (int k = 0; k < p.passes; ++k) {
    numeric::NumericEvents ev;
    out.codes.emplace_back(x.size(), 0);
    out.scales.emplace_back(blocks, 0.0);
    for (std::size_t b = 0; b < blocks; ++b) {
      const double scale = alpha[b] / std::pow(p.step_ratio, k);  // beta = alpha / 16
      out.scales.back()[b] = scale;
      const std::size_t first = b * p.block, last = std::min(x.size(), first + p.block);
      quantize_range(out, residual, first, last, scale, ev);
    }
    out.saturated.push_back(ev.saturation);
  }
  return out;
}

double max_abs(const std::vector<double>& x) {
  double m = 0.0;
  for (double v : x) m = std::max(m, std::fabs(v));
  return m;
}

double max_abs_error(const std::vector<double>& x, const std::vector<double>& x_hat) {
  if (x.size() != x_hat.size()) throw std::invalid_argument("max_abs_error: size mismatch");
  double e = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) e = std::max(e, std::fabs(x[i] - x_hat[i]));
  return e;
}

double effective_bits(const std::vector<double>& x, const std::vector<double>& x_hat) {
  if (x.size() != x_hat.size()) throw std::invalid_argument("effective_bits: size mismatch");
  double err = 0.0, ref = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    err += (x[i] - x_hat[i]) * (x[i] - x_hat[i]);
    ref += x[i] * x[i];
  }
  if (err == 0.0) return std::numeric_limits<double>::infinity();
  return -0.5 * std::log2(err / ref);
}

double bound_ratio(const std::vector<double>& x, const std::vector<double>& x_hat, double bound) {
  return max_abs_error(x, x_hat) / bound;
}

}  // namespace ascendsim::kernels::msd
