// Sinkhorn loop over dense or FINOM products (FINOM.md §3, §5); see finom_sinkhorn.hpp.
#include "kernels/finom/finom_sinkhorn.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ascendsim::kernels::finom {
namespace {

using Index = Eigen::Index;
using Op = std::function<Vec(const Vec&)>;

// K v and K^T u (or their log forms) for one mesh pair and eps.
struct Products {
  Op kv, ktu;
};

// Row-wise log-sum-exp of l + g^T (log products from a stored -C / eps).
Vec log_rows(const Mat& l, const Vec& g) {
  Vec out(l.rows());
  for (Index i = 0; i < l.rows(); ++i) {
    const Eigen::RowVectorXd t = l.row(i) + g.transpose();
    const double m = t.maxCoeff();
    double sum = 0.0;
    for (Index j = 0; j < t.size(); ++j) sum += std::exp(t(j) - m);
    out(i) = m == -std::numeric_limits<double>::infinity() ? m : m + std::log(sum);
  }
  return out;
}

Products make_products(const FinomKernel& fk, const Vec& x, const Vec& y, const SinkhornParams& p) {
  const bool log = p.domain == SinkhornDomain::log;
  if (p.product == SinkhornProduct::finom) {
    if (log)
      return {[&fk](const Vec& g) { return fk.log_kv(g); },
              [&fk](const Vec& f) { return fk.log_ktu(f); }};
    return {[&fk](const Vec& v) { return fk.kv(v); }, [&fk](const Vec& u) { return fk.ktu(u); }};
  }
  if (log) {  // -C / eps stored once in both orientations, log-sum-exp per row each product
    Mat l(x.size(), y.size());
    for (Index j = 0; j < y.size(); ++j)
      for (Index i = 0; i < x.size(); ++i) l(i, j) = -std::fabs(x(i) - y(j)) / p.eps;
    Mat lt = l.transpose();
    return {[l](const Vec& g) { return log_rows(l, g); },
            [lt](const Vec& f) { return log_rows(lt, f); }};
  }
  const Mat k = dense_kernel(x, y, p.eps);
  const Mat kt = k.transpose();
  return {[k](const Vec& v) -> Vec { return k * v; }, [kt](const Vec& u) -> Vec { return kt * u; }};
}

void check_weights(const char* name, const Vec& w, Index want) {
  const std::string who = std::string("sinkhorn: weights ") + name + ": ";
  if (w.size() != want)
    throw std::invalid_argument(who + std::to_string(w.size()) + " entries for " +
                                std::to_string(want) + " nodes");
  for (Index i = 0; i < w.size(); ++i)
    if (!(w(i) >= 0.0) || !std::isfinite(w(i)))
      throw std::invalid_argument(who + "entry " + std::to_string(i) +
                                  " is negative or not finite");
}

}  // namespace

double shannon_entropy(const Vec& a) {
  double h = 0.0;
  for (Index i = 0; i < a.size(); ++i)
    if (a(i) > 0.0) h -= a(i) * std::log(a(i));
  return h;
}

SinkhornResult sinkhorn(const Vec& x, const Vec& a, const Vec& y, const Vec& b,
                        const SinkhornParams& p) {
  const FinomKernel fk(x, y, p.eps);  // validates meshes and eps; also gives the O(M+N) cost
  check_weights("a", a, x.size());
  check_weights("b", b, y.size());
  const double ma = a.sum(), mb = b.sum();
  if (!(ma > 0.0) || std::fabs(ma - mb) > 1e-12 * std::max(ma, mb)) {
    std::ostringstream os;
    os.precision(17);
    os << "sinkhorn: marginal masses must be > 0 and equal, got " << ma << " and " << mb;
    throw std::invalid_argument(os.str());
  }
  if (!(p.tol >= 0.0)) throw std::invalid_argument("sinkhorn: tol must be >= 0");
  if (p.max_iter < 1) throw std::invalid_argument("sinkhorn: max_iter must be >= 1");

  const Products op = make_products(fk, x, y, p);
  SinkhornResult r;
  if (p.domain == SinkhornDomain::plain) {
    Vec u(x.size()), v = Vec::Ones(y.size());
    Vec kv = op.kv(v);
    do {
      u = a.cwiseQuotient(kv);
      v = b.cwiseQuotient(op.ktu(u));
      kv = op.kv(v);
      r.marginal_error = (u.cwiseProduct(kv) - a).lpNorm<1>();
      ++r.iterations;
    } while (r.marginal_error > p.tol && r.iterations < p.max_iter);
    r.u = u;
    r.v = v;
    r.log_u = log_each(u);
    r.log_v = log_each(v);
    r.cost_finom = fk.cost(u, v);
    r.cost_dense = p.dense_cost ? dense_cost(x, y, p.eps, u, v) : std::nan("");
  } else {
    const Vec log_a = log_each(a), log_b = log_each(b);
    Vec f(x.size()), g = Vec::Zero(y.size());
    Vec lkv = op.kv(g);
    do {
      f = log_a - lkv;
      g = log_b - op.ktu(f);
      lkv = op.kv(g);
      r.marginal_error = (exp_each(f + lkv) - a).lpNorm<1>();
      ++r.iterations;
    } while (r.marginal_error > p.tol && r.iterations < p.max_iter);
    r.log_u = f;
    r.log_v = g;
    r.u = exp_each(f);
    r.v = exp_each(g);
    r.cost_finom = fk.log_cost(f, g);
    r.cost_dense = p.dense_cost ? dense_log_cost(x, y, p.eps, f, g) : std::nan("");
  }
  r.converged = r.marginal_error <= p.tol;
  return r;
}

}  // namespace ascendsim::kernels::finom
