// check_mla, fed with outputs written on the host (no simulation): the fp64 reference rounded
// to the output format passes; a perturbed element, an inf, a layout that ignores the block
// table or a wrong per-request length fail; the bound's terms move as the derivation says.
// The reference here is a second, loop-based implementation, independent of the check's Eigen.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>

#include "kernels/common/program_builder.hpp"
#include "kernels/common/reference.hpp"
#include "kernels/mla_decode/mla_check.hpp"
#include "sim/numeric/convert.hpp"
#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using kernels::kMlaDk;
using kernels::kMlaDv;
using kernels::MlaVariant;
using numeric::DType;

namespace {

const double kBf16U = std::ldexp(1.0, -8);  // unit roundoff of bf16

kernels::MlaParams params(std::uint32_t heads, std::uint32_t s_q, std::vector<std::uint64_t> s_kv,
                          MlaVariant variant = MlaVariant::amla) {
  kernels::MlaParams p;
  p.variant = variant;
  p.batch = static_cast<std::uint32_t>(s_kv.size());
  p.heads = heads;
  p.s_q = s_q;
  p.s_kv = std::move(s_kv);
  p.scale = 1.0 / std::sqrt(double(kMlaDk));
  return p;
}

// A plan on a one-die 910B2-like chip and the tensors the check reads (q, kv, out per die).
struct Case {
  config::HardwareConfig hw = testing::make_910b2_like();
  kernels::MlaPlan plan;
  isa::Program program;

  explicit Case(const kernels::MlaParams& p, bool functional = true)
      : plan(kernels::plan_mla(p, hw)) {
    kernels::ProgramBuilder b(hw);
    b.set_functional(functional);
    for (std::uint32_t d = 0; d < plan.dies; ++d) {
      if (plan.die_rows[d] == 0) continue;
      b.gm_tensor(plan.tensor_name("q", d), p.dtype, plan.die_rows[d], kMlaDk, d);
      b.gm_tensor(plan.tensor_name("kv", d), p.dtype, plan.die_pages[d] * kernels::kMlaPageTokens,
                  kMlaDk, d);
      b.gm_tensor(plan.tensor_name("out", d), p.out_dtype, plan.die_rows[d], kMlaDv, d, true);
    }
    program = b.take();
  }
  isa::TensorDecl& tensor(const std::string& base, std::uint32_t die = 0) {
    return *const_cast<isa::TensorDecl*>(program.find_tensor(plan.tensor_name(base, die)));
  }
  kernels::CheckResult check() const { return kernels::check_mla(plan, program); }
};

// Every element of q and kv (padding rows and unused page rows too, so that a wrong row reads
// different data) from the distributions, seeded.
template <class QDist, class KvDist>
void fill_inputs(Case& c, QDist q_dist, KvDist kv_dist, std::uint64_t seed = 7) {
  std::mt19937_64 g(seed);
  for (std::uint32_t d = 0; d < c.plan.dies; ++d) {
    if (c.plan.die_rows[d] == 0) continue;
    isa::TensorDecl &q = c.tensor("q", d), &kv = c.tensor("kv", d);
    for (std::uint64_t i = 0; i < q.elements(); ++i)
      numeric::store_element(q.dtype, q.data.data(), i, q_dist(g));
    for (std::uint64_t i = 0; i < kv.elements(); ++i)
      numeric::store_element(kv.dtype, kv.data.data(), i, kv_dist(g));
  }
}
void fill_normal(Case& c) {
  fill_inputs(c, std::normal_distribution<double>(0, 1), std::normal_distribution<double>(0, 1));
}

using TokenRow = std::function<std::uint64_t(std::uint32_t request, std::uint64_t token)>;

// softmax(scale q K^T) V in plain loops for local rows `rows` of request r over `s_kv` tokens,
// token t read from kv row token_row(r, t). One vector of 512 per row.
std::vector<std::vector<double>> reference(Case& c, std::uint32_t r,
                                           const std::vector<std::uint64_t>& rows,
                                           std::uint64_t s_kv, const TokenRow& token_row) {
  const kernels::MlaRequest& req = c.plan.requests[r];
  const isa::TensorDecl &q = c.tensor("q", req.die), &kv = c.tensor("kv", req.die);
  std::vector<double> k(s_kv * kMlaDk);
  for (std::uint64_t t = 0; t < s_kv; ++t)
    for (std::uint32_t e = 0; e < kMlaDk; ++e)
      k[t * kMlaDk + e] =
          numeric::load_element(kv.dtype, kv.data.data(), token_row(r, t) * kMlaDk + e);
  std::vector<std::vector<double>> out;
  for (std::uint64_t i : rows) {
    std::vector<double> qr(kMlaDk), w(s_kv), o(kMlaDv, 0.0);
    for (std::uint32_t e = 0; e < kMlaDk; ++e)
      qr[e] = numeric::load_element(q.dtype, q.data.data(), (req.row0 + i) * kMlaDk + e);
    double m = -INFINITY, l = 0;
    for (std::uint64_t t = 0; t < s_kv; ++t) {
      double s = 0;
      for (std::uint32_t e = 0; e < kMlaDk; ++e) s += qr[e] * k[t * kMlaDk + e];
      w[t] = c.plan.params.scale * s;
      m = std::max(m, w[t]);
    }
    for (std::uint64_t t = 0; t < s_kv; ++t) l += w[t] = std::exp(w[t] - m);
    for (std::uint64_t t = 0; t < s_kv; ++t)
      for (std::uint32_t e = 0; e < kMlaDv; ++e) o[e] += w[t] / l * k[t * kMlaDk + e];
    out.push_back(o);
  }
  return out;
}

std::vector<std::uint64_t> all_rows(const Case& c) {
  std::vector<std::uint64_t> rows(c.plan.params.rows_per_request());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return rows;
}

// Writes the reference, rounded to out_dtype, into `out` for the given local rows of every
// request (default: all valid rows, the plan's lengths, tokens through the block table).
void write_reference(Case& c, TokenRow token_row = {}, std::vector<std::uint64_t> s_kv = {},
                     std::function<std::vector<std::uint64_t>(std::uint32_t)> rows_of = {}) {
  if (!token_row) token_row = [&](std::uint32_t r, std::uint64_t t) { return c.plan.kv_row(r, t); };
  if (s_kv.empty()) s_kv = c.plan.params.s_kv;
  for (std::uint32_t r = 0; r < c.plan.requests.size(); ++r) {
    const std::vector<std::uint64_t> rows = rows_of ? rows_of(r) : all_rows(c);
    const auto ref = reference(c, r, rows, s_kv[r], token_row);
    isa::TensorDecl& out = c.tensor("out", c.plan.requests[r].die);
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::uint32_t e = 0; e < kMlaDv; ++e)
        numeric::store_element(out.dtype, out.data.data(),
                               (c.plan.requests[r].row0 + rows[i]) * kMlaDv + e, ref[i][e]);
  }
}

}  // namespace

