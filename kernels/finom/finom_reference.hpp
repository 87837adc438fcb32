#pragma once
// fp64 host references for 1D entropic W1 (FINOM.md §3-§5): the exact W1 of two discrete
// measures, dense kernel products, and FINOM's O(M + N) products by the dividing index.
// Plain C++ on Eigen doubles; no hardware, no timing.
//
// Notation: sources x (M nodes), targets y (N nodes), both sorted non-decreasing (ties allowed);
// K_ij = exp(-|x_i - y_j| / eps), C_ij = |x_i - y_j|. Vectors are Eigen::VectorXd. "log
// products" take and return logarithms: log_kv(g)_i = log sum_j K_ij exp(g_j), -inf allowed
// in g (a zero entry of exp(g)) and returned where every term is 0.
//
// FinomKernel (FINOM.md §5.1-§5.2, block form): d(i) = #{j : y_j <= x_i} (0-based: targets
// [0, d(i)) are the lower block of row i, [d(i), N) the upper one). The lower block is applied
// by a forward scan S_i = e^{-(x_i - x_{i-1})/eps} S_{i-1} + sum_{d(i-1) <= j < d(i)}
// K_ij v_j, the upper one by the mirrored backward scan, (K v)_i = S_i + T_i; K^T u is the same
// with the roles of x and y swapped (its own dividing index). Everything that depends only on
// the meshes and eps (dividing indices, decays e^{-Delta/eps}, the one kernel entry by which
// each target enters each scan) is computed once, in the constructor.
//
// Stability for small eps (FINOM.md §4.3, §5.5), what is done:
//  * never the rank-1 form e^{-x_i/eps} sum e^{y_j/eps} v_j (overflows at 1/eps > 709): the
//    plain scans only multiply by decays <= 1 and add non-negative terms that are each one
//    exp of a non-positive argument, so nothing overflows, nothing cancels, and an entry
//    underflows only where the dense K entry does;
//  * log products use the same scans in scaled form: the accumulator is a pair (m, s) worth
//    s e^m, m the largest log-term seen (decayed), s in [1, number of terms]; a decay costs no
//    exp (m = c - |x_r - x_anchor| / eps from the largest term's value c at its own node, which
//    keeps m within a few ulps where a running m -= Delta / eps drifts by ~1 ulp of |m| per
//    step), a new term t one exp (e^{t - m}, or e^{m - t} to rescale s when t becomes the
//    largest). No overflow or underflow for any eps and any finite g.
//  * the transport cost uses the cancellation-free recurrence of FINOM.md §5.4 (all terms >= 0),
//    in plain form for (u, v) and in the same scaled log form for (log u, log v).
#include <Eigen/Dense>
#include <vector>

namespace ascendsim::kernels::finom {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

// std::exp / std::log of every entry. The references never use Eigen's .exp() / .log(): its
// vectorized double exp clamps the argument (exp(-1000) gives 5.6e-309, not 0) and its log is
// wrong on subnormals (log(1e-310) gives -708.4, not -713.8) in a default x86-64 build.
Vec exp_each(const Vec& t);
Vec log_each(const Vec& t);

// Exact W1 = integral |F_a(t) - F_b(t)| dt of sum_i a_i delta(x_i) and sum_j b_j delta(y_j),
// over the merged sorted support (any order of x, y accepted). Throws std::invalid_argument for
// an empty or size-mismatched measure, a negative or non-finite weight or node, or total
// masses differing by more than 1e-12 relative.
double w1_exact(const Vec& x, const Vec& a, const Vec& y, const Vec& b);

// d(i) = #{j : y_j <= x_i} for sorted x, y (one merge pass).
std::vector<Eigen::Index> dividing_index(const Vec& x, const Vec& y);

// Dense O(M N) references. The meshes need not be sorted here; eps > 0 (std::invalid_argument).
Mat dense_kernel(const Vec& x, const Vec& y, double eps);             // K, M x N
Vec dense_kv(const Vec& x, const Vec& y, double eps, const Vec& v);   // K v
Vec dense_ktu(const Vec& x, const Vec& y, double eps, const Vec& u);  // K^T u
// log(K exp(g)) and log(K^T exp(f)) by max-subtracted log-sum-exp per row / column.
Vec dense_log_kv(const Vec& x, const Vec& y, double eps, const Vec& g);
Vec dense_log_ktu(const Vec& x, const Vec& y, double eps, const Vec& f);
// <C, P> = sum_ij C_ij u_i K_ij v_j, and the same with u = exp(f), v = exp(g) as
// sum_ij C_ij exp(f_i + g_j - C_ij / eps).
double dense_cost(const Vec& x, const Vec& y, double eps, const Vec& u, const Vec& v);
double dense_log_cost(const Vec& x, const Vec& y, double eps, const Vec& f, const Vec& g);

// FINOM's O(M + N) operator for one mesh pair and eps (see the block comment above).
class FinomKernel {
 public:
  // Throws std::invalid_argument for an empty or unsorted mesh, a non-finite node, or eps not
  // finite and > 0.
  FinomKernel(const Vec& x, const Vec& y, double eps);

  Vec kv(const Vec& v) const;       // K v (size M); v has N entries
  Vec ktu(const Vec& u) const;      // K^T u (size N); u has M entries
  Vec log_kv(const Vec& g) const;   // log(K exp(g))
  Vec log_ktu(const Vec& f) const;  // log(K^T exp(f))
  // <C, P> for P = diag(u) K diag(v) (FINOM.md §5.4), and for u = exp(f), v = exp(g).
  double cost(const Vec& u, const Vec& v) const;
  double log_cost(const Vec& f, const Vec& g) const;

  // d(i) = #{j : y_j <= x_i} of K v, and #{i : x_i <= y_j} of K^T u.
  const std::vector<Eigen::Index>& dividing_index_rows() const { return rows_.d; }
  const std::vector<Eigen::Index>& dividing_index_cols() const { return cols_.d; }
  Eigen::Index rows() const { return rows_.out_size(); }
  Eigen::Index cols() const { return cols_.out_size(); }
  double eps() const { return eps_; }

  // Everything one direction (outputs at `at`, inputs at `from`) needs, per mesh pair and eps.
  struct Side {
    std::vector<Eigen::Index> d;  // dividing index of each output node
    Vec delta;                    // delta(i) = at_i - at_{i-1} for i >= 1; delta(0) = 0
    Vec log_delta;                // log(delta) (-inf for a tie)
    Vec decay;                    // exp(-delta / eps)
    Vec at;                       // the output nodes (the log scans re-anchor on them)
    double eps = 0;
    Vec lo_dist;  // input j < d(M - 1): at_r - from_j, r the first output with j < d(r); else 0
    Vec hi_dist;  // input j >= d(0): from_j - at_r, r the last output with d(r) <= j; else 0
    Vec lo_logk, hi_logk;  // -dist / eps: the log kernel entry by which j enters each scan
    Vec lo_k, hi_k;        // exp of the above
    Eigen::Index out_size() const { return static_cast<Eigen::Index>(d.size()); }
  };

 private:
  double eps_;
  Side rows_;  // K v: outputs at x, inputs at y
  Side cols_;  // K^T u: outputs at y, inputs at x
};

}  // namespace ascendsim::kernels::finom
