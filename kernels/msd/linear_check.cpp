// check_linear: the fp64 reference of dequant_gemm / msd_gemm and the per-element bound of
// linear_check.hpp. Every value comes from GM (X, W, s_W, y and, for msd, the pieces and alpha
// the AIVs wrote); the kernel's own arithmetic is not replayed, only bounded, by counting the
// fp32 roundings each term of y passes through on linear_pipeline.hpp's data path.
#include "kernels/msd/linear_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

#include "kernels/common/reference.hpp"
#include "kernels/msd/check_tally.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

constexpr double kU32 = 1.0 / 16777216.0;  // fp32 unit roundoff 2^-24
// Work cap: up to 2^31 multiply-adds (tokens * m * n) every real token is checked; above it an
// evenly spread sample of tokens keeps the fp64 products to a few seconds.
constexpr double kCheckedMultiplyAdds = 2147483648.0;
constexpr std::uint64_t kTokenBlock = 64;     // tokens decoded at once (3 x 64 x n doubles)
constexpr std::uint64_t kColumnChunk = 2048;  // W columns decoded at once (128 x 2048 doubles)
// The levels of frac_rel_error_above, as numbers and as the keys the report shows.

// A GM tensor of the expected type and shape; its data is empty (timing-only) or complete.
const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name, DType t,
                              std::uint64_t rows, std::uint64_t cols) {
  return expect_tensor(p, "linear check", name, t, rows, cols);
}

struct Inputs {
  const isa::TensorDecl* x = nullptr;  // die 0's copy of X (every die holds the same bytes)
  const isa::TensorDecl *ws_x = nullptr, *ws_alpha = nullptr;  // msd only
};

// A block of tokens, one row each; msd: with w_k = alpha / step^k, x_hat = sum_k w_k q_k and
// err = |x - x_hat| is formed as |x / w_last - sum_k q_k step^(K-1-k)| w_last: the integer sum is
// exact, and so is x / w_last when alpha is a power of two, so a split error meeting Theorem
// 5.1's bound exactly (a tie, frequent on bf16 data) is not pushed above it by fp64 rounding.
// piece_abs = sum_k w_k |q_k|, the magnitudes the fp32 chain adds up.
struct TokenBlock {
  std::vector<std::uint64_t> tokens;
  MatrixRd x, err, piece_abs;  // tokens x n
};
struct TokenStats {
  double max_err_ratio = 0;              // max |x - x_hat| / Theorem 5.1's bound
  std::vector<std::uint64_t> saturated;  // per piece: codes at the grid's ends
};

// Token b.tokens[i] into row i of `b` (sized by the caller).
TokenStats decode_token(const LinearPlan& plan, const Inputs& in, TokenBlock& b, Eigen::Index i,
                        std::vector<float>& buf) {
  const LinearParams& p = plan.params;
  const std::uint64_t n = p.n, t = b.tokens[std::size_t(i)];
  const auto cols = Eigen::Index(n);
  buf.resize(n);
  numeric::widen_to_float(DType::bf16, in.x->data.data(), t * n, n, buf.data());
  b.x.row(i) = Eigen::Map<const Eigen::RowVectorXf>(buf.data(), cols).cast<double>();
  TokenStats st;
  if (!in.ws_x) return st;
  const std::uint32_t K = p.passes;
  const double alpha = numeric::load_element(DType::fp32, in.ws_alpha->data.data(), t * kAlphaCols);
  const double top = numeric::max_finite(p.piece()), bottom = -top - 1;  // int8 127/-128, int4 7/-8
  const double last = std::pow(p.step_divisor(), double(K - 1));         // exact: 254^3 < 2^53
  Eigen::RowVectorXd qsum = Eigen::RowVectorXd::Zero(cols);
  b.piece_abs.row(i).setZero();
  st.saturated.assign(K, 0);
  const std::uint64_t blk = t / plan.block_tokens, tt = t % plan.block_tokens;
  for (std::uint32_t k = 0; k < K; ++k) {
    const std::uint64_t row = blk * plan.block_rows + std::uint64_t(k) * plan.block_tokens + tt;
    numeric::widen_to_float(p.piece(), in.ws_x->data.data(), row * n, n, buf.data());
    const auto q = Eigen::Map<const Eigen::RowVectorXf>(buf.data(), cols).cast<double>();
    const double step_k = std::pow(p.step_divisor(), double(K - 1 - k));
    qsum += step_k * q;
    b.piece_abs.row(i) += (alpha * step_k / last) * q.cwiseAbs();
    st.saturated[k] = std::uint64_t((q.array() == top || q.array() == bottom).count());
  }
  const double max_x = b.x.row(i).cwiseAbs().maxCoeff();
  if (alpha == 0) {  // e = x: the ratio is M over the bound
    b.err.row(i) = b.x.row(i).cwiseAbs();
    st.max_err_ratio = max_x == 0 ? 0.0 : 2 * p.first_divisor() * last;
    return st;
  }
  const Eigen::RowVectorXd scaled = (b.x.row(i) * last / alpha - qsum).cwiseAbs();
  b.err.row(i) = scaled * (alpha / last);
  // |e| / (M / (2 first step^(K-1))) = 2 |e / w_last| first alpha / M. A row whose max is below
  // kSplitFloor is split at the floor's scale, by design: Theorem 5.1 does not apply to it.
  st.max_err_ratio =
      max_x < kSplitFloor ? 0.0 : 2 * scaled.maxCoeff() * (p.first_divisor() * alpha) / max_x;
  return st;
}

