// copy: plain, strided, transposing, atomic (fp32, fp16, int32 on fp32 bits).
#include <catch2/catch.hpp>
#include <cstring>

#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

std::uint32_t float_bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST_CASE("a copy between strided views moves every element and leaves row padding untouched") {
  Tile src(DType::fp16, 3, 4, 6), dst(DType::fp16, 3, 4, 8);
  src.fill([](std::uint32_t r, std::uint32_t c) { return 10.0 * r + c; });  // exact in fp16
  run(make(Opcode::copy), dst, &src);
  for (std::uint32_t r = 0; r < 3; ++r) {
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(dst.get(r, c) == 10.0 * r + c);
    // elements 4..7 of each dst row are padding (stride 8): still the guard pattern
    for (std::uint32_t c = 4; c < 8; ++c) CHECK(dst.bits(r, c) == 0xA5A5u);
  }
}

TEST_CASE("a copy of packed int4 rows keeps both nibbles of every byte") {
  Tile src(DType::int4, 2, 4, 6), dst(DType::int4, 2, 4);
  const double values[2][4] = {{-8, 7, -1, 0}, {3, -4, 5, -6}};  // the int4 range is [-8, 7]
  src.fill([&](std::uint32_t r, std::uint32_t c) { return values[r][c]; });
  run(make(Opcode::copy), dst, &src);
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(dst.get(r, c) == values[r][c]);
}

TEST_CASE("a transposing copy writes dst(c, r) = src(r, c)") {
  Tile src(DType::bf16, 2, 3), dst(DType::bf16, 3, 2);
  src.fill([](std::uint32_t r, std::uint32_t c) { return r * 3.0 + c; });  // 0..5
  run(make(Opcode::copy, isa::flag::transpose), dst, &src);
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 3; ++c) CHECK(dst.get(c, r) == r * 3.0 + c);
}

TEST_CASE("a transposing copy onto its own square tile reads the original values") {
  Tile t(DType::fp32, 3, 3);
  t.fill([](std::uint32_t r, std::uint32_t c) { return r * 3.0 + c; });
  run(make(Opcode::copy, isa::flag::transpose), t, &t);
  // in place without staging, (1, 0) would read the already transposed (0, 1)
  for (std::uint32_t r = 0; r < 3; ++r)
    for (std::uint32_t c = 0; c < 3; ++c) CHECK(t.get(r, c) == c * 3.0 + r);
}

TEST_CASE("an atomic fp32 copy adds into the destination and rounds the sum once") {
  Tile src(DType::fp32, 1, 3), dst(DType::fp32, 1, 3);
  dst.set(0, 0, 1.5);
  src.set(0, 0, 2.25);  // 3.75, exact
  dst.set(0, 1, 1.0);
  src.set(0, 1, std::ldexp(1.0, -24));  // 1 + 2^-24 is half an fp32 ulp above 1: ties to even 1
  dst.set(0, 2, 3e38);
  src.set(0, 2, 3e38);  // 6e38 > fp32 max 3.4e38: inf, an overflow
  const NumericEvents ev = run(make(Opcode::copy, isa::flag::atomic_add), dst, &src);
  CHECK(dst.get(0, 0) == 3.75);
  CHECK(dst.get(0, 1) == 1.0);
  CHECK(std::isinf(dst.get(0, 2)));
  CHECK(ev.overflow == 1);
  CHECK(src.get(0, 0) == 2.25);  // the source is only read
}

TEST_CASE("an atomic fp16 copy that passes 65504 becomes inf and counts an overflow") {
  Tile src(DType::fp16, 1, 2), dst(DType::fp16, 1, 2);
  dst.set(0, 0, 65504);
  src.set(0, 0, 32);  // 65536: at or above 65520 (max + half an ulp of 32) rounds to inf
  dst.set(0, 1, 65504);
  src.set(0, 1, -32);  // 65472, exact
  const NumericEvents ev = run(make(Opcode::copy, isa::flag::atomic_add), dst, &src);
  CHECK(std::isinf(dst.get(0, 0)));
  CHECK(dst.get(0, 1) == 65472);
  CHECK(ev.overflow == 1);
}

TEST_CASE("an atomic int32 add of n * 2^23 onto the bits of 3.0f multiplies it by 2^n") {
  // AMLA's rescale: fp32 3.0 = 1.5 * 2^1 has bits 0x40400000; adding n to the exponent field
  // (bit 23 up) gives 1.5 * 2^(1+n) = 3 * 2^n.
  Tile o(DType::int32, 1, 3), inc(DType::int32, 1, 3);
  const int n[3] = {-2, 3, -30};
  for (std::uint32_t c = 0; c < 3; ++c) {
    o.set_bits(0, c, float_bits(3.0f));
    inc.set(0, c, n[c] * 8388608.0);  // n * 2^23
  }
  run(make(Opcode::copy, isa::flag::atomic_add), o, &inc);
  CHECK(o.bits(0, 0) == float_bits(0.75f));                  // 3 * 2^-2
  CHECK(o.bits(0, 1) == float_bits(24.0f));                  // 3 * 2^3
  CHECK(o.bits(0, 2) == float_bits(std::ldexp(3.0f, -30)));  // still normal: exact
}

TEST_CASE("an atomic int32 add wraps around like two's complement") {
  Tile dst(DType::int32, 1, 2), src(DType::int32, 1, 2);
  dst.set(0, 0, 2147483647);
  src.set(0, 0, 1);  // INT32_MAX + 1 wraps to INT32_MIN
  dst.set(0, 1, -2147483648.0);
  src.set(0, 1, -1);  // INT32_MIN - 1 wraps to INT32_MAX
  run(make(Opcode::copy, isa::flag::atomic_add), dst, &src);
  CHECK(dst.get(0, 0) == -2147483648.0);
  CHECK(dst.get(0, 1) == 2147483647.0);
}

TEST_CASE("a copy that would change the dtype is rejected") {
  Tile src(DType::fp16, 1, 2), dst(DType::fp32, 1, 2);
  CHECK_THROWS_AS(run(make(Opcode::copy), dst, &src), isa::SimulationError);
}

TEST_CASE("sync instructions and nop have no data effect") {
  Tile t(DType::fp32, 1, 1);
  t.set(0, 0, 5.0);
  for (Opcode op : {Opcode::set_flag, Opcode::wait_flag, Opcode::pipe_barrier,
                    Opcode::cross_core_set, Opcode::cross_core_wait, Opcode::nop})
    run(make(op), t, &t);
  CHECK(t.get(0, 0) == 5.0);
}

}  // namespace
}  // namespace ascendsim::models::test
