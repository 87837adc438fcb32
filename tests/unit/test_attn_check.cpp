// check_attn (kernels/msd/attn_check.hpp) on hand-built GM contents, no simulation: an exactly
// computed out (dequant: of bf16 K^, V^) passes both pipelines' bounds (a program without data
// is not checked), one out beyond its bound fails, int_split's Q pieces in ws_q meet Thm 5.1.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/msd/attn_check.hpp"
#include "kernels/msd/linear_plan.hpp"
#include "kernels/msd/msd_split.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;
using numeric::DType;

// 2 tasks (1 request x 2 KV heads) of 3 query rows, 128 keys, d = 64, d_v = 128, 2 AICs of one
// die. Row r's largest |Q s_K| is 4 x 127 / 4096 at column kMaxCol[r] (the rest: |Q| <= 3.8,
// s_K < 0.03), so alpha = 2^-10 is exact in fp32 and the pieces are what the check reads.
constexpr std::uint64_t kMaxCol[] = {5, 12, 19};
double bf16_of(double v) { return numeric::quantize(DType::bf16, float(v)); }

AttnPlan small_plan(LinearPipeline pipe) {
  const config::HardwareConfig hw = config::load_hardware_file(std::string(ASCENDSIM_SOURCE_DIR) +
                                                               "/configs/hw/ascend910b2.yaml");
  AttnParams p;
  p.pipeline = pipe, p.batch = 1, p.kv_heads = 2, p.queries = 3, p.s_kv = 128;
  p.head_dim = 64, p.v_dim = 128, p.scale = 0.125, p.cores = 2;
  return plan_attn(p, hw);
}

struct Fixture {
  AttnPlan plan;
  isa::Program prog;
  std::uint64_t tasks = 0, n = 0, d = 0, dv = 0, keys = 0;
  std::vector<std::vector<double>> qv, x, x_hat;  // per task x N + row: Q, Q . s_K, x_hat
  std::vector<double> kq, vq, s_k, s_v;  // K_q, V_q (task-major rows), s_K, s_V (task x cols)
  void add(const std::string& name, DType t, std::uint64_t rows, std::uint64_t cols, bool data) {
    isa::TensorDecl& decl = prog.tensors.emplace_back();
    decl.name = name, decl.dtype = t, decl.shape = {rows, cols};
    if (data) decl.data.assign(decl.bytes(), 0);
  }
  std::uint8_t* bytes(const std::string& name) {
    for (isa::TensorDecl& t : prog.tensors)
      if (t.name == name) return t.data.data();
    throw std::logic_error("no tensor " + name);
  }
  Fixture(LinearPipeline pipe, bool data) : plan(small_plan(pipe)) {
    const AttnParams& p = plan.params;
    tasks = p.tasks(), n = p.queries, d = p.head_dim, dv = p.v_dim, keys = p.s_kv;
    REQUIRE(plan.dies == 1);  // tensor names without a die suffix
    add("q", DType::bf16, tasks * plan.n_pad, d, data);
    add("k", DType::int8, tasks * keys, d, data), add("v", DType::int8, tasks * keys, dv, data);
    add("s_k", DType::fp32, tasks * 16, d, data), add("s_v", DType::fp32, tasks * 16, dv, data);
    add("out", p.out_dtype, tasks * plan.n_pad, dv, data);
    add("ws_q", DType::int8, tasks * 2 * plan.n_pad, d, data);
    add("ws_alpha", DType::fp32, tasks * plan.n_pad, kAlphaCols, data);
    if (!data) return;
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_int_distribution<int> code(-127, 127);
    std::uniform_real_distribution<double> scale(0.01, 0.03);
    for (auto [name, codes, cols] : {std::tuple{"k", &kq, d}, std::tuple{"v", &vq, dv}})
      for (std::uint64_t i = 0; i < tasks * keys * cols; ++i) {
        codes->push_back(code(rng));
        numeric::store_element(DType::int8, bytes(name), i, codes->back());
      }
    for (std::uint64_t t = 0; t < tasks; ++t) {
      for (std::uint64_t c = 0; c < d; ++c) s_k.push_back(float(scale(rng)));
      for (std::uint64_t c : kMaxCol) s_k[t * d + c] = 127.0 / 4096;
      for (std::uint64_t c = 0; c < dv; ++c) s_v.push_back(float(scale(rng)));
      for (std::uint64_t i = 0; i < 16 * d; ++i)  // the scales in all 16 rows of the block
        numeric::store_element(DType::fp32, bytes("s_k"), t * 16 * d + i, s_k[t * d + i % d]);
      for (std::uint64_t i = 0; i < 16 * dv; ++i)
        numeric::store_element(DType::fp32, bytes("s_v"), t * 16 * dv + i, s_v[t * dv + i % dv]);
      for (std::uint64_t r = 0; r < n; ++r) {
        std::vector<double> q(d), xr(d);
        for (double& v : q) v = numeric::quantize(DType::bf16, std::clamp(normal(rng), -3.8, 3.8));
        q[kMaxCol[r]] = (t + r) % 2 ? -4.0 : 4.0;
        for (std::uint64_t c = 0; c < d; ++c) {
          numeric::store_element(DType::bf16, bytes("q"), (t * plan.n_pad + r) * d + c, q[c]);
          xr[c] = q[c] * s_k[t * d + c];
        }
        const msd::SplitResult split = msd::int_split(xr, msd::kInt8Split);
        REQUIRE(split.scales[0][0] == std::ldexp(1.0, -10));  // alpha = 4 x 127 / 4096 / 127
        numeric::store_element(DType::fp32, bytes("ws_alpha"), (t * plan.n_pad + r) * kAlphaCols,
                               split.scales[0][0]);
        for (std::uint64_t k = 0; k < 2; ++k)
          for (std::uint64_t c = 0; c < d; ++c)
            numeric::store_element(DType::int8, bytes("ws_q"),
                                   (t * 2 * plan.n_pad + k * plan.n_pad + r) * d + c,
                                   split.value(k, c));
        qv.push_back(q), x.push_back(xr);
        x_hat.push_back(split.x_hat);
      }
    }
  }

