#pragma once
// A binary floating-point format with a sign bit, `exp_bits` of biased exponent, `man_bits` of
// fraction and IEEE-style subnormals (exponent field 0). Every float format of dtype.hpp except
// e8m0 is one constant instance of it (fp32, fp16, bf16, fp8 e4m3/e5m2, fp4 e2m1/e1m2), so the
// rounding and the overflow rules are written once. Private to sim/numeric.
//
// The encoder takes a double and rounds exactly once: it reads the double's bits, keeps the
// significand bits above the target's unit in the last place (ulp) and rounds on the bits
// below it, which are classified as exact / below half / tie / above half. Overflow is decided
// AFTER rounding: a magnitude code above the largest finite one overflowed (so under RNE fp16,
// 65519.99 -> 65504 and 65520 -> inf, the IEEE rule "x >= max + ulp/2 overflows").
//
// Event rules (NumericEvents, counted only when the pointer is non-null):
//   overflow   a finite input became +-inf (format with inf, Overflow::inf, and a rounding
//              mode that may grow the magnitude: nearest_even, nearest_away, floor for
//              negatives, ceil for positives). An inf input staying inf is not an overflow.
//   saturation the rounded magnitude exceeded max finite and was clamped to +-max finite: by
//              Overflow::saturate, by a format without inf/NaN (fp4), or by the rounding
//              direction (toward_zero, floor for positives, ceil for negatives never leave the
//              finite range: IEEE semantics). A value that rounds to max finite by itself
//              (fp16 65519 under toward_zero) is not clamped and counts nothing.
//              An inf input is clamped likewise (and counted) under Overflow::saturate or in
//              fp4; under Overflow::inf it stays inf (or, in e4m3, becomes NaN: see `nan`).
//   nan        a NaN was produced from a non-NaN input: overflow or inf input under
//              Overflow::inf in e4m3 (no inf, so NaN). Also counted when a NaN input meets a
//              format without NaN (fp4): it becomes +0. A NaN input to a format with NaN
//              becomes the canonical (positive, quiet) NaN without an event.
//   underflow  a nonzero finite input rounded to +-0 (the sign is kept).
// Exactly one event at most per conversion.
#include <array>
#include <cstdint>
#include <cstring>

#include "sim/numeric/dtype.hpp"

namespace ascendsim::numeric::detail {

enum class Specials : std::uint8_t {
  ieee,      // exponent all ones: fraction 0 is inf, any other fraction is NaN
  nan_only,  // no inf; only S.1...1 (every exponent and fraction bit set) is NaN (OFP8 E4M3)
  none,      // every code is a finite number (fp4)
};

struct MiniFloatFormat {
  int exp_bits;
  int man_bits;  // < 52, so a double's significand always has bits below the target ulp
  int bias;
  Specials specials;
  std::uint32_t max_mag;   // magnitude code (sign cleared) of the largest finite value
  std::uint32_t nan_code;  // canonical NaN (positive); unused when specials == none

  constexpr std::uint32_t sign_bit() const { return 1u << (exp_bits + man_bits); }
  constexpr std::uint32_t inf_code() const { return ((1u << exp_bits) - 1u) << man_bits; }
  constexpr int emin() const { return 1 - bias; }  // unbiased exponent of the smallest normal
};

inline constexpr MiniFloatFormat kFp32{8, 23, 127, Specials::ieee, 0x7F7FFFFFu, 0x7FC00000u};
inline constexpr MiniFloatFormat kFp16{5, 10, 15, Specials::ieee, 0x7BFFu, 0x7E00u};
inline constexpr MiniFloatFormat kBf16{8, 7, 127, Specials::ieee, 0x7F7Fu, 0x7FC0u};
inline constexpr MiniFloatFormat kE4M3{4, 3, 7, Specials::nan_only, 0x7Eu, 0x7Fu};
inline constexpr MiniFloatFormat kE5M2{5, 2, 15, Specials::ieee, 0x7Bu, 0x7Eu};
inline constexpr MiniFloatFormat kE2M1{2, 1, 1, Specials::none, 0x7u, 0u};
// With one exponent bit and bias 1 the codes land on the uniform grid magnitude = code * 0.25:
// field 0 (subnormal) gives 0, .25, .5, .75 and field 1 gives 1, 1.25, 1.5, 1.75.
inline constexpr MiniFloatFormat kE1M2{1, 2, 1, Specials::none, 0x7u, 0u};

inline void count_event(std::uint64_t NumericEvents::*field, NumericEvents* ev) {
  if (ev) ++(ev->*field);
}

// The code for a value whose rounded magnitude exceeded the largest finite one (or an inf
// input, with `directed_down` false) in a format that must decide between inf, NaN and max.
inline std::uint32_t overflow_code(const MiniFloatFormat& f, std::uint32_t sign, bool directed_down,
                                   Overflow o, NumericEvents* ev) {
  if (directed_down || o == Overflow::saturate || f.specials == Specials::none) {
    count_event(&NumericEvents::saturation, ev);
    return sign | f.max_mag;
  }
  if (f.specials == Specials::ieee) {
    count_event(&NumericEvents::overflow, ev);
    return sign | f.inf_code();
  }
  count_event(&NumericEvents::nan, ev);
  return f.nan_code;
}

// A template on the format so that each instantiation folds the format's constants.
template <const MiniFloatFormat& f>
std::uint32_t encode_minifloat(double x, Rounding r, Overflow o, NumericEvents* ev) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const bool negative = (bits >> 63) != 0;
  const std::uint32_t sign = negative ? f.sign_bit() : 0u;
  const int dexp = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t sig = bits & ((std::uint64_t{1} << 52) - 1);

