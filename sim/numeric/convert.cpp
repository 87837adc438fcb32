// Per-format conversions of convert.hpp: the float formats are instances of the generic
// minifloat (minifloat.hpp, which also states the event rules); e8m0 is a pure exponent.
//
// Bit layouts (sign is always the top bit of the element):
//   fp8 e4m3  S.EEEE.MMM  bias 7, S.1111.111 NaN (canonical 0x7F), no inf, max 0x7E = 448
//   fp8 e5m2  S.EEEEE.MM  bias 15, IEEE inf 0x7C / NaN (canonical 0x7E), max 0x7B = 57344
//   fp4 e2m1  S.EE.M      bias 1: magnitudes {0, .5, 1, 1.5, 2, 3, 4, 6}
//   fp4 e1m2  S.E.MM      bias 1: bit 3 is the sign and bits 0-2 are magnitude / 0.25, i.e.
//                         the uniform grid {0, .25, ..., 1.75}
//   e8m0      EEEEEEEE    2^(code - 127), 0xFF NaN, no sign, no zero
//
// to_e8m0 rules: the scale is for |x|; k = log2|x| is rounded in the log domain (floor, ceil,
// toward_zero; both nearest modes round to the nearer integer, a tie is impossible since
// 2^(k + 1/2) is irrational). k outside [-127, 127] clamps (saturation event). x == 0 gives
// code 0 (2^-127, the smallest scale) without an event; NaN gives 0xFF; +-inf gives 0xFF and a
// `nan` event (e8m0 has no inf).
#include "sim/numeric/convert.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/numeric/half_bits.hpp"
#include "sim/numeric/minifloat.hpp"

