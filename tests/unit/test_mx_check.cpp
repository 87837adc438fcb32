// check_mx_linear (kernels/msd/mx_check.hpp) on hand-built GM contents, no simulation: pieces
// from msd::mx_split and an exactly computed y pass on every MX variant (reaching bound_b exactly
// on a planted element), one y beyond its bound fails, a split with the wrong beta is caught by
// the bit-for-bit comparison, and a program without data is not checked.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/common/reference.hpp"
#include "kernels/msd/msd_split.hpp"
#include "kernels/msd/mx_check.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"
#include "tests/unit/test_program_tensors.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;
using numeric::DType;

struct Variant {
  const char* name;
  LinearPipeline pipe;
  DType weight, act;
  msd::MxScaleRule rule;
  DType out;
  double tight;  // a block max whose own split error is exactly bound_b (reason per variant)
};
const Variant kVariants[] = {
    // alpha 1 (1.125 / 1.859375 -> 2^0); q1 1 (tie 1 / 1.25 to even); r / beta = 2 saturates at
    // 1.75: error 0.25 beta = alpha / 64, Theorem 5.2's bound.
    {"msd e1m2", LinearPipeline::msd, DType::fp4_e1m2, DType::fp4_e1m2,
     msd::MxScaleRule::ceil_threshold, DType::fp32, 1.125},
    // msd_split.cpp's tight case: alpha 1, q1 4, r / beta = 2.5 ties to 2: alpha / 8. bf16 y.
    {"msd e2m1", LinearPipeline::msd, DType::fp4_e2m1, DType::fp4_e2m1,
     msd::MxScaleRule::ceil_threshold, DType::bf16, 4.625},
    // alpha 2^ceil(log2(1.0625 / 448)) = 2^-8; 272 ties 256 / 288 to 256: half the step 32.
    {"dequant no_clip", LinearPipeline::dequant, DType::fp4_e2m1, DType::fp8_e4m3,
     msd::MxScaleRule::ceil_threshold, DType::fp32, 1.0625},
    // OCP alpha 2^(0 - 8); 1.9375 / alpha = 496 saturates to 448: 48 alpha > 16 alpha.
    {"dequant ocp", LinearPipeline::dequant, DType::fp4_e1m2, DType::fp8_e4m3,
     msd::MxScaleRule::ocp_floor, DType::fp32, 1.9375},
};

