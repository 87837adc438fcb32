#pragma once
// MSD's activation decompositions (MSD.md §4, §5, §12), plain C++ in double precision: a vector
// x is split into K low-precision pieces, x ~ sum_k s_k q^(k), so each piece multiplies a
// low-precision weight natively. What this models: the scale rules, the element grids and their
// rounding (through sim/numeric, RNE, saturating), the reconstruction. What it abstracts away:
// the Vector instructions that do it and their timing (kernels/msd computes the same values on
// the simulated chip), and the fp32 rounding of the scale arithmetic (scales here are doubles).
//
// Two families:
//  * integer K-pass (MSD.md §4, Algorithm 2, eqs 7-11): one scale per vector.
//      alpha = M / first_divisor, q1 = round(x / alpha), r1 = x - alpha q1;
//      s_{k+1} = s_k / step_divisor, q_{k+1} = round(r_k / s_{k+1}), r_{k+1} = r_k - s_{k+1} q_{k+1}.
//    INT8: 127 / 254 (or 127.49 / 254.98); INT4: 7 / 14 (or 7.49 / 14.98).
//    Invariant (Theorem 5.1 generalised): |r_k| <= s_k / 2 and r_k / s_{k+1} stays inside the
//    integer range, so no pass after the first saturates; error <= s_K / 2.
//  * MX block split (MSD.md §5, Algorithm 1; §12): one power-of-two (E8M0) scale per 32-element
//    block and pass; pass 1 scale by `MxScaleRule`, later passes scale / step_ratio.
//
// Zero blocks (M = 0) get scale 1 and zero codes. MX scales are clamped to E8M0's exponent range
// [-127, 127] for pass 1 only; later passes' scales are not clamped (blocks below 2^-120).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/numeric/dtype.hpp"

namespace ascendsim::kernels::msd {

// One decomposition's outcome: every piece, its scales and the reconstruction.
struct SplitResult {
  numeric::DType element = numeric::DType::int8;  // the pieces' element type
  std::size_t block = 0;                          // elements sharing one scale
  std::vector<std::vector<double>> scales;        // [pass][block index]
  std::vector<std::vector<std::uint8_t>> codes;   // [pass][element], bits encoded as `element`
  std::vector<std::uint64_t> saturated;           // [pass] elements clamped to the grid's max
  std::vector<double> x_hat;                      // sum over passes of scale * decoded code
  std::size_t passes() const { return codes.size(); }
  double value(std::size_t pass, std::size_t i) const;  // decoded code (no scale)
};

// ---- integer K-pass (MSD.md §4) ---------------------------------------------------------------
struct IntSplitParams {
  numeric::DType element = numeric::DType::int8;  // int8 or int4
  int passes = 2;                                 // K >= 1
  double first_divisor = 127.0;                   // alpha = M / first_divisor (eq 7)
  double step_divisor = 254.0;                    // s_{k+1} = s_k / step_divisor (eq 9)
};
inline constexpr IntSplitParams kInt8Split{numeric::DType::int8, 2, 127.0, 254.0};
inline constexpr IntSplitParams kInt8Fractional{numeric::DType::int8, 2, 127.49, 254.98};
// MSD.md §4, Table 4: INT4 x 3 for ~11 bits.
inline constexpr IntSplitParams kInt4Split{numeric::DType::int4, 3, 7.0, 14.0};
inline constexpr IntSplitParams kInt4Fractional{numeric::DType::int4, 3, 7.49, 14.98};

SplitResult int_split(const std::vector<double>& x, const IntSplitParams& p = kInt8Split);
// Theorem 5.1 generalised: max error <= M / (2 first_divisor step_divisor^(K-1)).
double int_split_bound(double max_abs, const IntSplitParams& p);

// ---- MX block split (MSD.md §5, §12) ----------------------------------------------------------
enum class MxScaleRule : std::uint8_t {
  // smallest 2^k with M_b <= threshold 2^k: alpha = 2^ceil(log2(M_b / threshold)). With the
  // element max as threshold this is the paper's no-clip MXFP8 baseline (MSD.md §13.3).
  ceil_threshold,
  // OCP MX v1.0 (MSD.md §12): 2^(floor(log2 M_b) - emax_elem); values above max saturate.
  ocp_floor,
};

struct MxSplitParams {
  numeric::DType element = numeric::DType::fp4_e1m2;
  int passes = 2;
  MxScaleRule rule = MxScaleRule::ceil_threshold;
  double threshold = 1.859375;  // ceil_threshold only; 1.75 * 17 / 16 (MSD.md §5)
  double step_ratio = 16.0;     // beta = alpha / step_ratio (power of two: an E8M0 shift)
  std::size_t block = 32;       // MX block size k
};
// MSD.md §5 final design (Table 1 v3): E1M2, threshold 1.859375, beta = alpha / 16.
inline constexpr MxSplitParams kMxfp4E1m2Split{};
// Same idea on OCP E2M1 {0, .5, 1, 1.5, 2, 3, 4, 6}; derivation in msd_split.cpp.
inline constexpr MxSplitParams kMxfp4E2m1Split{numeric::DType::fp4_e2m1, 2,
                                               MxScaleRule::ceil_threshold, 7.0, 4.0, 32};
// Single-pass MXFP8 (E4M3) baselines: the paper's no-clip scale and the OCP rule.
inline constexpr MxSplitParams kMxfp8NoClip{numeric::DType::fp8_e4m3, 1,
                                            MxScaleRule::ceil_threshold, 448.0, 1.0, 32};
inline constexpr MxSplitParams kMxfp8Ocp{numeric::DType::fp8_e4m3, 1, MxScaleRule::ocp_floor,
                                         448.0, 1.0, 32};

SplitResult mx_split(const std::vector<double>& x, const MxSplitParams& p = kMxfp4E1m2Split);

// ---- metrics ----------------------------------------------------------------------------------
// -log2(||x - x_hat||_2 / ||x||_2) (MSD.md §5, §6.5); +inf when exact.
double effective_bits(const std::vector<double>& x, const std::vector<double>& x_hat);
double max_abs_error(const std::vector<double>& x, const std::vector<double>& x_hat);
// max |x - x_hat| / bound.
double bound_ratio(const std::vector<double>& x, const std::vector<double>& x_hat, double bound);
double max_abs(const std::vector<double>& x);

}  // namespace ascendsim::kernels::msd
