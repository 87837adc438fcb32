// Row reductions, row broadcast, compare / select, and the vscan recurrences.
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

TEST_CASE("vrowmax, vrowmin and vrowsum reduce each row of a strided tile into a column") {
  Tile x(DType::fp32, 2, 4, 5), out(DType::fp32, 2, 1, 8);
  const double v[2][4] = {{1, -3, 2.5, 0.5}, {-1, -2, -0.25, -8}};
  x.fill([&](std::uint32_t r, std::uint32_t c) { return v[r][c]; });
  run(make(Opcode::vrowmax), out, &x);
  CHECK(out.get(0, 0) == 2.5);
  CHECK(out.get(1, 0) == -0.25);
  run(make(Opcode::vrowmin), out, &x);
  CHECK(out.get(0, 0) == -3.0);
  CHECK(out.get(1, 0) == -8.0);
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 1.0);           // 1 - 3 + 2.5 + 0.5
  CHECK(out.get(1, 0) == -11.25);        // -1 - 2 - 0.25 - 8
  CHECK(out.bits(0, 1) == 0xA5A5A5A5u);  // the column's stride padding is untouched
}

TEST_CASE("an fp32 vrowsum adds sequentially from the left, rounding each partial sum") {
  // 2^24 + 1 is a tie in fp32 (ulp 2 there) and rounds to 2^24 (even); sequentially every +1
  // is lost, so the sum stays 2^24 (adding the four ones first would give 2^24 + 4).
  Tile x(DType::fp32, 1, 5), out(DType::fp32, 1, 1);
  x.fill([](std::uint32_t, std::uint32_t c) { return c == 0 ? 16777216.0 : 1.0; });
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 16777216.0);
}

TEST_CASE("an fp16 vrowsum accumulates in float and rounds once at the end") {
  // in fp16, 2048 + 1 ties to 2048 (ulp 2) and both ones would be lost; the float sum is 2050,
  // which fp16 represents exactly.
  Tile x(DType::fp16, 1, 3), out(DType::fp16, 1, 1);
  x.fill([](std::uint32_t, std::uint32_t c) { return c == 0 ? 2048.0 : 1.0; });
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 2050.0);
}

TEST_CASE("row broadcast ops combine each element with column 0 of src1's row") {
  Tile x(DType::fp32, 2, 3), m(DType::fp32, 2, 1), y(DType::fp32, 2, 3);
  x.fill([](std::uint32_t r, std::uint32_t c) { return 1.0 + r * 3 + c; });  // 1 2 3 / 4 5 6
  m.set(0, 0, 3);
  m.set(1, 0, 2);
  run(make(Opcode::vrow_sub), y, &x, &m);
  CHECK(y.get(0, 0) == -2.0);  // 1 - 3
  CHECK(y.get(1, 2) == 4.0);   // 6 - 2
  run(make(Opcode::vrow_div), y, &x, &m);
  CHECK(y.get(0, 2) == 1.0);  // 3 / 3
  CHECK(y.get(1, 1) == 2.5);  // 5 / 2
  run(make(Opcode::vrow_max), y, &x, &m);
  CHECK(y.get(0, 0) == 3.0);               // max(1, 3)
  CHECK(y.get(1, 2) == 6.0);               // max(6, 2)
  run(make(Opcode::vrow_mul), x, &x, &m);  // in place
  CHECK(x.get(1, 0) == 8.0);               // 4 * 2
}

