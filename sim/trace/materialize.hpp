#pragma once
// Produces the bytes of tensors declared by a generator, so traces stay small text files and
// still run functionally. Deterministic across platforms that share the C++ standard library's
// std::mt19937_64 (fully specified) and a correctly rounded log/cos/tan/sqrt.
//
//   u()      = (mt19937_64(seed)() >> 11) * 2^-53                 uniform in [0, 1), 53 bits
//   o()      = ((mt19937_64(seed)() >> 12) + 0.5) * 2^-52         uniform in (0, 1), one draw,
//              symmetric: o and 1 - o are equally likely
//   z()      = sqrt(-2 ln(1 - u1)) * cos(2 pi u2), u1 = u(), u2 = u()   Box-Muller, two draws
//              in that order; the sine half is discarded
//   uniform:   x = lo + (hi - lo) * u()                           one draw per element
//   normal:    x = mean + std * sqrt(-2 ln(1 - u1)) * cos(2 pi u2)   z() unfolded, left to right
//   laplace:   p = o(); x = loc + scale * ln(2p) if p < 1/2, else loc - scale * ln(2(1 - p))
//   cauchy:    x = loc + scale * tan(pi * (o() - 1/2))            one draw
//   student_t: x = z0 / sqrt((z1^2 + ... + zdof^2) / dof)        z() dof + 1 times, z0 first
//   outliers:  x = std * z() * (u() < rate ? scale : 1)           three draws
//   hybrid:    x = mean + z1 + (w < rate ? amplitude * z2 : 0),   z1 = z(), w = u(), z2 = z() in
//              that order: five draws per element whether or not the outlier is taken
//   resonance: x = mean + amplitude * cos(2 pi * c / C + phase * pi / 180) + z()   one z() per
//              element, left to right; c is the element's index along the tensor's last
//              dimension and C that dimension's size (shape.back()), so every row shares one
//              profile and the shape matters, not only the element count (PASA.md §2: q and k
//              in phase or anti-phase)
//
// Elements are produced in C order and rounded into the tensor's dtype with
// numeric::store_element (nearest even; overflow follows the format: inf, or NaN without inf;
// integers saturate). std:: distributions are not used: their algorithms are unspecified.
#include <random>
#include <string>

#include "sim/isa/program.hpp"

namespace ascendsim::trace {

// u() above: one draw, uniform in [0, 1) on 53 bits. Host references that need the generators'
// draws (FINOM's random mesh) call it rather than restating the formula.
double unit_draw(std::mt19937_64& gen);

// student_t draws 2 (dof + 1) numbers per element; this bounds the cost.
inline constexpr double kMaxStudentDof = 100;

// Why the generator parameters of `init` are unusable ("laplace scale must be > 0, got 0"), or
// "" when they are fine or `init` is not a generator.
std::string generator_param_error(const isa::TensorInit& init);

// Fills `data` of every tensor that has none: zeros and uninitialized -> zero bytes, generators
// -> the formulas above. Tensors already holding their bytes (data, loaded npy) are kept.
// ConfigError for a data or npy tensor whose bytes are missing or mis-sized.
void materialize_tensors(isa::Program& program);

// The generator alone: the bytes of `tensor` as its init describes (zeros for zeros /
// uninitialized); ConfigError for data and npy inits, which carry their bytes, and for bad
// generator parameters.
std::vector<std::uint8_t> generate_tensor_bytes(const isa::TensorDecl& tensor);

}  // namespace ascendsim::trace
