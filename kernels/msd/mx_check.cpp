// check_mx_linear: the fp64 reference of the MX-weight dequant_gemm / msd_gemm and the bounds of
// mx_check.hpp. Every value comes from GM (X, W, its e8m0 scales, y, and the pieces and scales
// the AIVs wrote); the split is replayed (msd::mx_split) and must match bit for bit, the cube's
// fp32 sum is only bounded.
#include "kernels/msd/mx_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/reference.hpp"
#include "kernels/msd/check_tally.hpp"
#include "kernels/msd/msd_split.hpp"
#include "kernels/msd/mx_pipeline.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

using numeric::DType;
constexpr double kU32 = 1.0 / 16777216.0;  // fp32 unit roundoff 2^-24
// Work cap, as linear_check.cpp: up to 2^31 multiply-adds (tokens * m * n) every real token is
// checked; above it an evenly spread sample of tokens.
constexpr double kCheckedMultiplyAdds = 2147483648.0;
constexpr std::uint64_t kTokenBlock = 64;     // tokens decoded at once (3 x 64 x n doubles)
constexpr std::uint64_t kColumnChunk = 2048;  // W columns decoded at once (128 x 2048 doubles)
constexpr std::uint64_t kMxBlock = 32;        // elements per e8m0 scale (OCP MX, MSD.md §12)
constexpr double kInf = std::numeric_limits<double>::infinity();

// A GM tensor of the expected type and shape holding its bytes (or none, if `may_be_empty`).
const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name, DType t,
                              std::uint64_t rows, std::uint64_t cols, bool may_be_empty = false) {
  return expect_tensor(p, "mx linear check", name, t, rows, cols, false, may_be_empty);
}

struct Inputs {  // die 0's (every die holds the same X; die 0's AIVs split it into its ws_x)
  const isa::TensorDecl *x = nullptr, *ws_x = nullptr, *ws_sx = nullptr;
};