namespace ascendsim::numeric {
namespace {

using detail::decode_minifloat;
using detail::encode_minifloat;
using detail::MiniFloatFormat;

template <std::size_t N>
std::array<float, N> build_table(const MiniFloatFormat& f) {
  std::array<float, N> table{};
  for (std::size_t code = 0; code < N; ++code)
    table[code] = static_cast<float>(decode_minifloat(f, static_cast<std::uint32_t>(code)));
  return table;
}

// Smallest double strictly above sqrt(2): the double nearest sqrt(2) lies above it, so for a
// double m in [1, 2), m >= kAboveSqrt2 exactly when m > sqrt(2).
constexpr double kAboveSqrt2 = 1.4142135623730951;

}  // namespace

namespace detail {

const std::array<float, 256>& e4m3_values() {
  static const auto table = build_table<256>(kE4M3);
  return table;
}
const std::array<float, 256>& e5m2_values() {
  static const auto table = build_table<256>(kE5M2);
  return table;
}
const std::array<float, 16>& e2m1_values() {
  static const auto table = build_table<16>(kE2M1);
  return table;
}
const std::array<float, 16>& e1m2_values() {
  static const auto table = build_table<16>(kE1M2);
  return table;
}

}  // namespace detail

float fp16_to_float(std::uint16_t bits) { return detail::fp16_bits_to_float(bits); }
float bf16_to_float(std::uint16_t bits) { return detail::bf16_bits_to_float(bits); }
float fp8_e4m3_to_float(std::uint8_t bits) { return detail::e4m3_values()[bits]; }
float fp8_e5m2_to_float(std::uint8_t bits) { return detail::e5m2_values()[bits]; }
float fp4_e2m1_to_float(std::uint8_t code) { return detail::e2m1_values()[code & 0xFu]; }
float fp4_e1m2_to_float(std::uint8_t code) { return detail::e1m2_values()[code & 0xFu]; }

double e8m0_to_double(std::uint8_t bits) {
  if (bits == 0xFF) return std::numeric_limits<double>::quiet_NaN();
  return std::ldexp(1.0, static_cast<int>(bits) - 127);
}

std::uint16_t to_fp16(double x, Rounding r, Overflow o, NumericEvents* ev) {
  return static_cast<std::uint16_t>(encode_minifloat<detail::kFp16>(x, r, o, ev));
}

std::uint16_t to_bf16(double x, Rounding r, Overflow o, NumericEvents* ev) {
  return static_cast<std::uint16_t>(encode_minifloat<detail::kBf16>(x, r, o, ev));
}

float to_fp32(double x, Rounding r, Overflow o, NumericEvents* ev) {
  if (r == Rounding::nearest_even) {
    // The hardware cast is RNE (default floating-point environment); a finite result that is
    // not a flushed nonzero cannot have raised an event, so it is final.
    const float f = static_cast<float>(x);
    if (std::isfinite(f) && (f != 0.0f || x == 0.0)) return f;
  }
  return detail::float_from_bits(encode_minifloat<detail::kFp32>(x, r, o, ev));
}

std::uint8_t to_fp8_e4m3(double x, Rounding r, Overflow o, NumericEvents* ev) {
  return static_cast<std::uint8_t>(encode_minifloat<detail::kE4M3>(x, r, o, ev));
}

std::uint8_t to_fp8_e5m2(double x, Rounding r, Overflow o, NumericEvents* ev) {
  return static_cast<std::uint8_t>(encode_minifloat<detail::kE5M2>(x, r, o, ev));
}

std::uint8_t to_fp4_e2m1(double x, Rounding r, NumericEvents* ev) {
  return static_cast<std::uint8_t>(encode_minifloat<detail::kE2M1>(x, r, Overflow::saturate, ev));
}

std::uint8_t to_fp4_e1m2(double x, Rounding r, NumericEvents* ev) {
  return static_cast<std::uint8_t>(encode_minifloat<detail::kE1M2>(x, r, Overflow::saturate, ev));
}

std::uint8_t to_e8m0(double x, Rounding r, NumericEvents* ev) {
  if (std::isnan(x)) return 0xFF;
  if (std::isinf(x)) {
    detail::count_event(&NumericEvents::nan, ev);
    return 0xFF;
  }
  if (x == 0.0) return 0x00;
  int e = 0;
  const double m = 2.0 * std::frexp(std::fabs(x), &e);  // |x| = m * 2^(e-1), m in [1, 2)
  int k = e - 1;                                        // floor(log2|x|)
  const bool exact = m == 1.0;
  switch (r) {
    case Rounding::floor:
      break;
    case Rounding::ceil:
      k += exact ? 0 : 1;
      break;
    case Rounding::toward_zero:
      k += (k < 0 && !exact) ? 1 : 0;
      break;
    case Rounding::nearest_even:
    case Rounding::nearest_away:
      k += m >= kAboveSqrt2 ? 1 : 0;
      break;
  }
  if (k < -127 || k > 127) {
    detail::count_event(&NumericEvents::saturation, ev);
    k = k < -127 ? -127 : 127;
  }
  return static_cast<std::uint8_t>(k + 127);
}

double max_finite(DType t) {
  switch (t) {
    case DType::fp32:
      return std::numeric_limits<float>::max();
    case DType::fp16:
      return decode_minifloat(detail::kFp16, detail::kFp16.max_mag);
    case DType::bf16:
      return decode_minifloat(detail::kBf16, detail::kBf16.max_mag);
    case DType::fp8_e4m3:
      return decode_minifloat(detail::kE4M3, detail::kE4M3.max_mag);
    case DType::fp8_e5m2:
      return decode_minifloat(detail::kE5M2, detail::kE5M2.max_mag);
    case DType::fp4_e2m1:
      return decode_minifloat(detail::kE2M1, detail::kE2M1.max_mag);
    case DType::fp4_e1m2:
      return decode_minifloat(detail::kE1M2, detail::kE1M2.max_mag);
    case DType::e8m0:
      return std::ldexp(1.0, 127);
    case DType::int8:
      return 127.0;
    case DType::uint8:
      return 255.0;
    case DType::int4:
      return 7.0;
    case DType::int16:
      return 32767.0;
    case DType::int32:
      return 2147483647.0;
  }
  throw std::invalid_argument("max_finite: unknown dtype");
}

}  // namespace ascendsim::numeric