  if (dexp == 0x7FF) {
    if (sig != 0) {  // NaN
      if (f.specials != Specials::none) return f.nan_code;
      count_event(&NumericEvents::nan, ev);
      return 0u;
    }
    if (f.specials == Specials::ieee && o == Overflow::inf) return sign | f.inf_code();
    return overflow_code(f, sign, false, o, ev);
  }
  if (dexp == 0 && sig == 0) return sign;  // +-0

  int e = -1022;  // unbiased exponent of the double; sig * 2^(e - 52) is |x|
  if (dexp != 0) {
    sig |= std::uint64_t{1} << 52;
    e = dexp - 1023;
  }
  const int emin = f.emin();
  const int ulp_exp = (e > emin ? e : emin) - f.man_bits;
  const int shift = ulp_exp - (e - 52);  // >= 52 - man_bits >= 1

  std::uint64_t n = 0;  // |x| / 2^ulp_exp, truncated
  bool inexact = true;
  bool above_half = false;  // discarded part > ulp/2
  bool tie = false;         // discarded part == ulp/2
  if (shift < 64) {
    n = sig >> shift;
    const std::uint64_t rem = sig & ((std::uint64_t{1} << shift) - 1);
    const std::uint64_t half = std::uint64_t{1} << (shift - 1);
    inexact = rem != 0;
    above_half = rem > half;
    tie = rem == half;
  }

  bool up = false;
  switch (r) {
    case Rounding::nearest_even:
      up = above_half || (tie && (n & 1u));
      break;
    case Rounding::nearest_away:
      up = above_half || tie;
      break;
    case Rounding::toward_zero:
      break;
    case Rounding::floor:
      up = negative && inexact;
      break;
    case Rounding::ceil:
      up = !negative && inexact;
      break;
  }
  n += up ? 1u : 0u;

  // Normal: biased exponent field above the fraction; n in [2^man, 2^(man+1)] and a carry out
  // of the fraction bumps the exponent field by itself. Subnormal: the code is n.
  const std::uint64_t mag = e >= emin ? (static_cast<std::uint64_t>(e - emin + 1) << f.man_bits) +
                                            n - (std::uint64_t{1} << f.man_bits)
                                      : n;
  if (mag > f.max_mag) {
    const bool directed_down = r == Rounding::toward_zero || (r == Rounding::floor && !negative) ||
                               (r == Rounding::ceil && negative);
    return overflow_code(f, sign, directed_down, o, ev);
  }
  if (mag == 0) count_event(&NumericEvents::underflow, ev);
  return sign | static_cast<std::uint32_t>(mag);
}

// Exact value of `code` (bits above the format's width are ignored).
double decode_minifloat(const MiniFloatFormat& f, std::uint32_t code);

// Every code of the 8- and 4-bit formats decoded to float, built once on first use.
const std::array<float, 256>& e4m3_values();
const std::array<float, 256>& e5m2_values();
const std::array<float, 16>& e2m1_values();
const std::array<float, 16>& e1m2_values();

}  // namespace ascendsim::numeric::detail
