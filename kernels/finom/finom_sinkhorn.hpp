#pragma once
// fp64 Sinkhorn for 1D entropic W1 (FINOM.md §3), one loop for the dense O(M N) products and
// FINOM's O(M + N) ones (finom_reference.hpp), in the plain or the log domain.
//
// Plain domain (FINOM.md §3), from v = 1:
//   u <- a ./ (K v);  v <- b ./ (K^T u);  error = || u .* (K v) - a ||_1   (after the v-update;
//   the column marginal is exact then, and K v is reused by the next u-update)
// Log domain (f = log u, g = log v, for small eps where u, v leave the double range), from g = 0:
//   f <- log a - log(K e^g);  g <- log b - log(K^T e^f);  error = || exp(f + log(K e^g)) - a ||_1
// The loop stops after the iteration whose error is <= tol, or after max_iter iterations.
// One iteration is one u-update and one v-update. The transport cost <C, P>, P = diag(u) K
// diag(v), is computed at the end two ways: the dense double sum and FINOM.md §5.4's
// recurrence (FinomKernel::cost / log_cost), whichever product the loop used.
// Zero weights are allowed (u_i = 0, f_i = -inf); the marginals must have equal mass.
#include <Eigen/Dense>

#include "kernels/finom/finom_reference.hpp"

namespace ascendsim::kernels::finom {

enum class SinkhornProduct { dense, finom };
enum class SinkhornDomain { plain, log };

struct SinkhornParams {
  double eps = 1e-2;                                 // entropic regularisation (> 0)
  double tol = 1e-9;                                 // marginal l1 error to stop at (>= 0)
  int max_iter = 1000;                               // iteration cap (>= 1)
  SinkhornProduct product = SinkhornProduct::finom;  // how K v and K^T u are applied
  SinkhornDomain domain = SinkhornDomain::plain;     // plain (u, v) or log (f, g)
  bool dense_cost = true;                            // also compute <C, P> by the O(M N) sum
};

struct SinkhornResult {
  Vec log_u, log_v;           // f = log u, g = log v (-inf where a weight is 0)
  Vec u, v;                   // exp(f), exp(g): may be 0 / inf in the log domain at small eps
  int iterations = 0;         // u- and v-update pairs done
  double marginal_error = 0;  // || row sums of P - a ||_1 after the last iteration
  bool converged = false;     // marginal_error <= tol
  double cost_dense = 0;      // <C, P> by the O(M N) sum (NaN unless params.dense_cost)
  double cost_finom = 0;      // <C, P> by the O(M + N) recurrence of FINOM.md §5.4
};

// Throws std::invalid_argument for meshes that FinomKernel rejects, weights of the wrong size,
// negative or non-finite, masses differing by more than 1e-12 relative, tol < 0, max_iter < 1.
SinkhornResult sinkhorn(const Vec& x, const Vec& a, const Vec& y, const Vec& b,
                        const SinkhornParams& params);

// Shannon entropy -sum a_i log a_i (0 log 0 = 0): the bias bound of FINOM.md §3 is
// 0 <= <C, P_eps> - W1 <= eps min(H(a), H(b)) <= eps log min(M, N).
double shannon_entropy(const Vec& a);

}  // namespace ascendsim::kernels::finom
