// check_mla: fp64 softmax(scale q K^T) V per request and the per-element bound (mla_check.hpp).
#include "kernels/mla_decode/mla_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/common/reference.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

constexpr double kU = 1.0 / 16777216.0;              // fp32 unit roundoff 2^-24
constexpr double kExpError = 4 * kU;                 // one fp32 exp, relative (header: 4u)
constexpr double kRescaleFp32 = 1.0 / 262144;        // 2^-18: bias, fp32 and int32 parts of N_int
constexpr double kClampWeight = 1.0 / 1073741824.0;  // 2^-30: amla's dN >= -30 clamp
constexpr double kInverseRhat = 1.5;  // >= 1 / r^ = sqrt(2) / (1 - u_p), r^ >= 2^-1/2

const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name) {
  const isa::TensorDecl* t = p.find_tensor(name);
  if (!t) throw isa::SimulationError("mla check: the program has no tensor '" + name + "'");
  return *t;
}

// Absolute error bound of one computed scaled score x^_j (before m is subtracted).
double score_error(const MlaParams& p, double q_norm, double k_norm_max) {
  const double x = p.scale * q_norm * k_norm_max;
  return p.scale *
             (gamma_n(kMlaDk, kU) * q_norm * k_norm_max + kMlaDk * smallest_positive(DType::fp32)) +
         2 * kU * (x + 1);
}

// Blocks after the first whose largest score may exceed the running max in the kernel's fp32:
// only those can move m (and with it n, r^, cof and the fp32 alpha of l).
std::uint64_t possible_max_moves(const std::vector<double>& block_max, double margin) {
  std::uint64_t moves = 0;
  double running = -std::numeric_limits<double>::infinity();
  for (std::size_t b = 0; b < block_max.size(); ++b) {
    moves += b > 0 && block_max[b] > running - margin;
    running = std::max(running, block_max[b]);
  }
  return moves;
}

// softmax(scale Q K^T) V of a request's sampled rows, with S = P |V| and the row statistics the
// bound needs, accumulated online in fp64 (its rescale roundings, ~1e-16, are far below any
// bound here). K / V are decoded once, a KV block at a time through the block table, into one
// reused buffer laid out [rope 64 | V 512 | |V| 512] per token: the scores use its first 576
// columns (q permuted alike), and one product with its last 1024 gives P V and P |V| together.
// (decode_rows would allocate per block and leave |V|, the norms and the sums to more passes.)
constexpr Eigen::Index kRope = kMlaDk - kMlaDv;

struct RequestReference {
  MatrixRd acc;                  // rows x 1024: [P V | P |V|], divided by l at the end
  Eigen::VectorXd l;             // sum_j exp(x_j - m) >= 1
  Eigen::RowVectorXd v_abs_sum;  // sum_j |v_j|, 512
  double k_norm_max = 0;         // max_j |k_j|_2
  std::vector<std::vector<double>> block_max;  // per row, per KV block: max_j x_j
};

RequestReference request_reference(const MlaPlan& plan, std::uint32_t r, const MatrixRd& q,
                                   const isa::TensorDecl& kv, MatrixRd& buf) {
  const MlaParams& p = plan.params;
  const std::uint64_t s_kv = plan.requests[r].s_kv;
  const Eigen::Index n = q.rows();
  MatrixRd qp(n, kMlaDk);
  qp << q.rightCols(kRope), q.leftCols(kMlaDv);
  RequestReference a;
  a.acc = MatrixRd::Zero(n, 2 * kMlaDv);
  a.l = Eigen::VectorXd::Zero(n);
  a.v_abs_sum = Eigen::RowVectorXd::Zero(kMlaDv);
  a.block_max.resize(std::size_t(n));
  Eigen::VectorXd m = Eigen::VectorXd::Constant(n, -std::numeric_limits<double>::infinity());
  std::vector<float> token(kMlaDk);
  buf.resize(p.kv_block, kMlaDk + kMlaDv);
  for (std::uint64_t t0 = 0; t0 < s_kv; t0 += p.kv_block) {
    const Eigen::Index c = Eigen::Index(std::min<std::uint64_t>(p.kv_block, s_kv - t0));
    for (Eigen::Index j = 0; j < c; ++j) {
      numeric::widen_to_float(kv.dtype, kv.data.data(), plan.kv_row(r, t0 + j) * kMlaDk, kMlaDk,
                              token.data());
      double* row = buf.row(j).data();
      double sq = 0;
      for (std::uint32_t e = 0; e < kMlaDk; ++e) sq += double(token[e]) * token[e];
      for (Eigen::Index e = 0; e < kRope; ++e) row[e] = token[kMlaDv + e];
      for (std::uint32_t e = 0; e < kMlaDv; ++e) {
        row[kRope + e] = token[e];
        row[kMlaDk + e] = std::fabs(token[e]);
        a.v_abs_sum(e) += row[kMlaDk + e];
      }
      a.k_norm_max = std::max(a.k_norm_max, std::sqrt(sq));
    }
    MatrixRd w = p.scale * (qp * buf.topLeftCorner(c, kMlaDk).transpose());  // then exp(x - m)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double block_max = w.row(i).maxCoeff(), m_new = std::max(m(i), block_max);
      a.block_max[std::size_t(i)].push_back(block_max);
      const double alpha = std::exp(m(i) - m_new);  // 0 on the first block
      a.acc.row(i) *= alpha;
      w.row(i) = (w.row(i).array() - m_new).exp().matrix();
      a.l(i) = a.l(i) * alpha + w.row(i).sum();
      m(i) = m_new;
    }
    a.acc.noalias() += w * buf.block(0, kMlaDk - kMlaDv, c, 2 * kMlaDv);
  }
  for (Eigen::Index i = 0; i < n; ++i) a.acc.row(i) /= a.l(i);
  return a;
}