TEST_CASE("an out holding the fp64 reference rounded to bf16 passes with rmse/RMS(ref) <= u_out",
          "[mla]") {
  Case c(params(16, 2, {700, 700}));  // 2 requests x 32 rows, 2 KV blocks each (a rescale)
  fill_normal(c);
  write_reference(c);
  const kernels::CheckResult r = c.check();
  CHECK(r.performed);
  CHECK(r.passed);
  CHECK(r.compared == 2 * 32 * 512);  // every valid row: 32 per request, under the 64-row cap
  CHECK(r.extra["sampled"] == false);
  CHECK(r.extra["nonfinite_outputs"] == 0);
  // Round to nearest: |fl(x) - x| <= u |x| per element, hence RMSE <= u RMS(ref).
  CHECK(r.extra["rmse_over_rms_ref"].get<double>() <= kBf16U);
  CHECK(r.extra["rmse_over_rms_ref"].get<double>() > 0);  // bf16 does round these values
  CHECK(r.extra["worst_error_over_bound"].get<double>() < 1);
  CHECK(r.extra["rmse_over_rms_ref"].get<double>() <= r.extra["bound"].get<double>());
  CHECK(r.max_rel_error <= kBf16U);  // normwise: max|err| / max|ref| of rounding alone
}

TEST_CASE("one element off by a relative 2^-6 fails with its error over its bound above 1",
          "[mla]") {
  // V > 0 (kv uniform in [1, 2)) makes |ref_i| = S_i, the scale of the bound, and q with std
  // 0.25 keeps the score term small: bound_i ~ (u_p + u_out + 1e-3) |ref_i| ~ 0.009 |ref_i|.
  Case c(params(16, 1, {300}));
  fill_inputs(c, std::normal_distribution<double>(0, 0.25),
              std::uniform_real_distribution<double>(1, 2));
  write_reference(c);
  const std::uint64_t row = 3, col = 10;
  const double ref = reference(c, 0, {row}, 300, [&](std::uint32_t r, std::uint64_t t) {
    return c.plan.kv_row(r, t);
  })[0][col];
  isa::TensorDecl& out = c.tensor("out");
  numeric::store_element(DType::bf16, out.data.data(), row * kMlaDv + col,
                         ref * (1 + std::ldexp(1.0, -6)));
  const double stored = numeric::load_element(DType::bf16, out.data.data(), row * kMlaDv + col);
  // 2^-6 less at most one bf16 rounding 2^-8 (1 + 2^-6) of the perturbed value remains.
  REQUIRE(std::fabs(stored - ref) >= std::ldexp(1.0, -7) * std::fabs(ref));
  const kernels::CheckResult r = c.check();
  CHECK_FALSE(r.passed);
  CHECK(r.extra["failures"] == 1);
  CHECK(r.extra["first_failure"]["row"] == row);
  CHECK(r.extra["first_failure"]["col"] == col);
  CHECK(r.extra["worst_error_over_bound"].get<double>() > 1);
}