TEST_CASE("vcmp writes 1 or 0 in the dst dtype and NaN compares unequal to everything") {
  Tile a(DType::fp32, 1, 3), b(DType::fp32, 1, 3), mask(DType::fp16, 1, 3);
  a.set(0, 0, 1);
  b.set(0, 0, 2);
  a.set(0, 1, 2);
  b.set(0, 1, 2);
  a.set(0, 2, NAN);
  b.set(0, 2, NAN);
  isa::Instruction lt = make(Opcode::vcmp);
  lt.cmp = isa::CmpMode::lt;
  run(lt, mask, &a, &b);
  CHECK(mask.get(0, 0) == 1.0);  // 1 < 2
  CHECK(mask.get(0, 1) == 0.0);  // 2 < 2 is false
  CHECK(mask.get(0, 2) == 0.0);  // unordered
  isa::Instruction ne = make(Opcode::vcmp);
  ne.cmp = isa::CmpMode::ne;
  run(ne, mask, &a, &b);
  CHECK(mask.get(0, 1) == 0.0);
  CHECK(mask.get(0, 2) == 1.0);                          // NaN != NaN
  isa::Instruction ge_imm = make(Opcode::vcmp, 0, 1.5);  // no src1: compare against imm
  ge_imm.cmp = isa::CmpMode::ge;
  run(ge_imm, mask, &a);
  CHECK(mask.get(0, 0) == 0.0);  // 1 >= 1.5 is false
  CHECK(mask.get(0, 1) == 1.0);  // 2 >= 1.5
}

TEST_CASE("vsel takes src1 where the mask is non-zero and src2 elsewhere") {
  Tile mask(DType::fp16, 1, 3), a(DType::fp32, 1, 3), b(DType::fp32, 1, 3), y(DType::fp32, 1, 3);
  mask.set(0, 0, 1);
  mask.set(0, 1, 0);
  mask.set(0, 2, -0.0);  // -0 == 0: not selected
  a.fill([](std::uint32_t, std::uint32_t c) { return 10.0 + c; });
  b.fill([](std::uint32_t, std::uint32_t c) { return -10.0 - c; });
  run(make(Opcode::vsel), y, &mask, &a, &b);
  CHECK(y.get(0, 0) == 10.0);
  CHECK(y.get(0, 1) == -11.0);
  CHECK(y.get(0, 2) == -12.0);
}

TEST_CASE("a linear vscan with unit coefficients is a prefix sum continued from the carry") {
  Tile a(DType::fp32, 2, 4), w(DType::fp32, 2, 4), h(DType::fp32, 2, 4);
  a.fill([](std::uint32_t, std::uint32_t) { return 1.0; });
  w.fill([](std::uint32_t r, std::uint32_t c) { return (r + 1.0) * (c + 1.0); });
  run(make(Opcode::vscan, 0, 10.0), h, &a, &w);  // carry imm = 10 for every row
  const double row0[4] = {11, 13, 16, 20};       // 10 + 1, + 2, + 3, + 4
  const double row1[4] = {12, 16, 22, 30};       // 10 + 2, + 4, + 6, + 8
  for (std::uint32_t c = 0; c < 4; ++c) {
    CHECK(h.get(0, c) == row0[c]);
    CHECK(h.get(1, c) == row1[c]);
  }
}

TEST_CASE("a linear vscan follows h = a * h + w with the carry from src2, in place") {
  Tile a(DType::fp32, 1, 3), w(DType::fp32, 1, 3), carry(DType::fp32, 1, 1);
  a.fill([](std::uint32_t, std::uint32_t) { return 0.5; });
  w.fill([](std::uint32_t, std::uint32_t c) { return double(c); });  // 0, 1, 2
  carry.set(0, 0, 8);
  run(make(Opcode::vscan), w, &a, &w, &carry);  // dst aliases src1
  CHECK(w.get(0, 0) == 4.0);                    // 0.5 * 8 + 0
  CHECK(w.get(0, 1) == 3.0);                    // 0.5 * 4 + 1
  CHECK(w.get(0, 2) == 3.5);                    // 0.5 * 3 + 2
}