// Everything one request contributes to the result.
struct Totals {
  ErrorMetrics metrics;
  std::uint64_t failures = 0, nonfinite = 0, rows = 0;
  double worst_ratio = 0, max_rel = 0, sum_sq_bound = 0;
  Json first_failure;
};

void check_request(const MlaPlan& plan, std::uint32_t r, std::uint64_t sampled,
                   const isa::Program& result, MatrixRd& buf, Totals& tot) {
  const MlaParams& p = plan.params;
  const MlaRequest& req = plan.requests[r];
  const isa::TensorDecl& q = tensor(result, plan.tensor_name("q", req.die));
  const isa::TensorDecl& kv = tensor(result, plan.tensor_name("kv", req.die));
  const isa::TensorDecl& out = tensor(result, plan.tensor_name("out", req.die));
  const std::uint64_t rows_req = p.rows_per_request();

  std::vector<std::uint64_t> local = sample_rows(rows_req, sampled);
  for (auto& i : local) i = (i + r) % rows_req;
  std::vector<std::uint64_t> rows(local.size());
  for (std::size_t i = 0; i < local.size(); ++i) rows[i] = req.row0 + local[i];
  const MatrixRd qm = decode_rows(q, rows, kMlaDk);
  const RequestReference a = request_reference(plan, r, qm, kv, buf);
  std::vector<MlaRowBound> row_bound(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double q_norm = qm.row(Eigen::Index(i)).norm();
    const double margin = 2 * score_error(p, q_norm, a.k_norm_max);
    row_bound[i] = mla_row_bound(p, q_norm, a.k_norm_max, req.s_kv,
                                 possible_max_moves(a.block_max[i], margin));
  }

  // Every valid row is scanned for inf / NaN; the sampled ones are compared.
  std::vector<std::uint64_t> all_rows(rows_req);
  for (std::uint64_t i = 0; i < rows_req; ++i) all_rows[i] = req.row0 + i;
  const MatrixRd got_all = decode_rows(out, all_rows, kMlaDv);
  tot.nonfinite += static_cast<std::uint64_t>((!got_all.array().isFinite()).count());
  double max_err = 0, max_ref = 0;
  for (Eigen::Index i = 0; i < a.acc.rows(); ++i) {
    for (Eigen::Index c = 0; c < kMlaDv; ++c) {
      const double want = a.acc(i, c), got = got_all(Eigen::Index(local[i]), c);
      const double bound =
          mla_error_bound(p, row_bound[i], a.acc(i, kMlaDv + c), want, a.v_abs_sum(c) / a.l(i));
      tot.metrics.add(want, got);  // non-finite values are counted apart there
      max_ref = std::max(max_ref, std::fabs(want));
      const double err = std::fabs(got - want);
      const bool ok = std::isfinite(got) && err <= bound;
      if (std::isfinite(got)) {  // the normwise figures cover the same elements as rmse
        tot.sum_sq_bound += bound * bound;
        max_err = std::max(max_err, err);
        tot.worst_ratio = std::max(tot.worst_ratio, err / bound);
      }
      if (ok) continue;
      if (tot.failures++ == 0)
        tot.first_failure = Json{{"request", r},
                                 {"row", rows[i]},
                                 {"query_token", local[i] / p.heads},
                                 {"head", local[i] % p.heads},
                                 {"col", c},
                                 {"reference", want},
                                 {"computed", std::isfinite(got) ? Json(got) : Json("non-finite")},
                                 {"bound", bound}};
    }
  }
  if (max_ref > 0) tot.max_rel = std::max(tot.max_rel, max_err / max_ref);
  tot.rows += rows.size();
}

}  // namespace