TEST_CASE("one inf in out fails the check and is counted as a non-finite output", "[mla]") {
  Case c(params(16, 2, {700, 700}));
  fill_normal(c);
  write_reference(c);
  isa::TensorDecl& out = c.tensor("out");
  numeric::store_element(DType::bf16, out.data.data(), (c.plan.requests[1].row0 + 5) * kMlaDv + 7,
                         INFINITY);
  const kernels::CheckResult r = c.check();
  CHECK(r.performed);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["nonfinite_outputs"] == 1);
  CHECK(r.extra["first_failure"]["computed"] == "non-finite");
}

TEST_CASE("paged KV is read through the block table, not as contiguous tokens", "[mla]") {
  kernels::MlaParams p = params(16, 1, {300, 300, 300});  // 3 pages each, 9 shuffled pages
  p.page_size = 128;
  Case c(p);
  // The contiguous layout: request r's token t at row (3 r) * 128 + t.
  const TokenRow contiguous = [](std::uint32_t r, std::uint64_t t) { return 3 * 128 * r + t; };
  for (std::uint32_t r = 0; r < 3; ++r) {  // precondition: the seeded table moves every request
    bool moved = false;
    for (std::uint64_t t = 0; t < 300; t += 128) moved |= c.plan.kv_row(r, t) != contiguous(r, t);
    REQUIRE(moved);
  }
  fill_normal(c);
  write_reference(c);
  CHECK(c.check().passed);
  write_reference(c, contiguous);
  const kernels::CheckResult wrong = c.check();
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.extra["worst_error_over_bound"].get<double>() > 1);
}

TEST_CASE("requests of different lengths are each checked over their own tokens", "[mla]") {
  // 1 token (out = v_0), 17 (one partial block), 512 (one full block), 513 (a rescale over a
  // 1-token block), 1300 (three blocks, the last partial).
  const std::vector<std::uint64_t> lengths{1, 17, 512, 513, 1300};
  Case c(params(8, 2, lengths));
  fill_normal(c);
  write_reference(c);
  const kernels::CheckResult r = c.check();
  CHECK(r.passed);
  CHECK(r.compared == 5 * 16 * 512);
  // Request 1 written over 16 of its 17 tokens: the dropped token holds ~1/17 of the weight.
  std::vector<std::uint64_t> short_one = lengths;
  short_one[1] = 16;
  write_reference(c, {}, short_one);
  const kernels::CheckResult wrong = c.check();
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.extra["first_failure"]["request"] == 1);
}

TEST_CASE("a large request is compared on 64 rows, every row is scanned for inf", "[mla]") {
  // 512 rows per request; 2 x 2048 tokens leave 2^21 / 4096 = 512 rows, capped at 64.
  Case c(params(128, 4, {2048, 2048}));
  fill_normal(c);
  // The documented sample: sample_rows(512, 64) = 0, 8, ..., rotated by the request index.
  const auto sample = [](std::uint32_t r) {
    std::vector<std::uint64_t> rows = kernels::sample_rows(512, 64);
    for (auto& i : rows) i = (i + r) % 512;
    return rows;
  };
  write_reference(c, {}, {}, sample);  // only the sampled rows hold the reference
  const kernels::CheckResult r = c.check();
  CHECK(r.passed);
  CHECK(r.compared == 2 * 64 * 512);
  CHECK(r.extra["rows_per_request_compared"] == 64);
  CHECK(r.extra["sampled"] == true);
  isa::TensorDecl& out = c.tensor("out");
  numeric::store_element(DType::bf16, out.data.data(), 1 * kMlaDv, NAN);  // row 1: not sampled
  const kernels::CheckResult nan = c.check();
  CHECK_FALSE(nan.passed);
  CHECK(nan.extra["nonfinite_outputs"] == 1);
  CHECK(nan.extra["failures"] == 0);
}

