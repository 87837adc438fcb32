#pragma once
// Bit-exact conversions between the element types of dtype.hpp. The single place where formats
// and rounding live: the models, the kernels' references and the tests all go through here.
//
// Encoders take a double (exact for every source format here, so one rounding step happens)
// and round as told; decoders are exact. NaN inputs encode to the format's canonical NaN (or,
// for formats without NaN, follow `Overflow`: saturate -> clamp is impossible for NaN, so NaN
// becomes 0 and counts a `nan` event). Integers round with `Rounding` and always saturate.
// Which event each conversion counts: minifloat.hpp; bit layouts (fp8, fp4 e1m2, e8m0) and
// the e8m0 rounding rules: convert.cpp.
#include <cstdint>

#include "sim/numeric/dtype.hpp"

namespace ascendsim::numeric {

// ---- per-format bit conversions -------------------------------------------------------------
float fp16_to_float(std::uint16_t bits);
float bf16_to_float(std::uint16_t bits);
float fp8_e4m3_to_float(std::uint8_t bits);
float fp8_e5m2_to_float(std::uint8_t bits);
float fp4_e2m1_to_float(std::uint8_t code);  // low 4 bits
float fp4_e1m2_to_float(std::uint8_t code);  // low 4 bits
double e8m0_to_double(std::uint8_t bits);    // 2^(bits-127); 0xFF -> NaN

std::uint16_t to_fp16(double x, Rounding r = Rounding::nearest_even, Overflow o = Overflow::inf,
                      NumericEvents* ev = nullptr);
std::uint16_t to_bf16(double x, Rounding r = Rounding::nearest_even, Overflow o = Overflow::inf,
                      NumericEvents* ev = nullptr);
float to_fp32(double x, Rounding r = Rounding::nearest_even, Overflow o = Overflow::inf,
              NumericEvents* ev = nullptr);
std::uint8_t to_fp8_e4m3(double x, Rounding r = Rounding::nearest_even,
                         Overflow o = Overflow::saturate, NumericEvents* ev = nullptr);
std::uint8_t to_fp8_e5m2(double x, Rounding r = Rounding::nearest_even,
                         Overflow o = Overflow::inf, NumericEvents* ev = nullptr);
std::uint8_t to_fp4_e2m1(double x, Rounding r = Rounding::nearest_even,
                         NumericEvents* ev = nullptr);  // always saturates (no inf)
std::uint8_t to_fp4_e1m2(double x, Rounding r = Rounding::nearest_even,
                         NumericEvents* ev = nullptr);  // always saturates (no inf)
// e8m0 scale for x: 2^k with k = log2|x| rounded as told (floor is the OCP MX rule).
std::uint8_t to_e8m0(double x, Rounding r = Rounding::floor, NumericEvents* ev = nullptr);
// Integers: round, then saturate to the type's range (saturation counted).
std::int64_t to_integer(double x, DType t, Rounding r = Rounding::nearest_even,
                        NumericEvents* ev = nullptr);

// ---- any type, by DType (added beside the per-format functions) ------------------------------
// Bit pattern of `x` encoded as `t`, in the low dtype_bits(t) bits (integers: two's complement).
// Float types use `o`; e8m0 and the integers ignore it; fp4 always saturates.
std::uint32_t encode_bits(DType t, double x, Rounding r = Rounding::nearest_even,
                          Overflow o = Overflow::inf, NumericEvents* ev = nullptr);
// Exact value of the low dtype_bits(t) bits of `bits` as `t` (integers sign-extended).
double decode_bits(DType t, std::uint32_t bits);
// `x` rounded to a value of `t` (encode then decode): what storing and reloading would give.
double quantize(DType t, double x, Rounding r = Rounding::nearest_even,
                Overflow o = Overflow::inf, NumericEvents* ev = nullptr);

// ---- element access in packed byte storage ---------------------------------------------------
// Element `index` of an array of `t` starting at `base` (4-bit types: low nibble first; wider
// types little-endian).
double load_element(DType t, const std::uint8_t* base, std::uint64_t index);
// Encode `x` as `t` and store it. Float types use `o`; integer types always saturate.
void store_element(DType t, std::uint8_t* base, std::uint64_t index, double x,
                   Rounding r = Rounding::nearest_even, Overflow o = Overflow::inf,
                   NumericEvents* ev = nullptr);
// Raw bit pattern access (for the int32 view of fp32 bits, traces, tests).
std::uint32_t load_bits(DType t, const std::uint8_t* base, std::uint64_t index);
void store_bits(DType t, std::uint8_t* base, std::uint64_t index, std::uint32_t bits);

// Bulk: widen `count` elements of `t` to float (fast paths for fp32/fp16/bf16/int8).
void widen_to_float(DType t, const std::uint8_t* base, std::uint64_t first, std::uint64_t count,
                    float* out);

// Largest finite value of a float format (65504 for fp16); for integers, the max value.
double max_finite(DType t);

}  // namespace ascendsim::numeric