// E(V) of mx_check.hpp: the worst error of RNE with saturation onto a float grid over |v| <= V,
// half the widest step starting below min(V, max), or V - max when V > max.
struct GridError {
  double top;                        // the grid's max
  std::vector<double> points, half;  // values >= 0 ascending; running max of the half steps
  explicit GridError(DType t) : top(numeric::max_finite(t)) {
    for (std::uint32_t c = 0; c < (1u << numeric::dtype_bits(t)); ++c) {
      const double v = numeric::decode_bits(t, c);
      if (std::isfinite(v) && v >= 0) points.push_back(v);  // -0 joins +0 below
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    for (std::size_t i = 0; i + 1 < points.size(); ++i)
      half.push_back(std::max(i ? half[i - 1] : 0.0, (points[i + 1] - points[i]) / 2));
  }
  double operator()(double v) const {
    const auto below =
        std::lower_bound(points.begin(), points.end(), std::min(v, top)) - points.begin();
    return std::max(below > 0 ? half[std::size_t(below - 1)] : 0.0, v - top);
  }
};

// bound_b of mx_check.hpp for a block of max m and pass-1 scale alpha: every step is exact
// (alpha, the step ratio and the grid's steps are powers of two or few-bit values).
struct SplitBound {
  GridError grid;
  double ratio, first_v;  // the step ratio; V_1's least value (msd: the rule's threshold)
  std::uint32_t passes;
  explicit SplitBound(const LinearParams& p)
      : grid(p.piece()),
        ratio(p.mx_split().step_ratio),
        first_v(p.pipeline == LinearPipeline::msd ? p.mx_split().threshold : 0.0),
        passes(p.passes) {}
  double operator()(double alpha, double m) const {
    double scale = alpha, r = alpha * grid(std::max(first_v, m / alpha));
    for (std::uint32_t k = 1; k < passes; ++k) {
      scale /= ratio;
      r = scale * grid(r / scale);
    }
    return r;
  }
};

struct TokenRow {
  std::vector<double> x, x_hat, piece_abs;  // piece_abs = sum_p |scale_p piece_p|
  std::vector<double> alpha;                // per block: pass 1's scale
  // Per pass: codes at +-max; inputs beyond the grid, |residual / scale| > max.
  std::vector<std::uint64_t> saturated, clipped;
};

// Token t: X as bf16 and its pieces and scales from ws_x / ws_sx (mx_check.hpp's layout).
void decode_token(const LinearPlan& plan, const Inputs& in, std::uint64_t t, double top,
                  TokenRow& r, std::vector<float>& buf) {
  const LinearParams& p = plan.params;
  const std::uint64_t n = p.n, c = plan.k_step / kMxBlock, steps = plan.mx_steps();
  const std::uint64_t sx_cols = plan.x_rows() * c;
  buf.resize(n);
  numeric::widen_to_float(DType::bf16, in.x->data.data(), t * n, n, buf.data());
  r.x.assign(buf.begin(), buf.end());
  r.x_hat.assign(n, 0.0);
  r.piece_abs.assign(n, 0.0);
  r.alpha.assign(n / kMxBlock, 0.0);
  r.saturated.assign(p.passes, 0);
  r.clipped.assign(p.passes, 0);
  for (std::uint64_t k = 0; k < p.passes; ++k) {
    numeric::widen_to_float(p.piece(), in.ws_x->data.data(), (k * plan.x_rows() + t) * n, n,
                            buf.data());
    for (std::uint64_t b = 0; b < n / kMxBlock; ++b) {
      const std::uint64_t at = (k * steps + b / c) * sx_cols + t * c + b % c;
      const double scale = numeric::load_element(DType::e8m0, in.ws_sx->data.data(), at);
      if (k == 0) r.alpha[b] = scale;
      for (std::uint64_t i = b * kMxBlock; i < (b + 1) * kMxBlock; ++i) {
        r.clipped[k] += std::fabs(r.x[i] - r.x_hat[i]) > top * scale;  // exact, as x_hat
        r.x_hat[i] += scale * buf[i];  // exact: few-bit codes times powers of two
        r.piece_abs[i] += std::fabs(scale * buf[i]);
        r.saturated[k] += std::fabs(buf[i]) == top;
      }
    }
  }
}

struct TokenBlock {
  std::vector<std::uint64_t> tokens;
  MatrixRd x, x_hat, piece_abs;  // tokens x n
};

TokenBlock decode_tokens(const LinearPlan& plan, const Inputs& in, double top,
                         std::vector<std::uint64_t> tokens) {
  const auto rows = Eigen::Index(tokens.size()), n = Eigen::Index(plan.params.n);
  TokenBlock b{std::move(tokens), MatrixRd(rows, n), MatrixRd(rows, n), MatrixRd(rows, n)};
  TokenRow r;
  std::vector<float> buf;
  using Row = Eigen::Map<const Eigen::RowVectorXd>;
  for (Eigen::Index i = 0; i < rows; ++i) {
    decode_token(plan, in, b.tokens[std::size_t(i)], top, r, buf);
    b.x.row(i) = Row(r.x.data(), n);
    b.x_hat.row(i) = Row(r.x_hat.data(), n);
    b.piece_abs.row(i) = Row(r.piece_abs.data(), n);
  }
  return b;
}

// The per-element bound of mx_check.hpp, its constants formed once.
struct Bound {
  double gamma, u_out, out_tiny;
  explicit Bound(const LinearParams& p)
      : gamma(gamma_n(double(p.passes) * double(p.n) + 1, kU32)),
        u_out(unit_roundoff(p.out_dtype)),
        out_tiny(smallest_positive(p.out_dtype) / 2) {}
  double operator()(double ref, double sh) const {
    const double e = gamma * sh;
    return e + u_out * (std::fabs(ref) + e) + out_tiny;
  }
};

struct TileSums {  // tokens x 128: y_ref = x W_deq, y_hat = x_hat W_deq, S_pieces
  MatrixRd y, y_hat, sh;
};

// The sums of output tile `tile` (within the die's slice); W_deq (exact in fp64) is formed a
// chunk of columns at a time, so W is never decoded whole.
void tile_sums(const LinearPlan& plan, const isa::TensorDecl& w, const MatrixRd& scales,
               std::uint64_t tile, const TokenBlock& b, TileSums& out) {
  const std::uint64_t n = plan.params.n;
  const Eigen::Index rows = b.x.rows(), cols = kLinearTile;
  for (MatrixRd* m : {&out.y, &out.y_hat, &out.sh}) m->setZero(rows, cols);
  MatrixRd wd(cols, kColumnChunk);
  std::vector<float> buf(kColumnChunk);
  for (std::uint64_t c0 = 0; c0 < n; c0 += kColumnChunk) {
    const std::uint64_t width = std::min(kColumnChunk, n - c0);
    wd.resize(cols, Eigen::Index(width));
    for (Eigen::Index j = 0; j < cols; ++j) {
      const std::uint64_t row = tile * kLinearTile + std::uint64_t(j);
      numeric::widen_to_float(w.dtype, w.data.data(), row * n + c0, width, buf.data());
      for (std::uint64_t i = 0; i < width; ++i)
        wd(j, Eigen::Index(i)) =
            scales(Eigen::Index((c0 + i) / kMxBlock), Eigen::Index(row)) * buf[i];
    }
    const auto mid = [&](const MatrixRd& m) {
      return m.middleCols(Eigen::Index(c0), Eigen::Index(width));
    };
    const MatrixRd wd_abs = wd.cwiseAbs().transpose();
    out.y.noalias() += mid(b.x) * wd.transpose();
    out.y_hat.noalias() += mid(b.x_hat) * wd.transpose();
    out.sh.noalias() += mid(b.piece_abs) * wd_abs;
  }
}

// Every output of die d for the block's tokens.
void check_die(const LinearPlan& plan, const isa::Program& result, std::uint32_t d,
               const TokenBlock& blk, const Bound& bound, BoundTally& tally) {
  const LinearParams& p = plan.params;
  const std::uint64_t cols = plan.die_tiles[d] * kLinearTile;
  const isa::TensorDecl& w = tensor(result, plan.tensor_name("w", d), p.weight, cols, p.n);
  const isa::TensorDecl& s =
      tensor(result, plan.tensor_name("s", d), DType::e8m0, p.n / kMxBlock, cols);
  const isa::TensorDecl& y =
      tensor(result, plan.tensor_name("y", d), p.out_dtype, plan.x_rows(), cols);
  const MatrixRd scales = decode_block(s, p.n / kMxBlock, cols);
  const MatrixRd got = decode_rows(y, blk.tokens, cols);
  TileSums sums;
  for (std::uint64_t tile = 0; tile < plan.die_tiles[d]; ++tile) {
    tile_sums(plan, w, scales, tile, blk, sums);
    for (Eigen::Index i = 0; i < sums.y.rows(); ++i)
      for (Eigen::Index j = 0; j < sums.y.cols(); ++j) {
        const std::uint64_t col = tile * kLinearTile + std::uint64_t(j);
        const double ref = sums.y(i, j), y_hat = sums.y_hat(i, j);
        tally.add_gated(ref, y_hat, got(i, Eigen::Index(col)), bound(y_hat, sums.sh(i, j)), [&] {
          return Json{{"token", blk.tokens[std::size_t(i)]},
                      {"column", plan.die_tile0[d] * kLinearTile + col}};
        });
      }
  }
}

// The split over every real token (the extra fields activation_*).
Json activation_fields(const LinearPlan& plan, const Inputs& in) {
  const LinearParams& p = plan.params;
  const msd::MxSplitParams sp = p.mx_split();
  const SplitBound bound(p);
  double sq_err = 0, sq_x = 0, worst = 0;
  std::uint64_t mismatches = 0;
  std::vector<std::uint64_t> saturated(p.passes, 0), clipped(p.passes, 0);
  TokenRow r;
  std::vector<float> buf;
  for (std::uint64_t t = 0; t < p.tokens; ++t) {
    decode_token(plan, in, t, bound.grid.top, r, buf);
    const msd::SplitResult ref = msd::mx_split(r.x, sp);
    for (std::uint64_t b = 0; b < p.n / kMxBlock; ++b) {
      double m = 0, e = 0;
      std::uint64_t diff = 0;
      for (std::uint64_t i = b * kMxBlock; i < (b + 1) * kMxBlock; ++i) {
        const double err = r.x[i] - r.x_hat[i];
        m = std::max(m, std::fabs(r.x[i]));
        e = std::isfinite(err) ? std::max(e, std::fabs(err)) : kInf;
        sq_err += err * err;
        sq_x += r.x[i] * r.x[i];
        diff += r.x_hat[i] != ref.x_hat[i];
      }
      // Blocks below the floor are split at its scale, by design; a zero block must still
      // reconstruct to zero (0 / alpha = 0 for any alpha), as the reference does.
      if (m >= kMxFloor || m == 0) mismatches += diff;
      if (m == 0) continue;
      const double ratio = e / bound(r.alpha[b], m);
      if (!(ratio <= worst)) worst = std::isnan(ratio) ? kInf : ratio;
    }
    for (std::uint32_t k = 0; k < p.passes; ++k) {
      saturated[k] += r.saturated[k];
      clipped[k] += r.clipped[k];
    }
  }
  const auto shares = [&](const std::vector<std::uint64_t>& counts) {
    Json a = Json::array();
    for (std::uint64_t c : counts) a.push_back(double(c) / double(p.tokens * p.n));
    return a;
  };
  return Json{{"activation_effective_bits",
               sq_err == 0 ? Json("inf") : Json(-0.5 * std::log2(sq_err / sq_x))},
              {"activation_bound_ratio", worst},
              {"activation_bound_limit", 1.0},  // the split is exact arithmetic: no slack
              {"activation_split_mismatches", mismatches},
              {"activation_saturated_share", shares(saturated)},
              {"activation_clipped_share", shares(clipped)}};
}

}  // namespace