  // softmax(scale a K^T) V of (task t, row r) in fp64, a = x or x_hat, sum_abs = P |V|; dequant
  // (not pieces): of Q, K^ = bf16(fp32(s_K K_q)), V^ (its check's reference operands).
  std::vector<double> out_of(std::uint64_t t, std::uint64_t r, bool pieces,
                             std::vector<double>* sum_abs = nullptr) const {
    const bool hat = !pieces && plan.params.pipeline == LinearPipeline::dequant;
    const auto op = [&](double s, double q) { return hat ? bf16_of(s * q) : s * q; };
    const std::vector<double>& a = pieces ? x_hat[t * n + r] : hat ? qv[t * n + r] : x[t * n + r];
    std::vector<double> s(keys), o(dv, 0.0);
    double mx = -1e300, l = 0;
    for (std::uint64_t j = 0; j < keys; ++j) {
      s[j] = 0;
      for (std::uint64_t c = 0; c < d; ++c)
        s[j] += a[c] * op(hat ? s_k[t * d + c] : 1.0, kq[(t * keys + j) * d + c]);
      s[j] *= plan.params.scale;
      mx = std::max(mx, s[j]);
    }
    for (double& v : s) l += (v = std::exp(v - mx));
    if (sum_abs) sum_abs->assign(dv, 0.0);
    for (std::uint64_t j = 0; j < keys; ++j)
      for (std::uint64_t c = 0; c < dv; ++c) {
        const double v = op(s_v[t * dv + c], vq[(t * keys + j) * dv + c]);
        o[c] += s[j] / l * v;
        if (sum_abs) (*sum_abs)[c] += s[j] / l * std::fabs(v);
      }
    return o;
  }
  void store(std::uint64_t t, std::uint64_t r, std::uint64_t c, double v) {
    numeric::store_element(plan.params.out_dtype, bytes("out"), (t * plan.n_pad + r) * dv + c, v);
  }
  void store_all(bool pieces) {
    for (std::uint64_t t = 0; t < tasks; ++t)
      for (std::uint64_t r = 0; r < n; ++r) {
        const std::vector<double> o = out_of(t, r, pieces);
        for (std::uint64_t c = 0; c < dv; ++c) store(t, r, c, o[c]);
      }
  }
};