// The block of tokens `tokens`.
TokenBlock decode_tokens(const LinearPlan& plan, const Inputs& in,
                         std::vector<std::uint64_t> tokens) {
  const auto rows = Eigen::Index(tokens.size()), n = Eigen::Index(plan.params.n);
  const Eigen::Index msd_rows = in.ws_x ? rows : 0;
  TokenBlock b{std::move(tokens), MatrixRd(rows, n), MatrixRd(msd_rows, n), MatrixRd(msd_rows, n)};
  std::vector<float> buf;
  for (Eigen::Index i = 0; i < rows; ++i) decode_token(plan, in, b, i, buf);
  return b;
}

// The per-element bound of linear_check.hpp, its constants formed once.
struct Bound {
  bool msd = false;
  double weight_round = 0, acc_gamma = 0, underflow = 0, chain_gamma = 0, u_out = 0, out_tiny = 0;

  explicit Bound(const LinearParams& p) : msd(p.pipeline == LinearPipeline::msd) {
    // dequant: s W in fp32 (one rounding), then RNE to bf16 (the AIV's cast).
    weight_round = (1 + kU32) * (1 + unit_roundoff(DType::bf16)) - 1;
    acc_gamma = gamma_n(double(p.n), kU32);                    // L0C's fp32 sum over n products
    underflow = double(p.n) * smallest_positive(DType::fp32);  // subnormal products (as gemm)
    // msd: fp32 roundings a term alpha w_k s_g P_kg passes: FixPipe 2 (int32 -> fp32, x s_g; the
    // simulator forms it in one), the atomic group adds G - 1, the piece weight 2 (1 / step^k
    // to fp32, the product), the K - 1 piece adds, x alpha 1: G + K + 3.
    chain_gamma = gamma_n(double(p.groups() + p.passes + 3), kU32);
    u_out = unit_roundoff(p.out_dtype);
    out_tiny = smallest_positive(p.out_dtype) / 2;
  }
  // s = sum_i |x_i| |s W_ji|, d = sum_i |s W_ji| err_i, sh = sum_i |s W_ji| piece_abs_i.
  double operator()(double ref, double s, double d, double sh) const {
    const double e = msd ? d + chain_gamma * sh
                         : weight_round * s + acc_gamma * (1 + weight_round) * s + underflow;
    return e + u_out * (std::fabs(ref) + e) + out_tiny;
  }
};

struct TileSums {  // tokens x 128: y_ref, S (dequant), the decomposition term, the pieces' S
  MatrixRd y, s, d, sh;
};

