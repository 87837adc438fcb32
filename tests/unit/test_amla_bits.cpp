// AMLA's MUL by ADD (AMLA.md §3, §4.2, §11.1) as plain integer arithmetic on fp32 bit patterns:
// adding n * 2^23 to the bits of a normal x is x * 2^n exactly while the result stays normal;
// on +-0 the add produces garbage huge values (why V2 has a sanitiser); and adding
// 1.5 (c - 1) * 2^23 multiplies by c to within about half of |c - 1| (the compensation residual
// the check's bound relies on).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

std::int32_t as_int(float x) {
  std::int32_t i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}
float as_float(std::int32_t i) {
  float x;
  std::memcpy(&x, &i, sizeof x);
  return x;
}
// The int32 atomic add of the nUpdate, with two's-complement wraparound.
float add_bits(float x, std::int64_t n_int) {
  return as_float(static_cast<std::int32_t>(static_cast<std::uint32_t>(as_int(x)) +
                                            static_cast<std::uint32_t>(n_int)));
}

constexpr std::int64_t kExponentUnit = 1 << 23;  // one step of the 8-bit exponent field

// Normal floats of both signs whose exponent field is >= 31, so x * 2^-30 is still normal:
// the extremes (mantissa 0 and all ones, smallest and largest allowed exponent) and random ones.
std::vector<float> normal_samples() {
  std::vector<float> xs;
  for (std::uint32_t sign : {0u, 1u})
    for (std::uint32_t exp : {31u, 32u, 126u, 127u, 128u, 254u})
      for (std::uint32_t man : {0u, 1u, 0x400000u, 0x7FFFFFu})
        xs.push_back(as_float(static_cast<std::int32_t>(sign << 31 | exp << 23 | man)));
  std::mt19937 g(3);
  std::uniform_int_distribution<std::uint32_t> exp(31, 254), man(0, 0x7FFFFF), sign(0, 1);
  for (int i = 0; i < 20000; ++i)
    xs.push_back(as_float(static_cast<std::int32_t>(sign(g) << 31 | exp(g) << 23 | man(g))));
  return xs;
}

}  // namespace

TEST_CASE("adding n * 2^23 to the bits of a normal fp32 is an exact multiply by 2^n", "[amla]") {
  const std::vector<float> xs = normal_samples();
  std::uint64_t checked = 0, subnormal = 0, wrong = 0;
  for (float x : xs)
    for (int n = -30; n <= 0; ++n) {
      const float want = std::ldexp(x, n);  // exact while the result is normal
      subnormal += !std::isnormal(want);
      wrong += add_bits(x, n * kExponentUnit) != want;
      ++checked;
    }
  CHECK(checked == xs.size() * 31);
  CHECK(subnormal == 0);  // the samples keep every result normal
  CHECK(wrong == 0);
}

TEST_CASE("the bit add on +0 or -0 gives inf or a value beyond the 1e10 sanitiser bound",
          "[amla]") {
  for (int n = -30; n <= -1; ++n) {
    // +0 (bits 0): 2^32 + n 2^23 wraps to sign 1, exponent field 256 + n, mantissa 0.
    const float from_plus = add_bits(0.0f, n * kExponentUnit);
    if (n == -1) {
      CHECK(from_plus == -INFINITY);  // exponent field 255
    } else {
      CHECK(from_plus == -std::ldexp(1.0f, 129 + n));  // -2^127 ... -2^99
      CHECK(std::fabs(from_plus) > 1e10);
    }
    // -0 (bits 2^31): the borrow clears the sign bit, exponent field 256 + n again.
    const float from_minus = add_bits(-0.0f, n * kExponentUnit);
    CHECK((std::isinf(from_minus) || std::fabs(from_minus) > 1e10));
    CHECK_FALSE(std::signbit(from_minus));
  }
}

TEST_CASE("adding 1.5 (c - 1) * 2^23 to the bits multiplies by c within |c - 1| / 2 (1 - |c - 1|)",
          "[amla]") {
  // c = cof_prev / cof stays within 2 u_p / (1 - u_p) of 1; bf16's 2^-7 is the widest case.
  // These c make 1.5 (c - 1) 2^23 an integer, so no int32 rounding enters.
  const std::vector<float> xs = normal_samples();
  double worst = 0;  // largest |achieved / (c x) - 1| over the bound
  for (double c : {1 - 0x1p-7, 1 - 0x1p-9, 1 - 0x1p-12, 1 + 0x1p-12, 1 + 0x1p-9, 1 + 0x1p-7}) {
    const std::int64_t n_int = std::llround(1.5 * (c - 1) * kExponentUnit);
    for (float x : xs) {
      if (std::fabs(x) > 1e38f) continue;  // c x must not overflow
      const double achieved = add_bits(x, n_int) / (c * double(x)) - 1;
      const double kappa = std::fabs(c - 1);
      worst = std::max(worst, std::fabs(achieved) / (kappa / (2 * (1 - kappa))));
    }
  }
  CHECK(worst <= 1.0);
  CHECK(worst > 0.9);  // the 0.5 is attained (mantissas near 1.0 for c > 1): the bound is tight
}