TEST_CASE("a timing-only mla program is not checked", "[mla]") {
  const Case c(params(16, 1, {64}), /*functional=*/false);
  CHECK_FALSE(c.check().performed);
}

TEST_CASE("the amla bound grows by about u_p per rescale that moves the max", "[mla][amla]") {
  const kernels::MlaParams p = params(128, 1, {4096});  // 8 blocks
  const double u_p = kBf16U, q = 24, k = 24;            // |q|, |k| of N(0, 1) vectors of 576
  const auto mu = [&](const kernels::MlaParams& v, std::uint64_t moves) {
    return kernels::mla_row_bound(v, q, k, 4096, moves).mu;
  };
  // Compensated: each move leaves kappa / 2 = u_p / (1 - u_p) of c - 1.
  CHECK((mu(p, 4) - mu(p, 0)) / 4 == Approx(u_p).epsilon(0.05));
  CHECK(mu(p, 0) == Approx(u_p).epsilon(0.5));  // the P cast u_p and the small fp32 terms
  // Uncompensated: cof_last / cof_j, at most kappa = 2 u_p, however many moves.
  kernels::MlaParams off = p;
  off.compensation = false;
  CHECK(mu(off, 1) - mu(off, 0) == Approx(2 * u_p).epsilon(0.05));
  CHECK(mu(off, 7) == mu(off, 1));
  // FlashAttention rescales O and l by the same alpha: no per-move term.
  const kernels::MlaParams fa = params(128, 1, {4096}, MlaVariant::fa_preload);
  CHECK(mu(fa, 7) == mu(fa, 0));
  CHECK(kernels::mla_row_bound(fa, q, k, 4096, 0).nu < mu(fa, 0));  // no P cast in l
}

TEST_CASE("one token, no score error: an fa bf16 element with S = ref = 1 has bound ~2 u_bf16",
          "[mla]") {
  // q = 0: scores exact, X = 0. eta = e^5u (1 + 4u) - 1 ~ 9u (argument 5u, exp 4u); one block:
  // mu = (1 + eta)(1 + u_p)(1 + gamma_3) - 1 ~ u_p + 12u + 12u u_p, nu ~ eta + gamma_5 = 14u;
  // e = (mu + nu) / (1 - nu) ~ u_p + 26u + 26u u_p; bound = e + u_out (1 + e)
  // ~ 2 u_p + 26u + u_p^2 + 52u u_p, up to terms in u u_p^2 and u^2 (3e-9 of it).
  const kernels::MlaParams p = params(16, 1, {1}, MlaVariant::fa_serial);
  const kernels::MlaRowBound row = kernels::mla_row_bound(p, 0, 1, 1, 0);
  const double u = std::ldexp(1.0, -24), u_p = kBf16U;
  CHECK(kernels::mla_error_bound(p, row, 1, 1, 1) ==
        Approx(2 * u_p + 26 * u + u_p * u_p + 52 * u * u_p).epsilon(1e-8));
}

TEST_CASE("the mla check of B=96 G=128 S_q=2 S_kv=4096 takes under 2 s", "[.][mla][slow]") {
  Case c(params(128, 2, std::vector<std::uint64_t>(96, 4096)));
  std::uint64_t h = 1;  // bf16 values +-[0.5, 2) from an LCG: generating normals would dominate
  for (const char* base : {"q", "kv"}) {
    isa::TensorDecl& t = c.tensor(base);
    for (std::uint64_t i = 0; i < t.elements(); ++i) {
      h = h * 6364136223846793005ULL + 1442695040888963407ULL;
      const std::uint32_t bits = std::uint32_t(h >> 48);
      numeric::store_bits(DType::bf16, t.data.data(), i,
                          (bits & 0x8000) | (0x3F00 + (bits & 0xFF)));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const kernels::CheckResult r = c.check();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("check_mla took " << seconds << " s");
  CHECK(r.performed);
  CHECK_FALSE(r.passed);  // out is all zeros
  CHECK(seconds < 2.0);
}