// The sums of output tile `tile` (within the die's slice): s W (exact in fp64: 24 x 8 bits) is
// formed a chunk of columns at a time, so W is never decoded whole.
void tile_sums(const LinearPlan& plan, const isa::TensorDecl& w, const MatrixRd& scales,
               std::uint64_t tile, const TokenBlock& b, bool msd, TileSums& out) {
  const LinearParams& p = plan.params;
  const Eigen::Index rows = b.x.rows(), cols = kLinearTile;
  for (MatrixRd* m : {&out.y, &out.s, &out.d, &out.sh}) m->setZero(rows, cols);
  MatrixRd sw(cols, kColumnChunk);
  std::vector<float> buf(kColumnChunk);
  for (std::uint64_t c0 = 0; c0 < p.n; c0 += kColumnChunk) {
    const std::uint64_t width = std::min(kColumnChunk, p.n - c0);
    sw.resize(cols, Eigen::Index(width));
    for (Eigen::Index j = 0; j < cols; ++j) {
      const std::uint64_t row = tile * kLinearTile + std::uint64_t(j);
      numeric::widen_to_float(w.dtype, w.data.data(), row * p.n + c0, width, buf.data());
      for (std::uint64_t i = 0; i < width; ++i)
        sw(j, Eigen::Index(i)) =
            scales(Eigen::Index((c0 + i) / p.group_length()), Eigen::Index(row)) * buf[i];
    }
    const auto mid = [&](const MatrixRd& m) {
      return m.middleCols(Eigen::Index(c0), Eigen::Index(width));
    };
    const MatrixRd sw_abs = sw.cwiseAbs().transpose();
    out.y.noalias() += mid(b.x) * sw.transpose();
    if (!msd) out.s.noalias() += mid(b.x).cwiseAbs() * sw_abs;
    if (msd) out.d.noalias() += mid(b.err) * sw_abs;
    if (msd) out.sh.noalias() += mid(b.piece_abs) * sw_abs;
  }
}

// The decomposition over every real token (the extra fields activation_*).
Json activation_fields(const LinearPlan& plan, const Inputs& in) {
  const LinearParams& p = plan.params;
  double sq_err = 0, sq_x = 0, worst = 0;
  std::vector<std::uint64_t> saturated(p.passes, 0);
  const auto n = Eigen::Index(p.n);
  TokenBlock row{{0}, MatrixRd(1, n), MatrixRd(1, n), MatrixRd(1, n)};
  std::vector<float> buf;
  for (std::uint64_t t = 0; t < p.tokens; ++t) {
    row.tokens[0] = t;
    const TokenStats st = decode_token(plan, in, row, 0, buf);
    sq_err += row.err.squaredNorm();
    sq_x += row.x.squaredNorm();
    worst = std::max(worst, st.max_err_ratio);
    for (std::uint32_t k = 0; k < p.passes; ++k) saturated[k] += st.saturated[k];
  }
  return Json{
      {"activation_effective_bits",
       sq_err == 0 ? Json("inf") : Json(-0.5 * std::log2(sq_err / sq_x))},
      {"activation_bound_ratio", worst},
      // The worst token's log2(M / max |x - x_hat|) (MSD.md's "bits against the max").
      {"activation_max_bits",
       worst == 0 ? Json("inf")
                  : Json(std::log2(2 * p.first_divisor() *
                                   std::pow(p.step_divisor(), double(p.passes - 1)) / worst))},
      {"activation_codes_at_limit", std::accumulate(saturated.begin(), saturated.end(), 0ull)},
      {"activation_codes_at_limit_per_piece", saturated}};
}