TEST_CASE(
    "an fp32 linear vscan rounds the product and the sum separately (no fused multiply-add)") {
  // a = h = 1 + 2^-12: a * h = 1 + 2^-11 + 2^-24, a tie in fp32 that rounds to 1 + 2^-11 (even);
  // adding w = -(1 + 2^-11) then gives exactly 0. A fused multiply-add would give 2^-24.
  Tile a(DType::fp32, 1, 1), w(DType::fp32, 1, 1), h(DType::fp32, 1, 1);
  const double one_plus = 1 + std::ldexp(1.0, -12);
  a.set(0, 0, one_plus);
  w.set(0, 0, -(1 + std::ldexp(1.0, -11)));
  run(make(Opcode::vscan, 0, one_plus), h, &a, &w);
  CHECK(h.get(0, 0) == 0.0);
}

TEST_CASE("a logaddexp vscan matches a double reference rounded to fp32 each step") {
  Tile a(DType::fp32, 1, 6), w(DType::fp32, 1, 6), h(DType::fp32, 1, 6);
  const double av[6] = {-0.5, -1.25, 0.0, -3.0, -0.125, -2.0};
  const double wv[6] = {0.3, -2.0, 1.5, -0.75, 0.0, 4.0};
  a.fill([&](std::uint32_t, std::uint32_t c) { return av[c]; });
  w.fill([&](std::uint32_t, std::uint32_t c) { return wv[c]; });
  isa::Instruction ins = make(Opcode::vscan, 0, 0.25);
  ins.scan = isa::ScanMode::logaddexp;
  run(ins, h, &a, &w);
  double ref = 0.25;
  for (std::uint32_t c = 0; c < 6; ++c) {
    ref = double(float(std::log(std::exp(ref + float(av[c])) + std::exp(float(wv[c])))));
    CHECK(h.get(0, c) == Approx(ref).epsilon(1e-6));
  }
}

TEST_CASE("a logaddexp vscan stays finite where exp alone would overflow") {
  // log(e^1000 + e^1000) = 1000 + ln 2 = 1000.693147..., rounded to fp32 (ulp 2^-14 there)
  Tile a(DType::fp32, 1, 1), w(DType::fp32, 1, 1), h(DType::fp32, 1, 1);
  a.set(0, 0, 0);
  w.set(0, 0, 1000);
  isa::Instruction ins = make(Opcode::vscan, 0, 1000.0);
  ins.scan = isa::ScanMode::logaddexp;
  const NumericEvents ev = run(ins, h, &a, &w);
  CHECK(h.get(0, 0) == double(float(1000.0 + std::log(2.0))));
  CHECK_FALSE(ev.any());
}

isa::Instruction scan_ins(isa::ScanMode mode, std::uint8_t direction, double carry = 0.0) {
  isa::Instruction ins = make(Opcode::vscan, direction, carry);
  ins.scan = mode;
  return ins;
}
constexpr std::uint8_t kFirstAxis = isa::flag::first_axis, kReverse = isa::flag::reverse;
constexpr isa::ScanMode kModes[] = {isa::ScanMode::linear, isa::ScanMode::logaddexp};

// Values with no pattern a wrong order could reproduce; |a| < 1 keeps linear scans bounded.
double coefficient(std::uint32_t r, std::uint32_t c) { return 0.9 * std::sin(1.3 * r + 0.7 * c); }
double input(std::uint32_t r, std::uint32_t c) { return std::cos(0.37 * r - 1.1 * c) * 3.0; }

TEST_CASE("a first_axis linear vscan runs down each column from row 0 of src2") {
  Tile a(DType::fp32, 3, 2), w(DType::fp32, 3, 2), h(DType::fp32, 3, 2), carry(DType::fp32, 2, 2);
  const double av[3][2] = {{2, 1}, {0.5, 3}, {1, -1}}, wv[3][2] = {{1, 2}, {3, 4}, {5, 6}};
  a.fill([&](std::uint32_t r, std::uint32_t c) { return av[r][c]; });
  w.fill([&](std::uint32_t r, std::uint32_t c) { return wv[r][c]; });
  carry.fill(
      [](std::uint32_t r, std::uint32_t c) { return r == 0 ? (c == 0 ? 1.0 : 10.0) : 99.0; });
  run(scan_ins(isa::ScanMode::linear, kFirstAxis), h, &a, &w, &carry);  // carry's row 1 unused
  const double want[3][2] = {{3, 12},      // 2 * 1 + 1,      1 * 10 + 2
                             {4.5, 40},    // 0.5 * 3 + 3,    3 * 12 + 4
                             {9.5, -34}};  // 1 * 4.5 + 5,   -1 * 40 + 6
  for (std::uint32_t r = 0; r < 3; ++r)
    for (std::uint32_t c = 0; c < 2; ++c) CHECK(h.get(r, c) == want[r][c]);
}

