// PASA beta fixed point (PASA.md §3.4); see pasa_beta.hpp for what is modelled.
//
// Meaning of f (PASA.md §3.4, [derived]): with fl16(M) = a I - b J, one shifted row is
// S~ = a S - b n mu 1^T with mu = rowmean(S), so rowmean(S~) = (a - b n) mu and, exactly,
//   S = S~ + ((1 - a) / a) S~ + [b n / (a (a - b n))] rowmean(S~).
// The script's f replaces S~ by rowmean(S~) in the middle term, S ~ S~ + f rowmean(S~): exact
// when a = 1 (beta0 = 0.9375, n = 128), otherwise off by ((1 - a)/a)(S~ - rowmean(S~)), with
// (1 - a)/a = 2^-12 / (1 - 2^-12) for n = 128 from 0.96875 (M0 is an RNE tie there). The fixed
// point sets gamma(beta) = beta / (1 - beta) = f, i.e. beta = f / (1 + f).
#include "kernels/pasa/pasa_beta.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels::pasa {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("pasa_beta_fixed_point: " + what);
}

std::string num(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

// One step of the iteration: f(beta) / (1 + f(beta)) with M rounded to fp16 (RNE, inf on
// overflow, which cannot happen for |entries| <= 1).
double step(double beta, std::uint32_t n) {
  const double nd = static_cast<double>(n);
  const double m0 = numeric::quantize(numeric::DType::fp16, 1.0 - beta / nd);
  const double m1 = numeric::quantize(numeric::DType::fp16, -beta / nd);
  const double b = -m1;
  const double a = m0 + b;
  const double f = b * nd / (a * (a - b * nd)) + (1.0 - a) / a;
  return f / (1.0 + f);
}

}  // namespace

double pasa_beta_fixed_point(double beta0, std::uint32_t n, double tol, int max_iter) {
  if (!(beta0 > 0.0 && beta0 < 1.0)) fail("beta0 must be in (0, 1), got " + num(beta0));
  if (n == 0) fail("n (columns of the shift matrix) must be > 0, got 0");
  if (!(tol >= 0.0)) fail("tol must be >= 0, got " + num(tol));
  if (max_iter < 1) fail("max_iter must be >= 1, got " + std::to_string(max_iter));
  double beta = beta0;
  double rel = 0.0;
  for (int it = 0; it < max_iter; ++it) {
    const double next = step(beta, n);
    if (!std::isfinite(next) || !(next > 0.0 && next < 1.0))
      fail("iterate left (0, 1) at step " + std::to_string(it + 1) + ": beta " + num(beta) +
           " -> " + num(next) + " (n " + std::to_string(n) + ")");
    rel = std::fabs(next - beta) / next;
    if (rel <= tol) return next;
    beta = next;
  }
  fail("no convergence from beta0 " + num(beta0) + " (n " + std::to_string(n) + ") within " +
       std::to_string(max_iter) + " iterations: last beta " + num(beta) + ", relative step " +
       num(rel) + " > tol " + num(tol));
}

double pasa_gamma(double beta) {
  if (!(beta > 0.0 && beta < 1.0))
    throw std::invalid_argument("pasa_gamma: beta must be in (0, 1), got " + num(beta));
  return beta / (1.0 - beta);
}

}  // namespace ascendsim::kernels::pasa