// 3 tokens (decode-sized), n = 512 (2 fp4 K steps of 256, 4 fp8 ones of 128: ws_sx rows > 0),
// m = 128 (one output tile), one AIC.
LinearPlan small_plan(const Variant& v) {
  static const config::HardwareConfig hw = config::load_hardware_file(
      std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend950pr.yaml");
  LinearParams p;
  p.pipeline = v.pipe;
  p.tokens = 3;
  p.n = 512;
  p.m = 128;
  p.weight = v.weight;
  p.group = 32;                                      // the MX block
  p.passes = v.pipe == LinearPipeline::msd ? 2 : 1;  // MSD.md §5's two passes; MXFP8 one
  p.mx_act = v.act;
  p.mx_rule = v.rule;
  p.out_dtype = v.out;
  p.cores = 1;
  return plan_linear(p, hw);
}

struct Fixture {
  LinearPlan plan;
  isa::Program prog;
  std::vector<std::vector<double>> x, x_hat;  // per token: X as bf16, the split's x_hat
  std::vector<double> w;                      // W_deq, m x n
  std::uint64_t n = 0, m = 0;

  void add(const std::string& name, DType t, std::uint64_t rows, std::uint64_t cols, bool data) {
    test::add_tensor(prog, name, t, rows, cols, data);
  }
  std::uint8_t* bytes(const std::string& name) { return test::tensor_bytes(prog, name); }

  // `step_ratio` 0: the kernel's split (params.mx_split()); else that ratio (a wrong split).
  Fixture(const Variant& v, bool data, double step_ratio = 0) : plan(small_plan(v)) {
    const LinearParams& p = plan.params;
    n = p.n;
    m = p.m;
    REQUIRE(plan.dies == 1);  // tensors without a die suffix
    const std::uint64_t c = plan.k_step / 32, steps = plan.mx_steps();
    add("x", DType::bf16, plan.x_rows(), n, data);
    add("w", p.weight, m, n, data);
    add("s", DType::e8m0, n / 32, m, data);
    add("y", p.out_dtype, plan.x_rows(), m, data);
    add("ws_x", p.piece(), p.passes * plan.x_rows(), n, data);
    add("ws_sx", DType::e8m0, p.passes * steps, plan.x_rows() * c, data);
    if (!data) return;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_int_distribution<std::uint32_t> code(0, 15);  // every fp4 code, as the kernel
    std::uniform_real_distribution<double> scale(0.01, 1.0);   // linear_params.hpp's default
    std::vector<std::uint32_t> s_codes(n / 32 * m);
    for (std::uint32_t& sc : s_codes) sc = numeric::to_e8m0(scale(rng));  // 2^floor(log2 u)
    for (std::uint64_t j = 0; j < m; ++j)
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint32_t wc = code(rng);
        numeric::store_bits(p.weight, bytes("w"), j * n + i, wc);
        w.push_back(numeric::decode_bits(p.weight, wc) *
                    numeric::decode_bits(DType::e8m0, s_codes[(i / 32) * m + j]));
      }
    for (std::uint64_t k = 0; k < s_codes.size(); ++k)
      numeric::store_bits(DType::e8m0, bytes("s"), k, s_codes[k]);
    msd::MxSplitParams sp = p.mx_split();
    if (step_ratio != 0) sp.step_ratio = step_ratio;
    for (std::uint64_t t = 0; t < p.tokens; ++t) {
      std::vector<double> row(n);
      for (double& e : row) e = numeric::quantize(DType::bf16, normal(rng));
      if (t == 0) {  // block 1: the tight element is its max (the rest zero, one -0.5)
        std::fill(row.begin() + 32, row.begin() + 64, 0.0);
        row[37] = v.tight;
        row[52] = -0.5;
      }
      if (t == 1) std::fill(row.begin() + 64, row.begin() + 96, 0.0);  // block 2: M_b = 0
      for (std::uint64_t i = 0; i < n; ++i)
        numeric::store_element(DType::bf16, bytes("x"), t * n + i, row[i]);
      const msd::SplitResult split = msd::mx_split(row, sp);
      for (std::size_t k = 0; k < split.passes(); ++k) {
        for (std::uint64_t i = 0; i < n; ++i)
          numeric::store_bits(p.piece(), bytes("ws_x"), (k * plan.x_rows() + t) * n + i,
                              split.codes[k][i]);
        for (std::uint64_t b = 0; b < n / 32; ++b)  // mx_check.hpp's ws_sx layout
          numeric::store_element(DType::e8m0, bytes("ws_sx"),
                                 (k * steps + b / c) * plan.x_rows() * c + t * c + b % c,
                                 split.scales[k][b]);
      }
      x.push_back(row);
      x_hat.push_back(split.x_hat);
    }
  }

  // y[t, j] = sum_i W_deq[j, i] a_i in fp64, a = x or x_hat.
  double y_of(std::uint64_t t, std::uint64_t j, bool from_pieces) const {
    const std::vector<double>& a = from_pieces ? x_hat[t] : x[t];
    double y = 0;
    for (std::uint64_t i = 0; i < n; ++i) y += w[j * n + i] * a[i];
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

TEST_CASE("check_mx_linear passes the exact split and y on every MX variant", "[mx]") {
  for (const Variant& v : kVariants) {
    {
      // y from the unsplit x: not what a cube fed these pieces computes. The gate is taken
      // against x_hat W_deq, so the split's error (far above the rounding) fails it, while the
      // error figures are against x W_deq: here only y's own rounding to out_dtype, below its
      // unit roundoff (2^-24 fp32, 2^-8 bf16) in the L2 norm.
      INFO(v.name << ", y of x");
      Fixture f(v, true);
      f.store_all_y(false);
      const CheckResult r = check_mx_linear(f.plan, f.prog);
      CHECK_FALSE(r.passed);
      CHECK(r.extra["failures"].get<std::uint64_t>() > 0);
      CHECK(r.extra["l2_rel_error"].get<double>() < unit_roundoff(f.plan.params.out_dtype));
    }
    for (bool from_pieces : {true}) {
      INFO(v.name << ", y of x_hat");
      Fixture f(v, true);
      f.store_all_y(from_pieces);  // x_hat: the split's whole error lands in y, as on the chip
      const CheckResult r = check_mx_linear(f.plan, f.prog);
      CHECK(r.performed);
      CHECK(r.passed);
      CHECK(r.compared == 3u * 128u);  // every real token x every output column
      CHECK(r.extra["failures"] == 0);
      CHECK(r.extra["worst_bound_ratio"].get<double>() <= 1.0);
      CHECK(r.extra["activation_split_mismatches"] == 0);
      // The planted element meets bound_b exactly and every step of the check is exact: 1.
      CHECK(r.extra["activation_bound_ratio"].get<double>() == 1.0);
      CHECK(r.extra["activation_bound_limit"].get<double>() == 1.0);  // no slack by design
      CHECK(r.extra["activation_saturated_share"].size() == f.plan.params.passes);
      CHECK(r.extra["tokens_checked"] == 3);  // 3 x 128 x 512 multiply-adds: far below 2^31
      CHECK_FALSE(r.extra["sampled"].get<bool>());
    }
  }
}

TEST_CASE("check_mx_linear: e1m2 pieces show MSD.md's figures", "[mx]") {
  Fixture f(kVariants[0], true);
  f.store_all_y(true);
  const CheckResult r = check_mx_linear(f.plan, f.prog);
  REQUIRE(r.passed);
  // Pass 2 clips |r / beta| in (1.75, 2]: MSD.md §5's ~12.5 % for continuous x, fewer (~9-12 %)
  // on bf16 X's coarse residuals; 1536 codes put ~0.8 % of noise on it.
  const double clipped = r.extra["activation_clipped_share"][1].get<double>();
  CHECK(clipped > 0.08);
  CHECK(clipped < 0.15);
  // Codes at +-1.75 also take the in-range |r / beta| in [1.625, 1.75]: ~3/16 in all.
  const double at_max = r.extra["activation_saturated_share"][1].get<double>();
  CHECK(at_max > 0.14);
  CHECK(at_max < 0.22);
  CHECK(at_max > clipped);  // every clipped code is at +-max
  // Table 1 v3 gives 6.65 bits on a Gaussian; 1536 samples land within a few tenths of it.
  const double bits = r.extra["activation_effective_bits"].get<double>();
  CHECK(bits > 6.0);
  CHECK(bits < 7.3);
}

TEST_CASE("check_mx_linear fails one y beyond its bound", "[mx]") {
  for (const Variant& v : kVariants) {
    INFO(v.name);
    Fixture f(v, true);
    f.store_all_y(true);
    // Every variant's |x - x_hat| <= M / 4 (the worst, OCP's saturation: 64 alpha, alpha <=
    // M / 256), so D <= M sum |W_deq| / 4 and the whole bound < 0.3 M sum |W_deq|: M sum |W_deq|
    // is beyond it.
    double max_x = 0, sum_w = 0;
    for (double e : f.x[1]) max_x = std::max(max_x, std::fabs(e));
    for (std::uint64_t i = 0; i < f.n; ++i) sum_w += std::fabs(f.w[77 * f.n + i]);
    f.store_y(1, 77, f.y_of(1, 77, true) + max_x * sum_w);
    const CheckResult r = check_mx_linear(f.plan, f.prog);
    CHECK(r.performed);
    CHECK_FALSE(r.passed);
    CHECK(r.extra["failures"] == 1);  // only the element touched
    CHECK(r.extra["first_failure"]["token"] == 1);
    CHECK(r.extra["first_failure"]["column"] == 77);
    CHECK(r.extra["worst_bound_ratio"].get<double>() > 1.0);
    CHECK(r.extra["activation_split_mismatches"] == 0);  // the split itself is right
  }
}

TEST_CASE("check_mx_linear catches a split with beta = alpha / 8", "[mx]") {
  Fixture f(kVariants[0], true, 8.0);  // MSD.md Table 1's v1 beta instead of alpha / 16
  f.store_all_y(true);                 // y consistent with those pieces
  const CheckResult r = check_mx_linear(f.plan, f.prog);
  CHECK(r.performed);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["activation_split_mismatches"].get<std::uint64_t>() > 0);
  // Why the bit-for-bit test is needed: |r / beta| <= 1 never saturates, so the error stays
  // <= beta / 8 = alpha / 64, inside Theorem 5.2's bound, and y is consistent with its D.
  CHECK(r.extra["activation_bound_ratio"].get<double>() <= 1.0);
  CHECK(r.extra["failures"] == 0);
}

TEST_CASE("check_mx_linear counts a non-zero piece in a zero block", "[mx]") {
  Fixture f(kVariants[0], true);
  f.store_all_y(false);
  // Token 1's block 2 is all zero (M_b = 0): any non-zero code there is wrong, whatever its
  // scale; pass 1, element 70 (64 + 6) gets 1.0.
  numeric::store_element(DType::fp4_e1m2, f.bytes("ws_x"), 1 * f.n + 70, 1.0);
  const CheckResult r = check_mx_linear(f.plan, f.prog);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["activation_split_mismatches"] == 1);
}

TEST_CASE("check_mx_linear does not check a timing-only program", "[mx]") {
  for (const Variant& v : kVariants) {
    Fixture f(v, false);
    const CheckResult r = check_mx_linear(f.plan, f.prog);
    CHECK_FALSE(r.performed);
    CHECK_FALSE(r.passed);
  }
}

}  // namespace
