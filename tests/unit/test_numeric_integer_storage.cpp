// Integer conversions (round, then saturate) and element access in packed byte storage:
// nibble order, little-endian words, the bulk widening path and the DType dispatch.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/numeric/convert.hpp"

using namespace ascendsim::numeric;

TEST_CASE("integer conversion rounds in each mode before saturating") {
  // 2.5 and -2.5 are ties: RNE picks the even 2 / -2, RNA goes away to 3 / -3.
  CHECK(to_integer(2.5, DType::int8, Rounding::nearest_even) == 2);
  CHECK(to_integer(3.5, DType::int8, Rounding::nearest_even) == 4);  // tie, 4 is even
  CHECK(to_integer(-2.5, DType::int8, Rounding::nearest_even) == -2);
  CHECK(to_integer(2.5, DType::int8, Rounding::nearest_away) == 3);
  CHECK(to_integer(-2.5, DType::int8, Rounding::nearest_away) == -3);
  // Directed modes on -2.7: toward zero -2, floor -3, ceil -2.
  CHECK(to_integer(-2.7, DType::int8, Rounding::toward_zero) == -2);
  CHECK(to_integer(-2.7, DType::int8, Rounding::floor) == -3);
  CHECK(to_integer(-2.7, DType::int8, Rounding::ceil) == -2);
  CHECK(to_integer(2.2, DType::int8, Rounding::ceil) == 3);
  // 2^53 + 2 is beyond the fractional range of a double and is returned as is.
  CHECK(to_integer(0x1p53 + 2, DType::int32) == 2147483647);  // but it still saturates
}

TEST_CASE("integer conversion saturates to each type's range and counts it") {
  NumericEvents ev;
  // int8 is [-128, 127]: 127.5 ties to the even 128, one past the top, so it clamps to 127.
  CHECK(to_integer(127.5, DType::int8, Rounding::nearest_even, &ev) == 127);
  CHECK(ev.saturation == 1);
  CHECK(to_integer(127.4, DType::int8, Rounding::nearest_even, &ev) == 127);  // no clamp
  CHECK(ev.saturation == 1);
  CHECK(to_integer(-129.0, DType::int8, Rounding::nearest_even, &ev) == -128);
  // int4 is [-8, 7]: 7.5 ties to 8 -> 7 (clamped); -8.5 ties to the even -8 (in range);
  // -8.6 rounds to -9 -> -8 (clamped).
  CHECK(to_integer(7.5, DType::int4, Rounding::nearest_even, &ev) == 7);
  CHECK(to_integer(-8.5, DType::int4, Rounding::nearest_even, &ev) == -8);
  CHECK(to_integer(-8.6, DType::int4, Rounding::nearest_even, &ev) == -8);
  CHECK(ev.saturation == 4);  // 127.5, -129, 7.5, -8.6
  // uint8 is [0, 255]: -1 clamps to 0, but -0.3 rounds to -0, which is in range.
  CHECK(to_integer(-1.0, DType::uint8, Rounding::nearest_even, &ev) == 0);
  CHECK(to_integer(-0.3, DType::uint8, Rounding::nearest_even, &ev) == 0);
  CHECK(ev.saturation == 5);
  // int16 [-32768, 32767], int32 [-2^31, 2^31 - 1]; inf clamps like any large value.
  CHECK(to_integer(40000.0, DType::int16) == 32767);
  CHECK(to_integer(-3e9, DType::int32) == -2147483648LL);
  CHECK(to_integer(std::numeric_limits<double>::infinity(), DType::int32) == 2147483647);
  // NaN has no integer: 0 and a nan event.
  CHECK(to_integer(std::nan(""), DType::int8, Rounding::nearest_even, &ev) == 0);
  CHECK(ev.nan == 1);
  CHECK(max_finite(DType::int4) == 7.0);
  CHECK(max_finite(DType::uint8) == 255.0);
}

TEST_CASE("integer conversion of a float type is rejected") {
  CHECK_THROWS_AS(to_integer(1.0, DType::fp16), std::invalid_argument);
}

TEST_CASE("int4 elements pack low nibble first without disturbing the neighbour") {
  std::uint8_t mem[2] = {0xAB, 0xCD};
  // Element 0 is byte 0's low nibble (0xB), element 1 its high nibble (0xA), element 2 is
  // byte 1's low nibble (0xD). As two's complement 4-bit: 0xB = 11 - 16 = -5, 0xA = -6.
  CHECK(load_bits(DType::int4, mem, 0) == 0xB);
  CHECK(load_bits(DType::int4, mem, 1) == 0xA);
  CHECK(load_bits(DType::int4, mem, 2) == 0xD);
  CHECK(load_element(DType::int4, mem, 0) == -5.0);
  CHECK(load_element(DType::int4, mem, 1) == -6.0);
  // Storing 3 into element 1 rewrites only byte 0's high nibble: 0xAB -> 0x3B.
  store_element(DType::int4, mem, 1, 3.0);
  CHECK(mem[0] == 0x3B);
  CHECK(mem[1] == 0xCD);
  // Storing -1 (nibble 0xF) into element 2 rewrites byte 1's low nibble: 0xCD -> 0xCF.
  store_element(DType::int4, mem, 2, -1.0);
  CHECK(mem[1] == 0xCF);
  CHECK(mem[0] == 0x3B);
  // A too-large value saturates to 7 (0x7) in element 3, byte 1's high nibble: 0xCF -> 0x7F.
  NumericEvents ev;
  store_element(DType::int4, mem, 3, 100.0, Rounding::nearest_even, Overflow::inf, &ev);
  CHECK(mem[1] == 0x7F);
  CHECK(ev.saturation == 1);
  // store_bits keeps only the low nibble of what it is given.
  store_bits(DType::int4, mem, 0, 0x12);
  CHECK(mem[0] == 0x32);
}

