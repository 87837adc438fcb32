// Decoding side of the generic minifloat (see minifloat.hpp): exact, so a plain formula.
#include "sim/numeric/minifloat.hpp"

#include <cmath>
#include <limits>

namespace ascendsim::numeric::detail {

double decode_minifloat(const MiniFloatFormat& f, std::uint32_t code) {
  const std::uint32_t sign_bit = f.sign_bit();
  const std::uint32_t mag = code & (sign_bit - 1u);
  const bool negative = (code & sign_bit) != 0;
  const std::uint32_t field = mag >> f.man_bits;
  const std::uint32_t fraction = mag & ((1u << f.man_bits) - 1u);
  const std::uint32_t all_ones = (1u << f.exp_bits) - 1u;

  if (f.specials == Specials::ieee && field == all_ones) {
    if (fraction != 0) return std::numeric_limits<double>::quiet_NaN();
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (f.specials == Specials::nan_only && mag == sign_bit - 1u)
    return std::numeric_limits<double>::quiet_NaN();

  const double value = field == 0 ? std::ldexp(static_cast<double>(fraction), f.emin() - f.man_bits)
                                  : std::ldexp(static_cast<double>(fraction + (1u << f.man_bits)),
                                               static_cast<int>(field) - f.bias - f.man_bits);
  return negative ? -value : value;
}

}  // namespace ascendsim::numeric::detail
