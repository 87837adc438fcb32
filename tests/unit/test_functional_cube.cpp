// mmad (fp16, bf16, fp8, int8, int4; accumulate vs overwrite) and fixpipe (scale, cast,
// overflow, per-column dequant scale, relu, atomic add).
#include <catch2/catch.hpp>

#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

TEST_CASE("a 16x16x16 fp16 mmad of small integers equals the integer product exactly") {
  Tile a(DType::fp16, 16, 16), b(DType::fp16, 16, 16), c(DType::fp32, 16, 16);
  auto av = [](std::uint32_t i, std::uint32_t k) { return double(int(i + 2 * k) % 7 - 3); };
  auto bv = [](std::uint32_t k, std::uint32_t j) { return double(int(k * j + 1) % 5 - 2); };
  a.fill(av);
  b.fill(bv);
  run(make(Opcode::mmad), c, &a, &b);
  // |products| <= 3 * 2 and |sums| <= 96: every partial sum is an integer exact in fp32, so
  // any summation order gives the integer result.
  for (std::uint32_t i = 0; i < 16; ++i)
    for (std::uint32_t j = 0; j < 16; ++j) {
      double ref = 0;
      for (std::uint32_t k = 0; k < 16; ++k) ref += av(i, k) * bv(k, j);
      CHECK(c.get(i, j) == ref);
    }
  // one by hand: row 0 of a is k -> (2k % 7) - 3, column 0 of b is all (1 % 5) - 2 = -1,
  // sum over k of (2k % 7) = 0+2+4+6+1+3+5 (twice) + 0+2 = 44, minus 3 * 16 = -4; times -1 = 4
  CHECK(c.get(0, 0) == 4.0);
}

TEST_CASE("a bf16 mmad multiplies exact fractions exactly") {
  Tile a(DType::bf16, 2, 3), b(DType::bf16, 3, 2), c(DType::fp32, 2, 2);
  const double av[2][3] = {{1, 2, 3}, {0.5, -1, 4}};
  const double bv[3][2] = {{1, 0}, {2, 1}, {0.25, -2}};
  a.fill([&](std::uint32_t r, std::uint32_t k) { return av[r][k]; });
  b.fill([&](std::uint32_t k, std::uint32_t j) { return bv[k][j]; });
  run(make(Opcode::mmad), c, &a, &b);
  CHECK(c.get(0, 0) == 5.75);  // 1 + 4 + 0.75
  CHECK(c.get(0, 1) == -4.0);  // 0 + 2 - 6
  CHECK(c.get(1, 0) == -0.5);  // 0.5 - 2 + 1
  CHECK(c.get(1, 1) == -9.0);  // 0 - 1 - 8
}

TEST_CASE("an fp8 e4m3 mmad widens its inputs exactly, up to the format maximum 448") {
  Tile a(DType::fp8_e4m3, 1, 2), b(DType::fp8_e4m3, 2, 1), c(DType::fp32, 1, 1);
  a.set(0, 0, 0.5);
  a.set(0, 1, 448);
  b.set(0, 0, 2);
  b.set(1, 0, 1);
  run(make(Opcode::mmad), c, &a, &b);
  CHECK(c.get(0, 0) == 449.0);  // 0.5 * 2 + 448 * 1
}

TEST_CASE("an int8 mmad with negatives accumulates exactly in int32") {
  Tile a(DType::int8, 1, 4), b(DType::int8, 4, 1), c(DType::int32, 1, 1);
  const double av[4] = {-128, 127, -1, 5}, bv[4] = {-128, -128, 100, 3};
  for (std::uint32_t k = 0; k < 4; ++k) {
    a.set(0, k, av[k]);
    b.set(k, 0, bv[k]);
  }
  run(make(Opcode::mmad), c, &a, &b);
  CHECK(c.get(0, 0) == 43.0);  // 16384 - 16256 - 100 + 15

  // a long k: 1024 products of (-128)(-128) = 2^14 sum to 2^24, exact in int32
  Tile a2(DType::int8, 2, 1024), b2(DType::int8, 1024, 2), c2(DType::int32, 2, 2);
  a2.fill([](std::uint32_t, std::uint32_t) { return -128.0; });
  b2.fill([](std::uint32_t, std::uint32_t) { return -128.0; });
  run(make(Opcode::mmad), c2, &a2, &b2);
  CHECK(c2.get(1, 1) == 16777216.0);

  // k = 2048: a sum above 2^24 that is odd, so fp32 (spacing 2 there) could not hold it:
  // 2047 * 127 * 127 + 127 * 126 = 33016063 + 16002 = 33032065
  Tile a3(DType::int8, 1, 2048), b3(DType::int8, 2048, 1), c3(DType::int32, 1, 1);
  a3.fill([](std::uint32_t, std::uint32_t) { return 127.0; });
  b3.fill([](std::uint32_t k, std::uint32_t) { return k == 0 ? 126.0 : 127.0; });
  run(make(Opcode::mmad), c3, &a3, &b3);
  CHECK(c3.get(0, 0) == 33032065.0);
}

