// Exact 1D W1 and the dense O(M N) kernel references (FINOM.md §3); see finom_reference.hpp.
// FINOM's scans are in finom_scan.cpp.
#include "kernels/finom/finom_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ascendsim::kernels::finom {
namespace {

using Index = Eigen::Index;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

std::string num(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

void check_eps(const char* who, double eps) {
  if (!(eps > 0.0) || !std::isfinite(eps))
    throw std::invalid_argument(std::string(who) + ": eps must be finite and > 0, got " + num(eps));
}

void check_size(const char* who, const char* what, Index got, Index want) {
  if (got != want)
    throw std::invalid_argument(std::string(who) + ": " + what + " has " + std::to_string(got) +
                                " entries, expected " + std::to_string(want));
}

void check_measure(const char* name, const Vec& x, const Vec& a) {
  const std::string who = std::string("w1_exact: measure ") + name + ": ";
  if (x.size() == 0) throw std::invalid_argument(who + "no nodes");
  if (a.size() != x.size())
    throw std::invalid_argument(who + std::to_string(x.size()) + " nodes but " +
                                std::to_string(a.size()) + " weights");
  if (!x.allFinite()) throw std::invalid_argument(who + "a node is not finite");
  for (Index i = 0; i < a.size(); ++i)
    if (!(a(i) >= 0.0) || !std::isfinite(a(i)))
      throw std::invalid_argument(who + "weight " + std::to_string(i) +
                                  " must be finite and >= 0, got " + num(a(i)));
}

// log sum_k exp(t_k) with the largest term factored out; -inf for no (finite) term.
template <typename Terms>
double log_sum_exp(const Terms& t) {
  const double m = t.maxCoeff();
  if (m == kNegInf) return kNegInf;
  double sum = 0.0;
  for (Index k = 0; k < t.size(); ++k) sum += std::exp(t(k) - m);
  return m + std::log(sum);
}

// -C / eps, M x N.
Mat neg_cost_over_eps(const Vec& x, const Vec& y, double eps) {
  Mat l(x.size(), y.size());
  for (Index j = 0; j < y.size(); ++j)
    for (Index i = 0; i < x.size(); ++i) l(i, j) = -std::fabs(x(i) - y(j)) / eps;
  return l;
}

}  // namespace

Vec exp_each(const Vec& t) {
  return t.unaryExpr([](double e) { return std::exp(e); });
}

Vec log_each(const Vec& t) {
  return t.unaryExpr([](double e) { return std::log(e); });
}

double w1_exact(const Vec& x, const Vec& a, const Vec& y, const Vec& b) {
  check_measure("a", x, a);
  check_measure("b", y, b);
  const double ma = a.sum(), mb = b.sum();
  if (std::fabs(ma - mb) > 1e-12 * std::max(ma, mb))
    throw std::invalid_argument("w1_exact: total masses differ: " + num(ma) + " vs " + num(mb));
  // Merge the two supports, sorted by position; F_a - F_b is constant between neighbours.
  struct Atom {
    double pos, mass;  // mass > 0 for a, < 0 for b
  };
  std::vector<Atom> atoms;
  atoms.reserve(static_cast<std::size_t>(x.size() + y.size()));
  for (Index i = 0; i < x.size(); ++i) atoms.push_back({x(i), a(i)});
  for (Index j = 0; j < y.size(); ++j) atoms.push_back({y(j), -b(j)});
  std::stable_sort(atoms.begin(), atoms.end(),
                   [](const Atom& p, const Atom& q) { return p.pos < q.pos; });
  double diff = 0.0, w = 0.0;  // diff = F_a - F_b just right of the current atom
  for (std::size_t k = 0; k + 1 < atoms.size(); ++k) {
    diff += atoms[k].mass;
    w += std::fabs(diff) * (atoms[k + 1].pos - atoms[k].pos);
  }
  return w;
}

std::vector<Index> dividing_index(const Vec& x, const Vec& y) {
  std::vector<Index> d(static_cast<std::size_t>(x.size()));
  Index j = 0;
  for (Index i = 0; i < x.size(); ++i) {
    while (j < y.size() && y(j) <= x(i)) ++j;
    d[static_cast<std::size_t>(i)] = j;
  }
  return d;
}

Mat dense_kernel(const Vec& x, const Vec& y, double eps) {
  check_eps("dense_kernel", eps);
  return neg_cost_over_eps(x, y, eps).unaryExpr([](double t) { return std::exp(t); });
}

Vec dense_kv(const Vec& x, const Vec& y, double eps, const Vec& v) {
  check_size("dense_kv", "v", v.size(), y.size());
  return dense_kernel(x, y, eps) * v;
}

Vec dense_ktu(const Vec& x, const Vec& y, double eps, const Vec& u) {
  check_size("dense_ktu", "u", u.size(), x.size());
  return dense_kernel(x, y, eps).transpose() * u;
}

Vec dense_log_kv(const Vec& x, const Vec& y, double eps, const Vec& g) {
  check_eps("dense_log_kv", eps);
  check_size("dense_log_kv", "g", g.size(), y.size());
  const Mat l = neg_cost_over_eps(x, y, eps).rowwise() + g.transpose();
  Vec out(x.size());
  for (Index i = 0; i < x.size(); ++i) out(i) = log_sum_exp(l.row(i));
  return out;
}

Vec dense_log_ktu(const Vec& x, const Vec& y, double eps, const Vec& f) {
  check_eps("dense_log_ktu", eps);
  check_size("dense_log_ktu", "f", f.size(), x.size());
  const Mat l = neg_cost_over_eps(x, y, eps).colwise() + f;
  Vec out(y.size());
  for (Index j = 0; j < y.size(); ++j) out(j) = log_sum_exp(l.col(j));
  return out;
}

double dense_cost(const Vec& x, const Vec& y, double eps, const Vec& u, const Vec& v) {
  check_size("dense_cost", "u", u.size(), x.size());
  check_size("dense_cost", "v", v.size(), y.size());
  const Mat k = dense_kernel(x, y, eps);
  double w = 0.0;
  for (Index j = 0; j < y.size(); ++j)
    for (Index i = 0; i < x.size(); ++i) w += std::fabs(x(i) - y(j)) * u(i) * k(i, j) * v(j);
  return w;
}

double dense_log_cost(const Vec& x, const Vec& y, double eps, const Vec& f, const Vec& g) {
  check_eps("dense_log_cost", eps);
  check_size("dense_log_cost", "f", f.size(), x.size());
  check_size("dense_log_cost", "g", g.size(), y.size());
  double w = 0.0;
  for (Index j = 0; j < y.size(); ++j)
    for (Index i = 0; i < x.size(); ++i) {
      const double c = std::fabs(x(i) - y(j));
      if (c > 0.0) w += c * std::exp(f(i) + g(j) - c / eps);  // c = 0 adds 0 (avoids 0 * inf)
    }
  return w;
}

}  // namespace ascendsim::kernels::finom
