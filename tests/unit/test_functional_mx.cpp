// MX-scaled mmad: dst[i, j] (+)= sum_b 2^(sA[i, b] - 127 + sB[b, j] - 127) * sum_{k in block b}
// A[i, k] B[k, j], blocks of 32 along k, scales e8m0 (code c = 2^(c - 127), 0xFF NaN).
// Every test picks values whose products and sums are exact in fp32, so the expected values
// are exact whatever order the GEMM adds in.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

// run() in the support header passes src0..src2 only: MX needs src3 too.
NumericEvents run_mx(Tile& c, Tile& a, Tile& b, Tile& scale_a, Tile& scale_b,
                     bool accumulate = false) {
  Operands ops;
  ops.dst = c.rt;
  ops.src0 = a.rt;
  ops.src1 = b.rt;
  ops.src2 = scale_a.rt;
  ops.src3 = scale_b.rt;
  NumericEvents ev;
  execute_functional(make(Opcode::mmad, accumulate ? isa::flag::accumulate : 0), ops, ev);
  return ev;
}

// e8m0 code of 2^e (bias 127).
std::uint32_t code(int e) { return std::uint32_t(e + 127); }

// The OCP MX FP4 (e2m1) magnitudes, codes 0..7.
constexpr double kE2m1[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};

// The fp4 case (a, b): m = 16, k = 64 (two blocks), n = 16.
// A (e1m2, quarters 0..1.75): row 0 is k -> (3k % 8) / 4; rows 1, 5, 9, 13 negate even k.
double a_fp4(int i, int k) {
  const double v = ((3 * k + 5 * i) % 8) / 4.0;
  return (i % 4 == 1 && k % 2 == 0) ? -v : v;
}
// B (e2m1): column 0 is k -> kE2m1[k % 8]; columns 2, 5, 8, ... are negated.
double b_fp4(int k, int j) {
  const double v = kE2m1[(k * (j + 1) + j) % 8];
  return j % 3 == 2 ? -v : v;
}
// Scale exponents in [-2, 3], different per row, per column and per block.
int sa_exp(int i, int b) { return (i + 2 * b) % 6 - 2; }
int sb_exp(int b, int j) { return (3 * j + b) % 6 - 2; }

double ref_fp4(int i, int j) {
  double sum = 0;
  for (int b = 0; b < 2; ++b) {
    double block = 0;
    for (int k = 32 * b; k < 32 * b + 32; ++k) block += a_fp4(i, k) * b_fp4(k, j);
    sum += std::ldexp(block, sa_exp(i, b) + sb_exp(b, j));
  }
  return sum;
}

struct Fp4Case {
  Tile a{DType::fp4_e1m2, 16, 64}, b{DType::fp4_e2m1, 64, 16};
  Tile sa{DType::e8m0, 16, 2}, sb{DType::e8m0, 2, 16};
  Fp4Case() {
    a.fill([](std::uint32_t i, std::uint32_t k) { return a_fp4(int(i), int(k)); });
    b.fill([](std::uint32_t k, std::uint32_t j) { return b_fp4(int(k), int(j)); });
    for (int i = 0; i < 16; ++i)
      for (int blk = 0; blk < 2; ++blk) {
        sa.set_bits(i, blk, code(sa_exp(i, blk)));
        sb.set_bits(blk, i, code(sb_exp(blk, i)));
      }
  }
};

TEST_CASE("an fp4 e1m2 x e2m1 mx mmad applies each row's, column's and block's scale", "[mx]") {
  Fp4Case f;
  // the grids encode exactly: spot-check one value of each side
  REQUIRE(f.a.get(0, 5) == 1.75);  // (3 * 5) % 8 = 7 quarters, the e1m2 maximum
  REQUIRE(f.b.get(7, 0) == 6.0);   // kE2m1[7], the e2m1 maximum
  Tile c(DType::fp32, 16, 16);     // starts as guard bytes: an overwrite must replace them
  run_mx(c, f.a, f.b, f.sa, f.sb);
  // Exactness: A is a multiple of 1/4 (|A| <= 1.75), B of 1/2 (|B| <= 6), so each product is a
  // multiple of 2^-3; the scales 2^(sA + sB) lie in [2^-4, 2^6], so every term is a multiple of
  // 2^-7 and |c| <= 2 blocks * 32 * 1.75 * 6 * 2^6 = 43008 < 2^16: 23 bits, exact in fp32.
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      INFO("c(" << i << ", " << j << ")");
      CHECK(c.get(i, j) == ref_fp4(i, j));
    }
  // By hand, c(0, 0): A row 0 over k = 0..7 is (0, 3, 6, 1, 4, 7, 2, 5) quarters, B column 0
  // is the e2m1 grid (0, .5, 1, 1.5, 2, 3, 4, 6); the 8 products are 0 + .375 + 1.5 + .375 +
  // 2 + 5.25 + 2 + 7.5 = 19, so each 32-element block sums to 4 * 19 = 76. Scales: sA(0, 0) =
  // -2, sA(0, 1) = 0, sB(0, 0) = -2, sB(1, 0) = -1, so c = 76 * 2^-4 + 76 * 2^-1 = 4.75 + 38.
  CHECK(c.get(0, 0) == 42.75);
  // Without the scales, c(0, 0) would be 152: the scales were applied, per block.
  CHECK(c.get(0, 0) != 152.0);
  // the 8 bytes after the tile are untouched
  for (std::size_t i = c.bytes.size() - 8; i < c.bytes.size(); ++i) CHECK(c.bytes[i] == kGuard);
}