CheckResult check_mx_linear(const LinearPlan& plan, const isa::Program& result) {
  CheckResult res;
  const LinearParams& p = plan.params;
  Inputs in;
  in.x = &tensor(result, plan.tensor_name("x", 0), DType::bf16, plan.x_rows(), p.n, true);
  if (in.x->data.empty()) return res;  // timing-only
  res.performed = true;
  in.ws_x = &tensor(result, plan.tensor_name("ws_x", 0), p.piece(), p.passes * plan.x_rows(), p.n);
  in.ws_sx = &tensor(result, plan.tensor_name("ws_sx", 0), DType::e8m0, p.passes * plan.mx_steps(),
                     plan.x_rows() * plan.k_step / kMxBlock);

  // y against y_ref on all real tokens, or on an even sample of them above the work cap.
  const double fit = std::floor(kCheckedMultiplyAdds / (double(p.m) * double(p.n)));
  const std::vector<std::uint64_t> checked =
      sample_rows(p.tokens, std::uint64_t(std::clamp(fit, 1.0, double(p.tokens))));
  const Bound bound(p);
  const double top = numeric::max_finite(p.piece());
  BoundTally tally;
  for (std::size_t b0 = 0; b0 < checked.size(); b0 += kTokenBlock) {
    const std::size_t b1 = std::min(checked.size(), b0 + kTokenBlock);
    const TokenBlock blk =
        decode_tokens(plan, in, top,
                      {checked.begin() + std::ptrdiff_t(b0), checked.begin() + std::ptrdiff_t(b1)});
    for (std::uint32_t d = 0; d < plan.dies; ++d)
      if (plan.die_tiles[d] > 0) check_die(plan, result, d, blk, bound, tally);
  }

  tally.report(res);
  Json& x = res.extra;
  x["bound"] =
      "|y - x_hat W_deq| <= gamma_N S_pieces + u_out (|x_hat W_deq| + that) + tiny, N = passes n "
      "+ 1, S_pieces = sum |W_deq| sum_p |scale_p piece_p| (mx_check.hpp)";
  x.update(activation_fields(plan, in));
  if (x["activation_split_mismatches"].get<std::uint64_t>() > 0 ||
      !(x["activation_bound_ratio"].get<double>() <= x["activation_bound_limit"].get<double>()))
    res.passed = false;
  tally.finish(res);
  x["tokens_checked"] = checked.size();
  x["sampled"] = checked.size() < p.tokens;
  return res;
}

}  // namespace ascendsim::kernels