TEST_CASE("a reverse vscan equals the forward scan of the reversed row, bit for bit") {
  const std::uint32_t rows = 2, cols = 7;
  for (isa::ScanMode mode : kModes) {
    Tile a(DType::fp32, rows, cols), w(DType::fp32, rows, cols), h(DType::fp32, rows, cols);
    Tile ar(DType::fp32, rows, cols), wr(DType::fp32, rows, cols), hr(DType::fp32, rows, cols);
    Tile carry(DType::fp32, rows, 1);
    a.fill(coefficient);
    w.fill(input);
    ar.fill([](std::uint32_t r, std::uint32_t c) { return coefficient(r, cols - 1 - c); });
    wr.fill([](std::uint32_t r, std::uint32_t c) { return input(r, cols - 1 - c); });
    carry.fill([](std::uint32_t r, std::uint32_t) { return 0.5 + r; });
    run(scan_ins(mode, kReverse), h, &a, &w, &carry);
    run(scan_ins(mode, 0), hr, &ar, &wr, &carry);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c) CHECK(h.bits(r, c) == hr.bits(r, cols - 1 - c));
  }
}

TEST_CASE("a first_axis reverse vscan equals a double loop from the last row up") {
  // fp32 linear: the product rounded to fp32, then the sum (float arithmetic does exactly that)
  const std::uint32_t rows = 5, cols = 4;
  Tile a(DType::fp32, rows, cols), w(DType::fp32, rows, cols), h(DType::fp32, rows, cols, 6);
  a.fill(coefficient);
  w.fill(input);
  run(scan_ins(isa::ScanMode::linear, kFirstAxis | kReverse, 0.75), h, &a, &w);
  for (std::uint32_t c = 0; c < cols; ++c) {
    float ref = 0.75f;  // h[rows][c], the imm carry
    for (std::uint32_t r = rows; r-- > 0;) {
      const float product = float(a.get(r, c)) * ref;
      ref = product + float(w.get(r, c));
      CHECK(h.get(r, c) == double(ref));
    }
  }
  CHECK(h.bits(0, 4) == 0xA5A5A5A5u);  // the stride padding is untouched
}

TEST_CASE("first_axis scans chain over tiles: the last row is the next tile's carry") {
  // One scan over a 6x3 tile against two over its 3x3 halves, the second taking row 2 of the
  // first's result (a view into dst) as src2.
  const std::uint32_t rows = 6, cols = 3, half = rows / 2;
  for (isa::ScanMode mode : kModes) {
    Tile a(DType::fp32, rows, cols), w(DType::fp32, rows, cols);
    Tile whole(DType::fp32, rows, cols), chained(DType::fp32, rows, cols);
    a.fill(coefficient);
    w.fill(input);
    run(scan_ins(mode, kFirstAxis, -0.25), whole, &a, &w);
    auto rows_of = [&](const Tile& t, std::uint32_t r0, std::uint32_t n) {
      ResolvedTile v = t.rt;
      v.data += numeric::dtype_bytes(DType::fp32, t.index(r0, 0));
      v.view.rows = n;
      return v;
    };
    NumericEvents ev;
    Operands ops;
    ops.dst = rows_of(chained, 0, half);
    ops.src0 = rows_of(a, 0, half);
    ops.src1 = rows_of(w, 0, half);
    execute_functional(scan_ins(mode, kFirstAxis, -0.25), ops, ev);
    ops.dst = rows_of(chained, half, half);
    ops.src0 = rows_of(a, half, half);
    ops.src1 = rows_of(w, half, half);
    ops.src2 = rows_of(chained, half - 1, 1);  // the first tile's last row: its carry-out
    execute_functional(scan_ins(mode, kFirstAxis), ops, ev);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c) CHECK(chained.bits(r, c) == whole.bits(r, c));
  }
}