TEST_CASE("an accumulating mx mmad adds onto l0c", "[mx]") {
  Fp4Case f;
  Tile c(DType::fp32, 16, 16);
  auto old = [](int i, int j) { return 0.5 * (i - j); };
  c.fill([&](std::uint32_t i, std::uint32_t j) { return old(int(i), int(j)); });
  run_mx(c, f.a, f.b, f.sa, f.sb, /*accumulate=*/true);
  // old is a multiple of 1/2 with |old| <= 7.5; the product is a multiple of 2^-7 below 2^16
  // (see the test above): old + product stays a 23-bit multiple of 2^-7, exact in fp32.
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      INFO("c(" << i << ", " << j << ")");
      CHECK(c.get(i, j) == old(i, j) + ref_fp4(i, j));
    }
  CHECK(c.get(0, 0) == 42.75);                // old(0, 0) = 0 plus the by-hand 42.75 above
  CHECK(c.get(3, 1) == 1.0 + ref_fp4(3, 1));  // old(3, 1) = 0.5 * 2
  run_mx(c, f.a, f.b, f.sa, f.sb, /*accumulate=*/true);
  // twice: |old + 2 * product| < 2 * 43008 + 8 < 2^17, still a multiple of 2^-7: 24 bits, exact
  CHECK(c.get(0, 0) == 85.5);                       // 2 * 42.75
  CHECK(c.get(15, 2) == 6.5 + 2 * ref_fp4(15, 2));  // old(15, 2) = 0.5 * (15 - 2)
}

TEST_CASE("a NaN scale makes the outputs of its row or column NaN and no others", "[mx]") {
  Tile a(DType::fp4_e1m2, 16, 64), b(DType::fp4_e2m1, 64, 16);
  Tile sa(DType::e8m0, 16, 2), sb(DType::e8m0, 2, 16);
  a.fill([](std::uint32_t i, std::uint32_t k) { return i == 3 && k >= 32 ? 0.0 : 1.0; });
  b.fill([](std::uint32_t, std::uint32_t) { return 0.5; });
  sa.fill([](std::uint32_t, std::uint32_t) { return 1.0; });  // code 127 = 2^0
  sb.fill([](std::uint32_t, std::uint32_t) { return 1.0; });
  REQUIRE(sa.bits(0, 0) == 127);  // e8m0 bias: 1.0 = 2^0 is code 127
  Tile c(DType::fp32, 16, 16);

  SECTION("src2: row 3's block 1 scale is NaN, though that block of A is all zeros") {
    sa.set_bits(3, 1, 0xFF);  // e8m0 0xFF is NaN (OCP MX v1.0)
    run_mx(c, a, b, sa, sb);
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) {
        INFO("c(" << i << ", " << j << ")");
        if (i == 3)
          CHECK(std::isnan(c.get(i, j)));  // NaN * 0 is NaN: the block still poisons the sum
        else
          CHECK(c.get(i, j) == 32.0);  // 64 products of 1 * 0.5, scales 2^0
      }
  }
  SECTION("src3: column 5's block 0 scale is NaN") {
    sb.set_bits(0, 5, 0xFF);
    run_mx(c, a, b, sa, sb);
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) {
        INFO("c(" << i << ", " << j << ")");
        if (j == 5)
          CHECK(std::isnan(c.get(i, j)));
        else
          CHECK(c.get(i, j) == (i == 3 ? 16.0 : 32.0));  // row 3: only block 0's 32 * 0.5
      }
  }
}

