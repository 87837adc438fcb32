#pragma once
// Branch-light decoders of the two 16-bit formats into float, shared by the per-element
// conversions and the bulk widening path. Private to sim/numeric.
//
// fp16 subnormals are computed as fraction * 2^-24 in float: both factors and the product are
// exact normal floats, so the result does not depend on the FPU's denormals-are-zero mode.
#include <cstdint>
#include <cstring>

namespace ascendsim::numeric::detail {

inline float float_from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline std::uint32_t bits_from_float(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

inline float fp16_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t field = (h >> 10) & 0x1Fu;
  const std::uint32_t fraction = h & 0x3FFu;
  std::uint32_t bits;
  if (field == 0)
    bits = bits_from_float(static_cast<float>(fraction) * 0x1p-24f);
  else if (field == 0x1F)
    bits = 0x7F800000u | (fraction << 13);  // inf, or NaN keeping its payload
  else
    bits = ((field + (127 - 15)) << 23) | (fraction << 13);
  return float_from_bits(bits | sign);
}

inline float bf16_bits_to_float(std::uint16_t b) {
  return float_from_bits(static_cast<std::uint32_t>(b) << 16);
}

}  // namespace ascendsim::numeric::detail
