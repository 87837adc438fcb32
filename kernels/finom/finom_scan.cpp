// FINOM's O(M + N) kernel products and transport cost (FINOM.md §5.1-§5.4, §5.5); the class
// and the stability choices are described in finom_reference.hpp.
//
// Invariants of one Side (outputs at nodes `at`, M of them; inputs at nodes `from`, N):
//  * input j is in the lower block of output r iff j < d(r) (from_j <= at_r), else upper;
//  * the forward scan holds S_r = sum_{j < d(r)} K_rj v_j after row r: S_r = decay(r) S_{r-1}
//    plus the inputs d(r-1) <= j < d(r), each entering with lo_k(j) = K_rj;
//  * the backward scan holds T_r = sum_{j >= d(r)} K_rj v_j: T_r = decay(r+1) T_{r+1} plus
//    the inputs d(r) <= j < d(r+1) (d(M) := N), each entering with hi_k(j) = K_rj;
//  * the cost scans hold D_r = sum_{j < d(r)} C_rj K_rj v_j via C_rj = C_{r-1,j} + delta(r)
//    (lower), mirrored for the upper block: D_r = decay(r) (D_{r-1} + delta(r) S_{r-1}) + new.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "kernels/finom/finom_reference.hpp"

namespace ascendsim::kernels::finom {
namespace {

using Index = Eigen::Index;
using Side = FinomKernel::Side;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// s e^m in scaled form, m the largest log-term at the current node. The largest term is kept
// as an anchor (its value c at node `anchor`), and moving to node `pos` recomputes
// m = c - |pos - anchor| / eps: one rounding per move instead of one per step of a running
// m -= Delta / eps (which loses ~k ulps of |m| after k steps; |m| ~ 1/eps in Sinkhorn).
struct LogAcc {
  double c = kNegInf, anchor = 0.0, m = kNegInf, s = 0.0;
  void move(double pos, double eps) { m = c - std::fabs(pos - anchor) / eps; }
  void add(double t, double pos) {
    if (t == kNegInf) return;
    if (t <= m) {
      s += std::exp(t - m);
    } else {  // t becomes the largest term; from empty, s = 0 e^{-inf} + 1 = 1
      s = s * std::exp(m - t) + 1.0;
      m = c = t;
      anchor = pos;
    }
  }
  double log() const { return s > 0.0 ? m + std::log(s) : kNegInf; }
};

double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  return std::max(a, b) + std::log1p(std::exp(-std::fabs(a - b)));
}

Side build_side(const Vec& at, const Vec& from, double eps) {
  Side s;
  const Index m = at.size(), n = from.size();
  s.d = dividing_index(at, from);
  s.delta = Vec::Zero(m);
  for (Index r = 1; r < m; ++r) s.delta(r) = at(r) - at(r - 1);
  s.log_delta = log_each(s.delta);  // log(0) = -inf at a tie and at r = 0
  s.decay = exp_each(-s.delta / eps);
  s.at = at;
  s.eps = eps;
  s.lo_dist = Vec::Zero(n);  // stays 0 for inputs that never enter (j >= d(M - 1))
  s.hi_dist = Vec::Zero(n);  // stays 0 for inputs that never enter (j < d(0))
  for (Index r = 0, j = 0; r < m; ++r)
    for (; j < s.d[r]; ++j) s.lo_dist(j) = at(r) - from(j);
  for (Index r = m - 1, j = n; r >= 0; --r)
    for (; j > s.d[r]; --j) s.hi_dist(j - 1) = from(j - 1) - at(r);
  s.lo_logk = -s.lo_dist / eps;
  s.hi_logk = -s.hi_dist / eps;
  s.lo_k = exp_each(s.lo_logk);
  s.hi_k = exp_each(s.hi_logk);
  return s;
}

Vec product(const Side& s, const Vec& v) {
  const Index m = s.out_size();
  Vec out(m);
  double acc = 0.0;
  for (Index r = 0, j = 0; r < m; ++r) {  // lower block, forward
    if (r > 0) acc *= s.decay(r);
    for (; j < s.d[r]; ++j) acc += s.lo_k(j) * v(j);
    out(r) = acc;
  }
  acc = 0.0;
  for (Index r = m - 1, j = v.size(); r >= 0; --r) {  // upper block, backward
    if (r < m - 1) acc *= s.decay(r + 1);
    for (; j > s.d[r]; --j) acc += s.hi_k(j - 1) * v(j - 1);
    out(r) += acc;
  }
  return out;
}

Vec log_product(const Side& s, const Vec& g) {
  const Index m = s.out_size();
  Vec out(m);
  LogAcc acc;
  for (Index r = 0, j = 0; r < m; ++r) {
    acc.move(s.at(r), s.eps);
    for (; j < s.d[r]; ++j) acc.add(s.lo_logk(j) + g(j), s.at(r));
    out(r) = acc.log();
  }
  acc = LogAcc{};
  for (Index r = m - 1, j = g.size(); r >= 0; --r) {
    acc.move(s.at(r), s.eps);
    for (; j > s.d[r]; --j) acc.add(s.hi_logk(j - 1) + g(j - 1), s.at(r));
    out(r) = log_add(out(r), acc.log());
  }
  return out;
}

// sum_r u_r sum_j C_rj K_rj v_j by the cancellation-free recurrences (FINOM.md §5.4).
double cost_scan(const Side& s, const Vec& u, const Vec& v) {
  const Index m = s.out_size();
  double w = 0.0, mass = 0.0, moment = 0.0;  // mass = S or T, moment = D or its mirror
  for (Index r = 0, j = 0; r < m; ++r) {
    if (r > 0) {
      moment = s.decay(r) * (moment + s.delta(r) * mass);
      mass *= s.decay(r);
    }
    for (; j < s.d[r]; ++j) {
      const double t = s.lo_k(j) * v(j);
      mass += t;
      moment += s.lo_dist(j) * t;
    }
    w += u(r) * moment;
  }
  mass = moment = 0.0;
  for (Index r = m - 1, j = v.size(); r >= 0; --r) {
    if (r < m - 1) {
      moment = s.decay(r + 1) * (moment + s.delta(r + 1) * mass);
      mass *= s.decay(r + 1);
    }
    for (; j > s.d[r]; --j) {
      const double t = s.hi_k(j - 1) * v(j - 1);
      mass += t;
      moment += s.hi_dist(j - 1) * t;
    }
    w += u(r) * moment;
  }
  return w;
}

// The same in scaled log form, with u = exp(f), v = exp(g).
double log_cost_scan(const Side& s, const Vec& f, const Vec& g) {
  const Index m = s.out_size();
  double w = 0.0;
  for (int dir = 0; dir < 2; ++dir) {  // 0: lower block forward, 1: upper block backward
    LogAcc mass, moment;
    Index j = dir == 0 ? 0 : g.size();
    for (Index k = 0; k < m; ++k) {
      const Index r = dir == 0 ? k : m - 1 - k;
      mass.move(s.at(r), s.eps);  // now e^{-Delta/eps} S_prev
      moment.move(s.at(r), s.eps);
      if (k > 0) moment.add(s.log_delta(dir == 0 ? r : r + 1) + mass.log(), s.at(r));
      const auto enter = [&](Index jj, double logk, double dist) {
        mass.add(logk + g(jj), s.at(r));
        if (dist > 0.0) moment.add(std::log(dist) + logk + g(jj), s.at(r));
      };
      if (dir == 0)
        for (; j < s.d[r]; ++j) enter(j, s.lo_logk(j), s.lo_dist(j));
      else
        for (; j > s.d[r]; --j) enter(j - 1, s.hi_logk(j - 1), s.hi_dist(j - 1));
      w += std::exp(f(r) + moment.log());
    }
  }
  return w;
}

void check_mesh(const char* name, const Vec& x) {
  const std::string who = std::string("FinomKernel: mesh ") + name + ": ";
  if (x.size() == 0) throw std::invalid_argument(who + "no nodes");
  if (!x.allFinite()) throw std::invalid_argument(who + "a node is not finite");
  for (Index i = 1; i < x.size(); ++i)
    if (x(i) < x(i - 1))
      throw std::invalid_argument(who + "not sorted: node " + std::to_string(i) +
                                  " is below node " + std::to_string(i - 1));
}

void check_input(const char* who, const Vec& v, Index want) {
  if (v.size() != want)
    throw std::invalid_argument(std::string("FinomKernel::") + who + ": input has " +
                                std::to_string(v.size()) + " entries, expected " +
                                std::to_string(want));
}

}  // namespace