// Every output of die d for the block's tokens.
void check_die(const LinearPlan& plan, const isa::Program& result, std::uint32_t d,
               const TokenBlock& blk, const Bound& bound, BoundTally& tally) {
  const LinearParams& p = plan.params;
  const std::uint64_t cols = plan.die_tiles[d] * kLinearTile;
  const isa::TensorDecl& w = tensor(result, plan.tensor_name("w", d), p.weight, cols, p.n);
  const isa::TensorDecl& s =
      tensor(result, plan.tensor_name("s", d), DType::fp32, p.groups(), cols);
  const isa::TensorDecl& y =
      tensor(result, plan.tensor_name("y", d), p.out_dtype, plan.x_rows(), cols);
  const MatrixRd scales = decode_block(s, p.groups(), cols);
  const MatrixRd got = decode_rows(y, blk.tokens, cols);
  TileSums sums;
  for (std::uint64_t tile = 0; tile < plan.die_tiles[d]; ++tile) {
    tile_sums(plan, w, scales, tile, blk, bound.msd, sums);
    for (Eigen::Index i = 0; i < sums.y.rows(); ++i)
      for (Eigen::Index j = 0; j < sums.y.cols(); ++j) {
        const std::uint64_t col = tile * kLinearTile + std::uint64_t(j);
        const double ref = sums.y(i, j);
        tally.add(ref, got(i, Eigen::Index(col)),
                  bound(ref, sums.s(i, j), sums.d(i, j), sums.sh(i, j)), [&] {
                    return Json{{"token", blk.tokens[std::size_t(i)]},
                                {"column", plan.die_tile0[d] * kLinearTile + col}};
                  });
      }
  }
}

}  // namespace

CheckResult check_linear(const LinearPlan& plan, const isa::Program& result) {
  CheckResult res;
  const LinearParams& p = plan.params;
  const bool msd = p.pipeline == LinearPipeline::msd;
  Inputs in;
  in.x = &tensor(result, plan.tensor_name("x", 0), DType::bf16, plan.x_rows(), p.n);
  if (in.x->data.empty()) return res;  // timing-only
  res.performed = true;
  if (msd) {
    in.ws_x =
        &tensor(result, plan.tensor_name("ws_x", 0), p.piece(), plan.blocks * plan.block_rows, p.n);
    in.ws_alpha =
        &tensor(result, plan.tensor_name("ws_alpha", 0), DType::fp32, plan.x_rows(), kAlphaCols);
  }

  // y against y_ref on all real tokens, or on an even sample of them above the work cap.
  const double fit = std::floor(kCheckedMultiplyAdds / (double(p.m) * double(p.n)));
  const std::vector<std::uint64_t> checked =
      sample_rows(p.tokens, std::uint64_t(std::clamp(fit, 1.0, double(p.tokens))));
  const Bound bound(p);
  BoundTally tally;
  for (std::size_t b0 = 0; b0 < checked.size(); b0 += kTokenBlock) {
    const std::size_t b1 = std::min(checked.size(), b0 + kTokenBlock);
    const TokenBlock blk = decode_tokens(
        plan, in, {checked.begin() + std::ptrdiff_t(b0), checked.begin() + std::ptrdiff_t(b1)});
    for (std::uint32_t d = 0; d < plan.dies; ++d)
      if (plan.die_tiles[d] > 0) check_die(plan, result, d, blk, bound, tally);
  }

  tally.report(res);
  Json& x = res.extra;
  x["bound"] =
      msd ? "D + gamma_{G+K+3} S_pieces + u_out (|y_ref| + that) + tiny (linear_check.hpp)"
          : "u_w S + gamma_n (1 + u_w) S + n 2^-149 + u_out (|y_ref| + that) + tiny, u_w = "
            "(1 + 2^-24)(1 + 2^-8) - 1 (linear_check.hpp)";
  if (msd) {
    x.update(activation_fields(plan, in));
    // The split itself must meet Theorem 5.1 up to the fp32 arithmetic of the Vector's split
    // (msd_vector.cpp): t = x fl(first fl(1/M)) and alpha = fl(M fl(1/first)) are off x / alpha by
    // <= 6u relative (so <= 6 first u in t), each (t - q) step adds <= u step / 2 in the next t
    // (alpha u / 2 in x, summed over the passes < alpha u): |x - x_hat| <= beta_K / 2 +
    // alpha u (6 first + 1), beta_K = alpha / step^(K-1). Without this gate the bound's D term,
    // computed from the pieces themselves, would let a wrong split pass.
    const double limit = 1 + 2 * std::pow(p.step_divisor(), double(p.passes - 1)) * kU32 *
                                 (6 * p.first_divisor() + 1);
    x["activation_bound_limit"] = limit;
    if (x["activation_bound_ratio"].get<double>() > limit) res.passed = false;
  }
  tally.finish(res);
  x["tokens_checked"] = checked.size();
  x["sampled"] = checked.size() < p.tokens;
  return res;
}

}  // namespace ascendsim::kernels
