// check_linear (kernels/msd/linear_check.hpp) on hand-built GM contents, no simulation: an
// exactly computed y passes both pipelines' bounds, one y beyond its bound fails, int_split's
// pieces in ws_x meet Theorem 5.1, and a program without data is not checked.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/msd/linear_check.hpp"
#include "kernels/msd/msd_split.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"
#include "tests/unit/test_program_tensors.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;
using numeric::DType;

// Every token's max |x|: 127 / 32 makes alpha = M / 127 = 2^-5, exact in ws_alpha's fp32, so
// the pieces int_split forms in double are exactly what the check reads back. The bulk is
// N(0, 1) redrawn above kBulk (the max of 512 normals is ~3): its bf16 values stay below M.
constexpr double kMax = 127.0 / 32.0, kBulk = 3.9;

// 3 tokens (decode-sized), n = 512 (two 256-wide chunks), m = 256 (two output tiles on two
// AICs of one die); msd gets 4 scale groups of 128 so the group sums are exercised.
LinearPlan small_plan(LinearPipeline pipe) {
  const config::HardwareConfig hw = config::load_hardware_file(std::string(ASCENDSIM_SOURCE_DIR) +
                                                               "/configs/hw/ascend910b2.yaml");
  LinearParams p;
  p.pipeline = pipe;
  p.tokens = 3;
  p.n = 512;
  p.m = 256;
  p.group = pipe == LinearPipeline::msd ? 128 : 0;
  p.cores = 2;
  return plan_linear(p, hw);
}

struct Fixture {
  LinearPlan plan;
  isa::Program prog;
  std::vector<std::vector<double>> x, x_hat;  // per token: X as bf16, int_split's x_hat
  std::vector<double> w, s;                   // W (m x n), s_W (groups x m)
  std::uint64_t n = 0, m = 0;

  void add(const std::string& name, DType t, std::uint64_t rows, std::uint64_t cols, bool data) {
    test::add_tensor(prog, name, t, rows, cols, data);
  }
  std::uint8_t* bytes(const std::string& name) { return test::tensor_bytes(prog, name); }

  Fixture(LinearPipeline pipe, bool data) : plan(small_plan(pipe)) {
    const LinearParams& p = plan.params;
    n = p.n;
    m = p.m;
    REQUIRE(plan.dies == 1);  // tensors without a die suffix
    const bool msd = pipe == LinearPipeline::msd;
    add("x", DType::bf16, plan.x_rows(), n, data);
    add("w", p.weight, m, n, data);
    add("s", DType::fp32, p.groups(), m, data);
    add("y", p.out_dtype, plan.x_rows(), m, data);
    if (msd) add("ws_x", p.piece(), plan.blocks * plan.block_rows, n, data);
    if (msd) add("ws_alpha", DType::fp32, plan.x_rows(), kAlphaCols, data);
    if (!data) return;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_int_distribution<int> code(-127, 127);       // int8 W's symmetric range
    std::uniform_real_distribution<double> scale(0.01, 1.0);  // linear_params.hpp's default
    for (std::uint64_t i = 0; i < m * n; ++i) w.push_back(code(rng));
    for (std::uint64_t i = 0; i < p.groups() * m; ++i) s.push_back(float(scale(rng)));
    for (std::uint64_t i = 0; i < w.size(); ++i)
      numeric::store_element(p.weight, bytes("w"), i, w[i]);
    for (std::uint64_t i = 0; i < s.size(); ++i)
      numeric::store_element(DType::fp32, bytes("s"), i, s[i]);
    for (std::uint64_t t = 0; t < p.tokens; ++t) {
      std::vector<double> row(n);
      for (double& v : row) {
        do v = normal(rng);
        while (std::fabs(v) >= kBulk);
        v = numeric::quantize(DType::bf16, v);
      }
      row[(t * 37) % n] = t % 2 ? -kMax : kMax;
      for (std::uint64_t i = 0; i < n; ++i)
        numeric::store_element(DType::bf16, bytes("x"), t * n + i, row[i]);
      x.push_back(row);
      if (!msd) continue;
      const msd::SplitResult split = msd::int_split(row, msd::kInt8Split);
      REQUIRE(split.scales[0][0] == 1.0 / 32);  // alpha = kMax / 127
      numeric::store_element(DType::fp32, bytes("ws_alpha"), t * kAlphaCols, 1.0 / 32);
      const std::uint64_t blk = t / plan.block_tokens, tt = t % plan.block_tokens;
      for (std::size_t k = 0; k < split.passes(); ++k)
        for (std::uint64_t i = 0; i < n; ++i)
          numeric::store_element(p.piece(), bytes("ws_x"),
                                 (blk * plan.block_rows + k * plan.block_tokens + tt) * n + i,
                                 split.value(k, i));
      x_hat.push_back(split.x_hat);
    }
  }

