// PASA's fp64 recurrence (kernels/pasa/pasa_reference.hpp) against plain softmax attention:
// PASA.md §9.1 (exactness for any beta, causal or not), §9.2 (shift identity), §9.5 (NaN on a
// fully masked block unless skipped) and §5.3 (decode uses the last mask row).
// Error figure: max |pasa - softmax| / max |softmax|. Inputs follow the script's uniform case
// (PASA.md §6): U(mean - Am, mean + Am), mean 30 / Am 0.5 for the biased case.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>

#include "kernels/pasa/pasa_reference.hpp"

namespace {

using namespace ascendsim::kernels::pasa;
using ascendsim::kernels::MatrixRd;

// Rounding level with margin: double rounding of ~d + n terms, amplified by gamma <= 1031
// (beta = 0.999) in the recovered offsets, stays orders of magnitude below this.
constexpr double kExactTol = 1e-10;

MatrixRd uniform(Eigen::Index rows, Eigen::Index cols, double mean, double am, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(mean - am, mean + am);
  MatrixRd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
  return m;
}

double rel_error(const MatrixRd& ref, const MatrixRd& x) {
  return (x - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("PASA in fp64 equals softmax attention for any beta, causal or not, biased or not",
          "[pasa]") {
  const Eigen::Index n = 300, d = 64;  // 300 is not a multiple of 128: last KV block padded
  for (const double mean : {0.0, 30.0}) {
    const double am = mean == 0.0 ? 1.0 : 0.5;
    const MatrixRd q = uniform(n, d, mean, am, 11), k = uniform(n, d, mean, am, 12),
                   v = uniform(n, d, mean, am, 13);
    for (const bool causal : {false, true}) {
      const MatrixRd ref = softmax_attention_fp64(q, k, v, 1.0 / std::sqrt(double(d)), causal);
      for (const double beta : {0.5, 0.9375, 0.984497, 0.999}) {
        PasaRefParams p;
        p.beta = beta;
        p.causal = causal;
        const MatrixRd out = pasa_attention_fp64(q, k, v, p);
        INFO("mean " << mean << " causal " << causal << " beta " << beta);
        CHECK(out.allFinite());
        CHECK(rel_error(ref, out) <= kExactTol);
      }
    }
  }
}

TEST_CASE("PASA in fp64 stays exact for unequal tiles and a chunked causal prefill", "[pasa]") {
  const Eigen::Index nk = 300, d = 64;
  const MatrixRd k = uniform(nk, d, 30, 0.5, 21), v = uniform(nk, d, 30, 0.5, 22);
  // {N_q, B_r, n}: B_r != n makes rows of one tile fully masked in a block while others are not.
  struct Shape {
    Eigen::Index nq, br, bc;
  };
  for (const Shape& sh :
       {Shape{300, 64, 128}, Shape{300, 128, 64}, Shape{200, 128, 128}, Shape{300, 100, 32}}) {
    const auto [nq, br, bc] = sh;
    const MatrixRd q = uniform(nq, d, 30, 0.5, 23);
    PasaRefParams p;
    p.beta = 0.984497;
    p.block_rows = br;
    p.block_cols = bc;
    p.causal = true;
    PasaRefStats stats;
    const MatrixRd out = pasa_attention_fp64(q, k, v, p, &stats);
    INFO("N_q " << nq << " B_r " << br << " n " << bc);
    CHECK(rel_error(softmax_attention_fp64(q, k, v, 0.125, true), out) <= kExactTol);
    CHECK(stats.tiles_skipped > 0);
  }
}

TEST_CASE("a shifted tile is S - beta rowmean(S) 1^T and its row mean is (1 - beta) rowmean(S)",
          "[pasa]") {
  const Eigen::Index br = 128, n = 128, d = 64;
  const double s = 0.125;
  for (const double mean : {0.0, 30.0}) {
    const MatrixRd q = uniform(br, d, mean, 0.5, 31), kj = uniform(n, d, mean, 0.5, 32);
    const MatrixRd sc = s * (q * kj.transpose());  // S_ij = s Q_i K_j^T
    const Eigen::VectorXd mu = sc.rowwise().mean();
    const double scale = sc.cwiseAbs().maxCoeff();  // tolerances relative to max |S|
    for (const double beta : {0.5, 0.9375, 0.984497, 0.999}) {
      const MatrixRd st = q * pasa_shift_keys(kj, beta, s).transpose();  // S~ = Q_i K~_j^T
      const MatrixRd expect = sc - beta * mu * Eigen::RowVectorXd::Ones(n);
      INFO("mean " << mean << " beta " << beta);
      CHECK((st - expect).cwiseAbs().maxCoeff() <= 1e-12 * scale);
      const Eigen::VectorXd mt = st.rowwise().mean();
      CHECK((mt - (1.0 - beta) * mu).cwiseAbs().maxCoeff() <= 1e-12 * scale);
      // The removed shift is recoverable: beta mu = gamma rowmean(S~) (PASA.md §3.2).
      CHECK((beta * mu - beta / (1.0 - beta) * mt).cwiseAbs().maxCoeff() <= 1e-12 * scale);
    }
  }
}

TEST_CASE("a fully masked causal block gives NaN unless it is skipped", "[pasa]") {
  const Eigen::Index n = 300, d = 64;
  const MatrixRd q = uniform(n, d, 0, 1, 41), k = uniform(n, d, 0, 1, 42),
                 v = uniform(n, d, 0, 1, 43);
  PasaRefParams p;
  p.causal = true;
  p.skip_masked_blocks = false;
  PasaRefStats stats;
  const MatrixRd bad = pasa_attention_fp64(q, k, v, p, &stats);
  CHECK(stats.tiles_skipped == 0);
  CHECK(stats.tiles_computed == 9);  // 3 query blocks x 3 KV blocks
  // Query block 0 (rows 0..127) sees no key of KV blocks 1, 2: rowmax = -inf, NaN.
  CHECK(bad.topRows(128).array().isNaN().all());
  // Query block 2 (rows 256..299) sees a key in every block: finite and exact.
  const MatrixRd ref = softmax_attention_fp64(q, k, v, 0.125, true);
  CHECK(rel_error(ref.bottomRows(44), bad.bottomRows(44)) <= kExactTol);

  p.skip_masked_blocks = true;
  const MatrixRd good = pasa_attention_fp64(q, k, v, p, &stats);
  CHECK(stats.tiles_skipped == 3);  // (0,1), (0,2), (1,2)
  CHECK(stats.tiles_computed == 6);
  CHECK(good.allFinite());
  CHECK(rel_error(ref, good) <= kExactTol);
}

TEST_CASE("a causal decode row uses the last mask row and matches softmax", "[pasa]") {
  const Eigen::Index nk = 300, d = 64;
  const MatrixRd q = uniform(nk, d, 30, 0.5, 51), k = uniform(nk, d, 30, 0.5, 52),
                 v = uniform(nk, d, 30, 0.5, 53);
  const MatrixRd q1 = q.bottomRows(1);  // N_q = 1: the newest token
  PasaRefParams p;
  p.beta = 0.984497;
  p.causal = true;
  const MatrixRd out = pasa_attention_fp64(q1, k, v, p);
  REQUIRE(out.rows() == 1);
  // Bottom-right alignment: the decode row is row N_k - 1 of the full causal prefill, which sees
  // every key, so it also equals non-causal attention.
  const MatrixRd full = softmax_attention_fp64(q, k, v, 0.125, true);
  CHECK(rel_error(full.bottomRows(1), out) <= kExactTol);
  CHECK(rel_error(softmax_attention_fp64(q1, k, v, 0.125, false), out) <= kExactTol);
}

TEST_CASE("PASA reference inputs out of range are rejected", "[pasa]") {
  const MatrixRd q = uniform(4, 8, 0, 1, 61), k = uniform(6, 8, 0, 1, 62),
                 v = uniform(6, 8, 0, 1, 63);
  PasaRefParams p;
  p.beta = 1.0;
  CHECK_THROWS_AS(pasa_attention_fp64(q, k, v, p), std::invalid_argument);
  p = {};
  p.block_cols = 0;
  CHECK_THROWS_AS(pasa_attention_fp64(q, k, v, p), std::invalid_argument);
  p = {};
  CHECK_THROWS_AS(pasa_attention_fp64(q, k.leftCols(4), v, p), std::invalid_argument);
  CHECK_THROWS_AS(pasa_attention_fp64(q, k, v.topRows(5), p), std::invalid_argument);
  p.causal = true;  // N_q = 6 > N_k = 4: rows 0 and 1 would see no key
  CHECK_THROWS_AS(pasa_attention_fp64(k, q, q, p), std::invalid_argument);
  CHECK_THROWS_AS(softmax_attention_fp64(k, q, q, 0.125, true), std::invalid_argument);
}