TEST_CASE("fp4 elements pack like int4 and round on the way in") {
  std::uint8_t mem[1] = {0x00};
  store_element(DType::fp4_e2m1, mem, 0, 6.0);   // code 7 in the low nibble
  store_element(DType::fp4_e2m1, mem, 1, -0.5);  // code 8 | 1 = 9 in the high nibble
  CHECK(mem[0] == 0x97);
  CHECK(load_element(DType::fp4_e2m1, mem, 1) == -0.5);
  store_element(DType::fp4_e1m2, mem, 0, 0.3);  // nearest quarter is 0.25: code 1
  CHECK(mem[0] == 0x91);
  CHECK(load_element(DType::fp4_e1m2, mem, 0) == 0.25);
}

TEST_CASE("16- and 32-bit elements are stored little-endian") {
  std::uint8_t mem[8] = {};
  store_element(DType::fp16, mem, 1, 1.0);  // fp16 1.0 = 0x3C00 at bytes 2..3
  CHECK(mem[2] == 0x00);
  CHECK(mem[3] == 0x3C);
  store_element(DType::fp32, mem, 1, -2.0);  // fp32 -2.0 = 0xC0000000 at bytes 4..7
  CHECK(load_bits(DType::fp32, mem, 1) == 0xC0000000u);
  CHECK(mem[7] == 0xC0);
  store_element(DType::int16, mem, 0, -2.0);  // two's complement 0xFFFE
  CHECK(mem[0] == 0xFE);
  CHECK(mem[1] == 0xFF);
  CHECK(load_element(DType::int16, mem, 0) == -2.0);
  store_element(DType::int32, mem, 1, -3.0);  // 0xFFFFFFFD
  CHECK(load_bits(DType::int32, mem, 1) == 0xFFFFFFFDu);
  CHECK(load_element(DType::int32, mem, 1) == -3.0);
  // Raw bits of an fp32 reinterpreted as int32: 1.0f is 0x3F800000 = 1065353216.
  store_element(DType::fp32, mem, 0, 1.0);
  CHECK(load_element(DType::int32, mem, 0) == 1065353216.0);
}

TEST_CASE("widening to float matches element-wise loading for every type") {
  const DType all[] = {DType::fp32,     DType::fp16,     DType::bf16,     DType::int8,
                       DType::uint8,    DType::int4,     DType::int16,    DType::int32,
                       DType::fp8_e4m3, DType::fp8_e5m2, DType::fp4_e2m1, DType::fp4_e1m2,
                       DType::e8m0};
  // 64 bytes of a byte ramp 0x00, 0x07, 0x0E, ... (step 7 is odd, so it visits varied bit
  // patterns); start at element 3 to exercise an odd nibble offset for the 4-bit types.
  std::vector<std::uint8_t> mem(64);
  for (std::size_t i = 0; i < mem.size(); ++i) mem[i] = static_cast<std::uint8_t>(i * 7);
  for (const DType t : all) {
    INFO(dtype_name(t));
    const std::uint64_t count = 64 * 8 / dtype_bits(t) - 3;  // every element after the 3rd
    std::vector<float> out(count);
    widen_to_float(t, mem.data(), 3, count, out.data());
    for (std::uint64_t i = 0; i < count; ++i) {
      const double want = load_element(t, mem.data(), 3 + i);
      if (std::isnan(want))
        CHECK(std::isnan(out[i]));
      else
        CHECK(out[i] == static_cast<float>(want));
    }
  }
}

TEST_CASE("every fp16 bit pattern widens to the same float as fp16_to_float") {
  std::vector<std::uint8_t> mem(2 * 65536);
  for (std::uint32_t h = 0; h < 65536; ++h) store_bits(DType::fp16, mem.data(), h, h);
  std::vector<float> out(65536);
  widen_to_float(DType::fp16, mem.data(), 0, 65536, out.data());
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const float want = fp16_to_float(static_cast<std::uint16_t>(h));
    if (std::isnan(want))
      CHECK(std::isnan(out[h]));
    else
      CHECK(out[h] == want);
  }
}

TEST_CASE("encode_bits and quantize dispatch on the dtype") {
  CHECK(encode_bits(DType::fp16, 1.0) == 0x3C00);
  CHECK(encode_bits(DType::int8, -1.0) == 0xFF);  // two's complement in the low 8 bits
  CHECK(decode_bits(DType::int8, 0xFF) == -1.0);
  CHECK(decode_bits(DType::uint8, 0xFF) == 255.0);
  CHECK(encode_bits(DType::e8m0, 8.0) == 130);  // 2^3 -> 3 + 127
  // quantize = store then reload: 1 + 2^-11 in fp16 ties down to 1.0 (see the fp16 tests).
  CHECK(quantize(DType::fp16, 1.0 + 0x1p-11) == 1.0);
  CHECK(quantize(DType::bf16, 1.0 + 3 * 0x1p-8) == 1.0 + 0x1p-6);
  CHECK(quantize(DType::fp4_e2m1, 5.0) == 4.0);
  CHECK(quantize(DType::int4, 7.6) == 7.0);  // rounds to 8, saturates to 7
}
