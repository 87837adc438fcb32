#pragma once
// PASA's shift strength beta (PASA.md §3.2, §3.4), host-side plain C++ in fp64.
//
// What this models: the authors' rounding-aware fixed point (`optimal_para.py`). The shift
// matrix M = I - (beta/n) J is stored in fp16, so its two distinct entries are
// M0 = fl16(1 - beta/n) and M1 = fl16(-beta/n) (round to nearest even through sim/numeric), and
// fl16(M) = a I - b J exactly with b = -M1, a = M0 + b. The fixed point picks beta so that the
// recovery factor gamma = beta / (1 - beta) is consistent with that rounded M:
//   f(beta) = b n / (a (a - b n)) + (1 - a) / a,   beta <- f / (1 + f)   (iterated in fp64).
// What it abstracts away: the softmax scale s folded into M on the chip (PASA.md §3.4 caveat:
// for d = 128, s = 2^-3.5 is not a power of two, so the consistency is not exact there), and the
// fp16 rounding of gamma itself (PASA.md §3.6: gamma goes FP32 -> FP16 on the host).
#include <cstdint>

namespace ascendsim::kernels::pasa {

// The fixed point reached from beta0 for an n-column shift matrix: iterates until
// |beta_{k+1} - beta_k| / beta_{k+1} <= tol and returns beta_{k+1}. Throws std::invalid_argument
// for beta0 outside (0, 1), n = 0, tol < 0 or max_iter < 1, an iterate that leaves (0, 1) or
// is not finite, or no convergence within max_iter steps (each message says which).
double pasa_beta_fixed_point(double beta0, std::uint32_t n, double tol = 1e-8, int max_iter = 1000);

// gamma = beta / (1 - beta) (`Inv_Pam` in PASA's script, PASA.md §3.2): the factor that recovers
// the removed shift from the shifted row mean, beta mu = gamma rowmean(S~). Throws
// std::invalid_argument for beta outside (0, 1).
double pasa_gamma(double beta);

}  // namespace ascendsim::kernels::pasa
