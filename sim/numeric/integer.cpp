// Conversion of a double to the integer element types: round to an integral value as told,
// then saturate to the type's range. NaN becomes 0 and counts a `nan` event; a clamped value
// (including +-inf) counts `saturation`. No other event applies (an integer has no underflow:
// 0.3 -> 0 is ordinary rounding).
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/numeric/convert.hpp"
#include "sim/numeric/minifloat.hpp"

namespace ascendsim::numeric {
namespace {

struct IntRange {
  double lo;
  double hi;
};

IntRange int_range(DType t) {
  switch (t) {
    case DType::int8:
      return {-128.0, 127.0};
    case DType::uint8:
      return {0.0, 255.0};
    case DType::int4:
      return {-8.0, 7.0};
    case DType::int16:
      return {-32768.0, 32767.0};
    case DType::int32:
      return {-2147483648.0, 2147483647.0};
    default:
      break;
  }
  throw std::invalid_argument("to_integer: " + std::string(dtype_name(t)) +
                              " is not an integer type");
}

// x rounded to an integral double. Every |x| >= 2^52 is already integral (and inf stays inf);
// below that, x - trunc(x) is exact.
double round_integral(double x, Rounding r) {
  if (!(std::fabs(x) < 0x1p52)) return x;
  const double whole = std::trunc(x);
  const double frac = x - whole;
  const double away = x < 0 ? -1.0 : 1.0;
  const double a = std::fabs(frac);
  switch (r) {
    case Rounding::nearest_even:
      return (a > 0.5 || (a == 0.5 && std::fmod(whole, 2.0) != 0.0)) ? whole + away : whole;
    case Rounding::nearest_away:
      return a >= 0.5 ? whole + away : whole;
    case Rounding::toward_zero:
      return whole;
    case Rounding::floor:
      return frac < 0 ? whole - 1.0 : whole;
    case Rounding::ceil:
      return frac > 0 ? whole + 1.0 : whole;
  }
  return whole;
}

}  // namespace

std::int64_t to_integer(double x, DType t, Rounding r, NumericEvents* ev) {
  const IntRange range = int_range(t);
  if (std::isnan(x)) {
    detail::count_event(&NumericEvents::nan, ev);
    return 0;
  }
  double v = round_integral(x, r);
  if (v < range.lo || v > range.hi) {
    detail::count_event(&NumericEvents::saturation, ev);
    v = v < range.lo ? range.lo : range.hi;
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace ascendsim::numeric