MlaRowBound mla_row_bound(const MlaParams& p, double q_norm, double k_norm_max, std::uint64_t s_kv,
                          std::uint64_t changes) {
  const double u_p = unit_roundoff(p.dtype);
  const double x = p.scale * q_norm * k_norm_max;
  const std::uint64_t blocks = (s_kv + p.kv_block - 1) / p.kv_block;
  const bool amla = p.variant == MlaVariant::amla;
  changes = std::min<std::uint64_t>(changes, blocks - 1);
  // exp's argument: the score error, and the subtraction of m (|x - m| <= 2X): 5u(X + 1) in all.
  const double arg = score_error(p, q_norm, k_norm_max) + 3 * kU * (x + 1);
  const double eta = std::expm1(arg) * (1 + kExpError) + kExpError;
  double num = (1 + u_p) * (1 + (amla ? kU : 0.0)) * (1 + gamma_n(double(s_kv + 2 * blocks), kU));
  double den = 1 + gamma_n(double(s_kv + 2 * blocks + 2), kU);
  if (amla) {
    const double rho_r = std::expm1(2 * kU * (x + 1)) * (1 + kExpError) + kExpError;
    num *= 1 + rho_r;
    den *= (1 + rho_r) * std::pow(1 + kExpError, double(changes)) * std::exp(2 * kU * (x + 1));
    const double kappa = 2 * u_p / (1 - u_p);
    if (p.compensation) {
      const double rho_c = kappa / (2 * (1 - kappa)) + kRescaleFp32;
      num *= std::pow(1 + rho_c, double(changes)) *
             std::pow(1 + kRescaleFp32, double(blocks - 1 - changes));
    } else if (changes > 0) {
      num *= 1 + kappa;
    }
  }
  MlaRowBound b;
  b.mu = (1 + eta) * num - 1;
  b.nu = (1 + eta) * den - 1;
  b.abs_coef = kInverseRhat * (smallest_positive(p.dtype) / 2 + smallest_positive(DType::fp32) +
                               (amla ? kClampWeight : 0.0));
  return b;
}

double mla_error_bound(const MlaParams& p, const MlaRowBound& row, double sum_abs, double reference,
                       double v_abs_over_l) {
  if (row.nu >= 1) return std::numeric_limits<double>::infinity();
  const double ref = std::fabs(reference);
  const double e = (row.mu * sum_abs + row.nu * ref + row.abs_coef * v_abs_over_l) / (1 - row.nu);
  return e + unit_roundoff(p.out_dtype) * (ref + e) + smallest_positive(p.out_dtype) / 2;
}

CheckResult check_mla(const MlaPlan& plan, const isa::Program& result) {
  CheckResult res;
  const MlaParams& p = plan.params;
  for (const MlaRequest& req : plan.requests)
    for (const char* base : {"q", "kv", "out"})
      if (tensor(result, plan.tensor_name(base, req.die)).data.empty()) return res;  // timing
  res.performed = true;

  std::uint64_t tokens = 0;
  for (const MlaRequest& req : plan.requests) tokens += req.s_kv;
  const std::uint64_t rows_req = p.rows_per_request();
  const std::uint64_t sampled =
      std::min(rows_req, std::clamp(kCheckRowTokens / std::max<std::uint64_t>(tokens, 1),
                                    kMinRowsPerRequest, kMaxRowsPerRequest));
  Totals tot;
  MatrixRd buf;  // one decoded KV block, reused by every request
  for (std::uint32_t r = 0; r < plan.requests.size(); ++r)
    check_request(plan, r, sampled, result, buf, tot);

  const ErrorMetrics& m = tot.metrics;
  const double rms_ref = m.reference_rms();
  const double bound = rms_ref > 0 ? std::sqrt(tot.sum_sq_bound / double(m.count)) / rms_ref : 0.0;
  const double ratio = rms_ref > 0 ? m.rmse() / rms_ref : 0.0;
  res.passed = tot.nonfinite == 0 && tot.failures == 0 && (rms_ref == 0 || ratio <= bound);
  res.max_abs_error = m.max_abs;
  res.max_rel_error = tot.max_rel;
  res.rmse = m.rmse();
  res.compared = m.count + m.nonfinite;
  Json& x = res.extra;
  x["max_rel_error_definition"] =
      "max|out - ref| / max|ref| over a request's compared rows, max over requests (normwise: "
      "|err| / |ref| per element is meaningless for outputs near zero)";
  x["rmse_over_rms_ref"] = ratio;
  x["bound"] = bound;
  x["bound_derivation"] =
      "RMS(bound_i) / RMS(ref); bound_i = (mu S_i + nu |ref_i|) / (1 - nu) + u_out |ref_i| + "
      "tiny, S_i = sum_j p_j |v_ij|; mu: P cast u_p, fp32 sums gamma_{s_kv+2b}, score error "
      "gamma_576 |q||k| in exp, amla ~u_p per rescale moving the max; nu: gamma_{s_kv+2b+2}, "
      "score error (mla_check.hpp)";
  x["worst_error_over_bound"] = tot.worst_ratio;
  x["nonfinite_outputs"] = tot.nonfinite;
  x["failures"] = tot.failures;
  x["rows_compared"] = tot.rows;
  x["rows_per_request_compared"] = sampled;
  x["sampled"] = sampled < rows_req;
  x["reference_rms"] = rms_ref;
  if (tot.failures) x["first_failure"] = tot.first_failure;
  return res;
}

}  // namespace ascendsim::kernels