TEST_CASE("an int4 mmad decodes packed signed nibbles") {
  Tile a(DType::int4, 2, 4), b(DType::int4, 4, 2), c(DType::int32, 2, 2);
  const double av[2][4] = {{-8, 7, -1, 3}, {1, 2, 3, 4}};
  const double bv[4][2] = {{-8, 1}, {7, 1}, {-1, 1}, {2, 1}};
  a.fill([&](std::uint32_t r, std::uint32_t k) { return av[r][k]; });
  b.fill([&](std::uint32_t k, std::uint32_t j) { return bv[k][j]; });
  run(make(Opcode::mmad), c, &a, &b);
  CHECK(c.get(0, 0) == 120.0);  // 64 + 49 + 1 + 6
  CHECK(c.get(0, 1) == 1.0);    // -8 + 7 - 1 + 3
  CHECK(c.get(1, 0) == 11.0);   // -8 + 14 - 3 + 8
  CHECK(c.get(1, 1) == 10.0);   // 1 + 2 + 3 + 4
}

TEST_CASE("mmad overwrites L0C unless the accumulate flag is set") {
  Tile a(DType::fp16, 1, 2), b(DType::fp16, 2, 1), c(DType::fp32, 1, 1);
  a.set(0, 0, 1.5);
  a.set(0, 1, 2);
  b.set(0, 0, 2);
  b.set(1, 0, -0.25);  // product 3 - 0.5 = 2.5
  c.set(0, 0, 100);
  run(make(Opcode::mmad), c, &a, &b);
  CHECK(c.get(0, 0) == 2.5);
  run(make(Opcode::mmad, isa::flag::accumulate), c, &a, &b);
  CHECK(c.get(0, 0) == 5.0);  // 2.5 + 2.5

  Tile ai(DType::int8, 1, 1), bi(DType::int8, 1, 1), ci(DType::int32, 1, 1);
  ai.set(0, 0, -3);
  bi.set(0, 0, 7);
  ci.set(0, 0, 2147483647);
  run(make(Opcode::mmad, isa::flag::accumulate), ci, &ai, &bi);
  CHECK(ci.get(0, 0) == 2147483626.0);  // INT32_MAX - 21
}

TEST_CASE("fixpipe scales fp32 into fp16 and counts an overflow past 65504") {
  Tile l0c(DType::fp32, 1, 4), out(DType::fp16, 1, 4);
  l0c.set(0, 0, 3.0);       // * 0.5 = 1.5
  l0c.set(0, 1, -5.0);      // * 0.5 = -2.5
  l0c.set(0, 2, 131038.0);  // * 0.5 = 65519: below 65520 (65504 + half an ulp), rounds to 65504
  l0c.set(0, 3, 131040.0);  // * 0.5 = 65520: the tie rounds to even, which is past max: inf
  const NumericEvents ev = run(make(Opcode::fixpipe, 0, 0.5), out, &l0c);
  CHECK(out.get(0, 0) == 1.5);
  CHECK(out.get(0, 1) == -2.5);
  CHECK(out.get(0, 2) == 65504.0);
  CHECK(std::isinf(out.get(0, 3)));
  CHECK(ev.overflow == 1);

  // with the saturate flag the same value clamps to 65504
  run(make(Opcode::fixpipe, isa::flag::saturate, 0.5), out, &l0c);
  CHECK(out.get(0, 3) == 65504.0);
}

TEST_CASE("fixpipe dequantises int32 into fp16 with a per-column fp32 scale (MSD)") {
  Tile l0c(DType::int32, 2, 2), scale(DType::fp32, 1, 2), out(DType::fp16, 2, 2);
  l0c.set(0, 0, 100);
  l0c.set(0, 1, -7);
  l0c.set(1, 0, -3);
  l0c.set(1, 1, 1000000);
  scale.set(0, 0, 0.125);
  scale.set(0, 1, 0.0009765625);  // 2^-10
  run(make(Opcode::fixpipe), out, &l0c, &scale);
  CHECK(out.get(0, 0) == 12.5);           // 100 / 8
  CHECK(out.get(0, 1) == -0.0068359375);  // -7 / 1024, an fp16 value (7 * 2^-10)
  CHECK(out.get(1, 0) == -0.375);         // -3 / 8
  CHECK(out.get(1, 1) == 976.5);          // 1000000 / 1024 = 976.5625 -> ulp 0.5: 976.5
}

TEST_CASE("fixpipe relu clamps negatives and an atomic fixpipe adds into its destination") {
  Tile l0c(DType::fp32, 1, 2), out(DType::fp32, 1, 2);
  l0c.set(0, 0, -2.0);
  l0c.set(0, 1, 2.0);
  out.set(0, 0, 1.0);
  out.set(0, 1, 1.0);
  run(make(Opcode::fixpipe, isa::flag::relu | isa::flag::atomic_add, 1.0), out, &l0c);
  CHECK(out.get(0, 0) == 1.0);  // 1 + relu(-2) = 1
  CHECK(out.get(0, 1) == 3.0);  // 1 + 2
}

TEST_CASE("fixpipe rounds fp32 into bf16 as its rounding mode says") {
  Tile l0c(DType::fp32, 1, 1), out(DType::bf16, 1, 1);
  l0c.set(0, 0, 1.005859375);  // 1 + 3 * 2^-9: above the midpoint 1 + 2^-8 of 1 and 1 + 2^-7
  run(make(Opcode::fixpipe, 0, 1.0), out, &l0c);
  CHECK(out.get(0, 0) == 1.0078125);  // nearest even: 1 + 2^-7
  isa::Instruction rtz = make(Opcode::fixpipe, 0, 1.0);
  rtz.rounding = numeric::Rounding::toward_zero;
  run(rtz, out, &l0c);
  CHECK(out.get(0, 0) == 1.0);
}

}  // namespace
}  // namespace ascendsim::models::test