  // y[t, j] = sum_i s[g(i), j] W[j, i] a_i in fp64, a = x or x_hat.
  double y_of(std::uint64_t t, std::uint64_t j, bool from_pieces) const {
    const std::vector<double>& a = from_pieces ? x_hat[t] : x[t];
    double y = 0;
    for (std::uint64_t i = 0; i < n; ++i)
      y += s[(i / plan.params.group_length()) * m + j] * w[j * n + i] * a[i];
    return y;
  }
  void store_y(std::uint64_t t, std::uint64_t j, double v) {
    numeric::store_element(plan.params.out_dtype, bytes("y"), t * m + j, v);
  }
  void store_all_y(bool from_pieces) {
    for (std::uint64_t t = 0; t < plan.params.tokens; ++t)
      for (std::uint64_t j = 0; j < m; ++j) store_y(t, j, y_of(t, j, from_pieces));
  }
};

const LinearPipeline kPipes[] = {LinearPipeline::dequant, LinearPipeline::msd};

TEST_CASE("check_linear passes an exact y rounded once to fp32", "[linear_check]") {
  for (LinearPipeline pipe : kPipes) {
    Fixture f(pipe, true);
    f.store_all_y(false);
    const CheckResult r = check_linear(f.plan, f.prog);
    CHECK(r.performed);
    CHECK(r.passed);
    CHECK(r.compared == 3u * 256u);  // every real token x every output column
    CHECK(r.extra["worst_bound_ratio"].get<double>() <= 1.0);
    // Each y is off by its fp32 rounding only (<= 2^-24 relative), so the normwise error is too.
    CHECK(r.extra["l2_rel_error"].get<double>() <= std::ldexp(1.0, -24));
    CHECK(r.extra["failures"] == 0);
  }
}

TEST_CASE("check_linear fails one y beyond its bound", "[linear_check]") {
  for (LinearPipeline pipe : kPipes) {
    Fixture f(pipe, true);
    f.store_all_y(false);
    // 5% of 127 sum |x|, which is >= sum |s W| |x| = S (|W| <= 127, s < 1): 12x dequant's
    // 2^-8 S weight term; and far above msd's D <= n 127 M / 64516 (Theorem 5.1 per element).
    double sum_abs = 0;
    for (double v : f.x[1]) sum_abs += std::fabs(v);
    f.store_y(1, 130, f.y_of(1, 130, false) + 0.05 * 127 * sum_abs);
    const CheckResult r = check_linear(f.plan, f.prog);
    CHECK(r.performed);
    CHECK_FALSE(r.passed);
    CHECK(r.extra["failures"] == 1);
    CHECK(r.extra["first_failure"]["token"] == 1);
    CHECK(r.extra["first_failure"]["column"] == 130);
    CHECK(r.extra["worst_bound_ratio"].get<double>() > 1.0);
  }
}

TEST_CASE("check_linear: int_split's pieces meet Theorem 5.1 and an exact MSD y passes",
          "[linear_check]") {
  Fixture f(LinearPipeline::msd, true);
  f.store_all_y(true);  // y of x_hat: the whole decomposition error D is in y
  const CheckResult r = check_linear(f.plan, f.prog);
  CHECK(r.passed);
  CHECK(r.extra["worst_bound_ratio"].get<double>() <= 1.0);
  // alpha = 2^-5 makes every step of the split and of the check's error exact: no slack.
  const double ratio = r.extra["activation_bound_ratio"].get<double>();
  CHECK(ratio <= 1.0);
  CHECK(ratio > 0.5);  // the worst of 1536 errors, ~uniform up to the bound, comes near it
  // Against each token's max (MSD.md's 15.9 bits): log2(2 127 254) = 15.98 bits at ratio 1.
  CHECK(std::log2(2 * 127 * 254 / ratio) >= 15.9);
  // The header's normwise bits: ||x - x_hat|| <= sqrt(tokens n) M / 64516 by Theorem 5.1, so
  // bits >= log2(64516 ||x|| / (sqrt(tokens n) M)), ~14 here (rms(x) ~ 1, M ~ 4).
  double sq = 0;
  for (const auto& row : f.x)
    for (double v : row) sq += v * v;
  const double floor_bits = std::log2(64516 * std::sqrt(sq / (3 * 512)) / kMax);
  CHECK(r.extra["activation_effective_bits"].get<double>() >= floor_bits);
  CHECK(floor_bits > 13.5);  // the data is what the comment above says
  // Piece 1 codes each token's max, and nothing else (|x| <= 3.90625 < 126.5 alpha), as +-127;
  // of those only +127 is int8's extreme (-128 / 127): tokens 0 and 2 (+M).
  CHECK(r.extra["activation_codes_at_limit_per_piece"][0] == 2);
}

TEST_CASE("check_linear does not check a timing-only program", "[linear_check]") {
  for (LinearPipeline pipe : kPipes) {
    Fixture f(pipe, false);
    const CheckResult r = check_linear(f.plan, f.prog);
    CHECK_FALSE(r.performed);
    CHECK_FALSE(r.passed);
  }
}

}  // namespace