const LinearPipeline kPipes[] = {LinearPipeline::dequant, LinearPipeline::msd};

TEST_CASE("check_attn passes an exact out (dequant: of K^, V^) rounded to fp32, skips timing-only",
          "[attn_check]") {
  for (LinearPipeline pipe : kPipes) {
    Fixture f(pipe, true);
    f.store_all(false);
    const CheckResult r = check_attn(f.plan, f.prog);
    CHECK((r.performed && r.passed));
    CHECK(r.compared == 2u * 3u * 128u);  // every real query row x every column, both tasks
    CHECK((r.extra["rows_checked"] == 6 && r.extra["sampled"] == false));
    CHECK(r.extra["failures"] == 0);
    // Off by one fp32 rounding, far inside a bound of several fp32 (msd) or bf16 (P) units.
    CHECK(r.extra["worst_bound_ratio"].get<double>() < 0.02);
    const bool dq = pipe == LinearPipeline::dequant;  // l2_rel_error: against the true reference
    CHECK(r.extra[dq ? "format_l2_rel_error" : "l2_rel_error"].get<double>() <= 0x1p-24);
    if (dq) CHECK(r.extra["l2_rel_error"].get<double>() > 0x1p-12);  // K^, V^'s roundings
    const Fixture none(pipe, false);  // timing-only: no data, no check
    CHECK_FALSE(check_attn(none.plan, none.prog).performed);
  }
}

TEST_CASE("check_attn fails one out beyond its bound", "[attn_check]") {
  for (LinearPipeline pipe : kPipes) {
    Fixture f(pipe, true);
    f.store_all(false);
    // S = P |V| over 4 (dequant's bound ~ 2^-8 S + Phi |ref|) or 200 (msd's: far tighter).
    std::vector<double> sum_abs;
    const double ref = f.out_of(1, 2, false, &sum_abs)[77];
    const double shift = sum_abs[77] / (pipe == LinearPipeline::msd ? 200 : 4);
    f.store(1, 2, 77, ref + shift);
    const CheckResult r = check_attn(f.plan, f.prog);
    CHECK_FALSE(r.passed);
    CHECK(r.extra["failures"] == 1);
    const Json& first = r.extra["first_failure"];
    CHECK((first["task"] == 1 && first["row"] == 2 && first["column"] == 77));
    CHECK(r.extra["worst_bound_ratio"].get<double>() > 1.0);
  }
}

TEST_CASE("check_attn: int_split's Q pieces meet Theorem 5.1 and an out of x_hat passes",
          "[attn_check]") {
  Fixture f(LinearPipeline::msd, true);
  f.store_all(true);  // the whole split error D is in out
  const CheckResult r = check_attn(f.plan, f.prog);
  CHECK(r.passed);
  CHECK(r.extra["worst_bound_ratio"].get<double>() <= 1.0);
  const double ratio = r.extra["activation_bound_ratio"].get<double>();
  CHECK(ratio <= 1.0);  // alpha = 2^-10: the split and the check's error are exact
  CHECK(ratio > 0.5);   // the worst of 384 errors, ~uniform up to the bound
  CHECK(r.extra["activation_max_bits"].get<double>() >= std::log2(2 * 127 * 254));
  CHECK(r.extra["activation_effective_bits"].get<double>() > 10);
}

}  // namespace
