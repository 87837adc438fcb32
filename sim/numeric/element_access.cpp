// Elements in byte storage: the DType dispatch (encode_bits / decode_bits), packed nibble and
// little-endian multi-byte access, and the bulk widening path the cube and vector models use.
// Storage layout: element i of a 4-bit type is the low nibble of byte i/2 when i is even and
// the high nibble when odd; 16- and 32-bit elements are little-endian.
#include <array>
#include <cstring>
#include <stdexcept>

#include "sim/numeric/convert.hpp"
#include "sim/numeric/half_bits.hpp"
#include "sim/numeric/minifloat.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the fp32 bulk path copies host floats as simulated little-endian memory");

namespace ascendsim::numeric {
namespace {

// dtype_bits without the call into dtype.cpp: this file runs per element.
int element_bits(DType t) {
  switch (t) {
    case DType::fp32:
    case DType::int32:
      return 32;
    case DType::fp16:
    case DType::bf16:
    case DType::int16:
      return 16;
    case DType::int4:
    case DType::fp4_e2m1:
    case DType::fp4_e1m2:
      return 4;
    case DType::int8:
    case DType::uint8:
    case DType::fp8_e4m3:
    case DType::fp8_e5m2:
    case DType::e8m0:
      return 8;
  }
  return dtype_bits(t);
}

std::uint32_t low_bits_mask(DType t) {
  const int bits = element_bits(t);
  return bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

std::uint16_t load_u16(const std::uint8_t* base, std::uint64_t index) {
  const std::uint8_t* p = base + index * 2;
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

// Sign-extends the low `bits` bits of `v`.
std::int64_t sign_extend(std::uint32_t v, int bits) {
  const std::uint32_t sign = 1u << (bits - 1);
  return static_cast<std::int64_t>(v ^ sign) - static_cast<std::int64_t>(sign);
}

void widen_by_table(const std::array<float, 256>& table, const std::uint8_t* bytes,
                    std::uint64_t count, float* out) {
  for (std::uint64_t i = 0; i < count; ++i) out[i] = table[bytes[i]];
}

}  // namespace

std::uint32_t encode_bits(DType t, double x, Rounding r, Overflow o, NumericEvents* ev) {
  switch (t) {
    case DType::fp32:
      return detail::bits_from_float(to_fp32(x, r, o, ev));
    case DType::fp16:
      return to_fp16(x, r, o, ev);
    case DType::bf16:
      return to_bf16(x, r, o, ev);
    case DType::fp8_e4m3:
      return to_fp8_e4m3(x, r, o, ev);
    case DType::fp8_e5m2:
      return to_fp8_e5m2(x, r, o, ev);
    case DType::fp4_e2m1:
      return to_fp4_e2m1(x, r, ev);
    case DType::fp4_e1m2:
      return to_fp4_e1m2(x, r, ev);
    case DType::e8m0:
      return to_e8m0(x, r, ev);
    case DType::int8:
    case DType::uint8:
    case DType::int4:
    case DType::int16:
    case DType::int32:
      return static_cast<std::uint32_t>(to_integer(x, t, r, ev)) & low_bits_mask(t);
  }
  throw std::invalid_argument("encode_bits: unknown dtype");
}

double decode_bits(DType t, std::uint32_t bits) {
  bits &= low_bits_mask(t);
  switch (t) {
    case DType::fp32:
      return detail::float_from_bits(bits);
    case DType::fp16:
      return detail::fp16_bits_to_float(static_cast<std::uint16_t>(bits));
    case DType::bf16:
      return detail::bf16_bits_to_float(static_cast<std::uint16_t>(bits));
    case DType::fp8_e4m3:
      return fp8_e4m3_to_float(static_cast<std::uint8_t>(bits));
    case DType::fp8_e5m2:
      return fp8_e5m2_to_float(static_cast<std::uint8_t>(bits));
    case DType::fp4_e2m1:
      return fp4_e2m1_to_float(static_cast<std::uint8_t>(bits));
    case DType::fp4_e1m2:
      return fp4_e1m2_to_float(static_cast<std::uint8_t>(bits));
    case DType::e8m0:
      return e8m0_to_double(static_cast<std::uint8_t>(bits));
    case DType::uint8:
      return static_cast<double>(bits);
    case DType::int8:
    case DType::int4:
    case DType::int16:
    case DType::int32:
      return static_cast<double>(sign_extend(bits, element_bits(t)));
  }
  throw std::invalid_argument("decode_bits: unknown dtype");
}

double quantize(DType t, double x, Rounding r, Overflow o, NumericEvents* ev) {
  return decode_bits(t, encode_bits(t, x, r, o, ev));
}

std::uint32_t load_bits(DType t, const std::uint8_t* base, std::uint64_t index) {
  switch (element_bits(t)) {
    case 4:
      return (base[index / 2] >> ((index & 1u) * 4)) & 0xFu;
    case 8:
      return base[index];
    case 16:
      return load_u16(base, index);
    default: {
      const std::uint8_t* p = base + index * 4;
      return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
             static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
    }
  }
}

void store_bits(DType t, std::uint8_t* base, std::uint64_t index, std::uint32_t bits) {
  switch (element_bits(t)) {
    case 4: {
      const unsigned shift = static_cast<unsigned>(index & 1u) * 4;
      std::uint8_t& byte = base[index / 2];
      byte = static_cast<std::uint8_t>((byte & ~(0xFu << shift)) | ((bits & 0xFu) << shift));
      return;
    }
    case 8:
      base[index] = static_cast<std::uint8_t>(bits);
      return;
    case 16: {
      std::uint8_t* p = base + index * 2;
      p[0] = static_cast<std::uint8_t>(bits);
      p[1] = static_cast<std::uint8_t>(bits >> 8);
      return;
    }
    default: {
      std::uint8_t* p = base + index * 4;
      for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(bits >> (8 * i));
      return;
    }
  }
}

double load_element(DType t, const std::uint8_t* base, std::uint64_t index) {
  return decode_bits(t, load_bits(t, base, index));
}

void store_element(DType t, std::uint8_t* base, std::uint64_t index, double x, Rounding r,
                   Overflow o, NumericEvents* ev) {
  store_bits(t, base, index, encode_bits(t, x, r, o, ev));
}

void widen_to_float(DType t, const std::uint8_t* base, std::uint64_t first, std::uint64_t count,
                    float* out) {
  switch (t) {
    case DType::fp32:
      if (count > 0) std::memcpy(out, base + first * 4, count * 4);  // both little-endian
      return;
    case DType::fp16:
      for (std::uint64_t i = 0; i < count; ++i)
        out[i] = detail::fp16_bits_to_float(load_u16(base, first + i));
      return;
    case DType::bf16:
      for (std::uint64_t i = 0; i < count; ++i)
        out[i] = detail::bf16_bits_to_float(load_u16(base, first + i));
      return;
    case DType::int8:
      for (std::uint64_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(static_cast<std::int8_t>(base[first + i]));
      return;
    case DType::fp8_e4m3:
      widen_by_table(detail::e4m3_values(), base + first, count, out);
      return;
    case DType::fp8_e5m2:
      widen_by_table(detail::e5m2_values(), base + first, count, out);
      return;
    default:
      for (std::uint64_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(load_element(t, base, first + i));
      return;
  }
}

}  // namespace ascendsim::numeric