TEST_CASE("a first_axis logaddexp vscan matches a double reference rounded to fp32 each step") {
  const std::uint32_t rows = 4, cols = 3;
  Tile a(DType::fp32, rows, cols), w(DType::fp32, rows, cols), h(DType::fp32, rows, cols);
  Tile carry(DType::fp32, 1, cols);
  a.fill(coefficient);
  w.fill(input);
  carry.fill([](std::uint32_t, std::uint32_t c) { return -1.0 + c; });
  run(scan_ins(isa::ScanMode::logaddexp, kFirstAxis), h, &a, &w, &carry);
  for (std::uint32_t c = 0; c < cols; ++c) {
    double ref = carry.get(0, c);
    for (std::uint32_t r = 0; r < rows; ++r) {
      ref = double(float(std::log(std::exp(ref + a.get(r, c)) + std::exp(w.get(r, c)))));
      CHECK(h.get(r, c) == Approx(ref).epsilon(1e-6));
    }
  }
}

TEST_CASE("a vscan reads its carry before writing, so src2 may be dst itself, in any direction") {
  for (std::uint8_t direction : {0, int(kFirstAxis), int(kReverse), kFirstAxis | kReverse}) {
    INFO("direction flags " << int(direction));
    const bool down = direction & kFirstAxis;
    Tile a(DType::fp32, 3, 4), w(DType::fp32, 3, 4), h(DType::fp32, 3, 4), ref(DType::fp32, 3, 4);
    Tile carry(DType::fp32, down ? 1 : 3, down ? 4 : 1);
    a.fill(coefficient);
    w.fill(input);
    h.fill([](std::uint32_t r, std::uint32_t c) { return 1.0 + r - 0.5 * c; });
    carry.fill(
        [&](std::uint32_t r, std::uint32_t c) { return h.get(r, c); });  // h's row / column 0
    run(scan_ins(isa::ScanMode::linear, direction), ref, &a, &w, &carry);
    run(scan_ins(isa::ScanMode::linear, direction), h, &a, &w, &h);  // src2 = dst
    for (std::uint32_t r = 0; r < 3; ++r)
      for (std::uint32_t c = 0; c < 4; ++c) CHECK(h.bits(r, c) == ref.bits(r, c));
  }
  // A tile buffer reused for the next tile: the carry is its own last row, the previous tile's
  // carry-out, a 1-row view into dst.
  Tile a(DType::fp32, 3, 4), w(DType::fp32, 3, 4), h(DType::fp32, 3, 4), ref(DType::fp32, 3, 4);
  Tile carry(DType::fp32, 1, 4);
  a.fill(coefficient);
  w.fill(input);
  h.fill([](std::uint32_t r, std::uint32_t c) { return 2.0 - r + 0.25 * c; });
  carry.fill([&](std::uint32_t, std::uint32_t c) { return h.get(2, c); });
  run(scan_ins(isa::ScanMode::linear, kFirstAxis), ref, &a, &w, &carry);
  Operands ops;
  ops.dst = h.rt;
  ops.src0 = a.rt;
  ops.src1 = w.rt;
  ops.src2 = h.rt;
  ops.src2.data += numeric::dtype_bytes(DType::fp32, h.index(2, 0));
  ops.src2.view.rows = 1;
  NumericEvents ev;
  execute_functional(scan_ins(isa::ScanMode::linear, kFirstAxis), ops, ev);
  for (std::uint32_t r = 0; r < 3; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(h.bits(r, c) == ref.bits(r, c));
}

}  // namespace
}  // namespace ascendsim::models::test
