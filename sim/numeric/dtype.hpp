#pragma once
// Element types the simulated hardware stores and computes in, and the policies that govern a
// conversion between them. This header is the contract shared by the ISA, the models and the
// kernels; conversions themselves live in convert.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ascendsim::numeric {

enum class DType : std::uint8_t {
  fp32,
  fp16,
  bf16,
  int8,
  uint8,
  int4,     // two's complement, two per byte, low nibble first
  int16,
  int32,
  fp8_e4m3, // OFP8 E4M3: bias 7, no inf, S.1111.111 is NaN, max 448
  fp8_e5m2, // OFP8 E5M2: IEEE-like, bias 15, inf and NaN, max 57344
  fp4_e2m1, // OCP MX FP4: {0, 0.5, 1, 1.5, 2, 3, 4, 6}, no inf/NaN, two per byte
  fp4_e1m2, // MSD's uniform grid: {0, 0.25, ..., 1.75}, no inf/NaN, two per byte
  e8m0,     // MX block scale: 2^(code-127), 0xFF is NaN
};
inline constexpr int kDTypeCount = 13;

// Bits one element occupies in memory (4 for the packed nibble types).
int dtype_bits(DType t);
// Bytes for `count` elements, rounding a trailing nibble up.
std::uint64_t dtype_bytes(DType t, std::uint64_t count);
bool is_float(DType t);
bool is_packed(DType t);  // int4, fp4_*: two elements per byte
std::string_view dtype_name(DType t);
std::optional<DType> parse_dtype(std::string_view name);

enum class Rounding : std::uint8_t {
  nearest_even,  // IEEE default (RNE)
  toward_zero,   // RTZ (truncate)
  nearest_away,  // RNA: ties away from zero
  floor,         // toward -inf
  ceil,          // toward +inf
};
std::string_view rounding_name(Rounding r);
std::optional<Rounding> parse_rounding(std::string_view name);

enum class Overflow : std::uint8_t {
  inf,       // IEEE: out-of-range finite values become +-inf (formats without inf: NaN)
  saturate,  // clamp to +-max finite
};

// Numeric events a conversion or an arithmetic instruction produced. Plain counters, owned by
// whoever executes (one per pipe in the models), never global.
struct NumericEvents {
  std::uint64_t overflow = 0;    // finite input became +-inf
  std::uint64_t nan = 0;         // NaN produced from non-NaN inputs
  std::uint64_t saturation = 0;  // value clamped to the format's range
  std::uint64_t underflow = 0;   // non-zero input became zero
  NumericEvents& operator+=(const NumericEvents& o) {
    overflow += o.overflow;
    nan += o.nan;
    saturation += o.saturation;
    underflow += o.underflow;
    return *this;
  }
  bool any() const { return overflow || nan || saturation || underflow; }
};

}  // namespace ascendsim::numeric