FinomKernel::FinomKernel(const Vec& x, const Vec& y, double eps) : eps_(eps) {
  check_mesh("x", x);
  check_mesh("y", y);
  if (!(eps > 0.0) || !std::isfinite(eps)) {
    std::ostringstream os;
    os.precision(17);
    os << "FinomKernel: eps must be finite and > 0, got " << eps;
    throw std::invalid_argument(os.str());
  }
  rows_ = build_side(x, y, eps);
  cols_ = build_side(y, x, eps);
}

Vec FinomKernel::kv(const Vec& v) const {
  check_input("kv", v, cols());
  return product(rows_, v);
}

Vec FinomKernel::ktu(const Vec& u) const {
  check_input("ktu", u, rows());
  return product(cols_, u);
}

Vec FinomKernel::log_kv(const Vec& g) const {
  check_input("log_kv", g, cols());
  return log_product(rows_, g);
}

Vec FinomKernel::log_ktu(const Vec& f) const {
  check_input("log_ktu", f, rows());
  return log_product(cols_, f);
}

double FinomKernel::cost(const Vec& u, const Vec& v) const {
  check_input("cost (u)", u, rows());
  check_input("cost (v)", v, cols());
  return cost_scan(rows_, u, v);
}

double FinomKernel::log_cost(const Vec& f, const Vec& g) const {
  check_input("log_cost (f)", f, rows());
  check_input("log_cost (g)", g, cols());
  return log_cost_scan(rows_, f, g);
}

}  // namespace ascendsim::kernels::finom