TEST_CASE("an fp8 e4m3 mx mmad over four blocks, with strided scale tiles", "[mx]") {
  // m = 16, k = 128 (four 32-element blocks), n = 16. A: integers in [-7, 7]; B: halves in
  // [-3.5, 3.5]; both exact in e4m3 (3 mantissa bits hold integers to 16 and 3.5 = 1.75 * 2).
  auto av = [](int i, int k) { return double((7 * i + 3 * k) % 15 - 7); };
  auto bv = [](int k, int j) { return 0.5 * ((5 * k + 11 * j) % 15 - 7); };
  auto ea = [](int i, int b) { return (i + 5 * b) % 6 - 2; };  // in [-2, 3]
  auto eb = [](int b, int j) { return (2 * j + b) % 6 - 2; };  // in [-2, 3]
  Tile a(DType::fp8_e4m3, 16, 128), b(DType::fp8_e4m3, 128, 16);
  // scale rows padded with guard bytes (0xA5 = 2^38): a strided read of the wrong element
  // would show
  Tile sa(DType::e8m0, 16, 4, /*stride=*/8), sb(DType::e8m0, 4, 16, /*stride=*/32);
  a.fill([&](std::uint32_t i, std::uint32_t k) { return av(int(i), int(k)); });
  b.fill([&](std::uint32_t k, std::uint32_t j) { return bv(int(k), int(j)); });
  for (int i = 0; i < 16; ++i)
    for (int blk = 0; blk < 4; ++blk) {
      sa.set_bits(i, blk, code(ea(i, blk)));
      sb.set_bits(blk, i, code(eb(blk, i)));
    }
  Tile c(DType::fp32, 16, 16);
  run_mx(c, a, b, sa, sb);
  // Exactness: products are multiples of 1/2 with |p| <= 7 * 3.5 = 24.5; times 2^[-4, 6] every
  // term is a multiple of 2^-5 and |c| <= 4 * 32 * 24.5 * 2^6 = 200704 < 2^18: 23 bits.
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      double ref = 0;
      for (int blk = 0; blk < 4; ++blk) {
        double block = 0;
        for (int k = 32 * blk; k < 32 * blk + 32; ++k) block += av(i, k) * bv(k, j);
        ref += std::ldexp(block, ea(i, blk) + eb(blk, j));
      }
      INFO("c(" << i << ", " << j << ")");
      CHECK(c.get(i, j) == ref);
    }
}

TEST_CASE("scales at the ends of the e8m0 range combine without overflow", "[mx]") {
  Tile a(DType::fp8_e4m3, 16, 64), b(DType::fp8_e4m3, 64, 16);
  Tile sa(DType::e8m0, 16, 2), sb(DType::e8m0, 2, 16);
  Tile c(DType::fp32, 16, 16);
  b.fill([](std::uint32_t, std::uint32_t) { return 1.0; });

  SECTION("2^127 on A and 2^-127 on B") {
    a.fill([](std::uint32_t i, std::uint32_t) { return i == 0 ? 448.0 : 1.0; });
    REQUIRE(a.get(0, 0) == 448.0);  // the e4m3 maximum
    sa.fill([](std::uint32_t, std::uint32_t) { return std::ldexp(1.0, 127); });
    sb.fill([](std::uint32_t, std::uint32_t) { return std::ldexp(1.0, -127); });
    REQUIRE(sa.bits(1, 1) == 254);  // 2^127: the largest finite e8m0 code
    REQUIRE(sb.bits(1, 1) == 0);    // 2^-127: the smallest
    run_mx(c, a, b, sa, sb);
    // 2^(254 - 127) * 2^(0 - 127) = 2^0: each of the 64 products is A * 1
    CHECK(c.get(1, 0) == 64.0);
    CHECK(c.get(15, 15) == 64.0);
    // 448 * 2^127 ~ 2^135.8 is past fp32's maximum (~2^128): scaled in float it would be inf;
    // in double it is exact and 448 * 64 = 28672 comes back
    CHECK(c.get(0, 0) == 28672.0);
    CHECK(c.get(0, 15) == 28672.0);
  }
  SECTION("2^-127 on A and 2^127 on B") {
    // 2^-9, e4m3's smallest subnormal, times 2^-127 is 2^-136
    a.fill([](std::uint32_t, std::uint32_t) { return std::ldexp(1.0, -9); });
    REQUIRE(a.get(0, 0) == std::ldexp(1.0, -9));
    sa.fill([](std::uint32_t, std::uint32_t) { return std::ldexp(1.0, -127); });
    sb.fill([](std::uint32_t, std::uint32_t) { return std::ldexp(1.0, 127); });
    run_mx(c, a, b, sa, sb);
    CHECK(c.get(0, 0) == 0.125);  // 64 * 2^-9 * 2^-127 * 2^127 = 2^6 * 2^-9 = 2^-3
    CHECK(c.get(7, 9) == 0.125);
  }
}

TEST_CASE("the functional mx mmad rejects what it cannot compute", "[mx]") {
  Fp4Case f;
  Tile c(DType::fp32, 16, 16);
  Tile none(DType::e8m0, 0, 0);
  CHECK_THROWS_WITH(run_mx(c, f.a, f.b, f.sa, none), "src3 is missing (empty view)");
  Tile bytes(DType::uint8, 16, 2);
  CHECK_THROWS_WITH(run_mx(c, f.a, f.b, bytes, f.sb),
                    "MX scales must be e8m0, src2 m x k/32 and src3 k/32 x n");
  Tile narrow(DType::e8m0, 16, 1);  // one scale per row covers 32 of the 64 k
  CHECK_THROWS_WITH(run_mx(c, f.a, f.b, narrow, f.sb),
                    "MX scales must be e8m0, src2 m x k/32 and src3 k/32 x n");
  Tile c16(DType::fp16, 16, 16);
  CHECK_THROWS_WITH(run_mx(c16, f.a, f.b, f.sa, f.sb), "MX mmad needs an fp32 dst");
}

}  // namespace
}  // namespace ascendsim::models::test
