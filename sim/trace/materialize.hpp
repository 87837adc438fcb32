#pragma once
// Produces the bytes of tensors declared by a generator (zeros, uniform, normal), so traces stay
// small text files and still run functionally. Deterministic across platforms that share the
// C++ standard library's std::mt19937_64 (fully specified) and a correctly rounded log/cos.
//
//   u()      = (mt19937_64(seed)() >> 11) * 2^-53                 uniform in [0, 1), 53 bits
//   uniform: x = lo + (hi - lo) * u()                             one draw per element
//   normal:  x = mean + std * sqrt(-2 ln(1 - u())) * cos(2 pi u())  Box-Muller, two draws per
//            element in that order; the sine half is discarded
//
// Elements are produced in C order and rounded into the tensor's dtype with
// numeric::store_element (nearest even; overflow follows the format: inf, or NaN without inf;
// integers saturate). std::normal_distribution is not used: its algorithm is unspecified.
#include "sim/isa/program.hpp"

namespace ascendsim::trace {

// Fills `data` of every tensor that has none: zeros and uninitialized -> zero bytes, uniform /
// normal -> the generator above. Tensors already holding their bytes (data, loaded npy) are
// kept. ConfigError for a data or npy tensor whose bytes are missing or mis-sized.
void materialize_tensors(isa::Program& program);

// The generator alone: the bytes of `tensor` as its init describes (zeros for zeros /
// uninitialized); ConfigError for data and npy inits, which carry their bytes.
std::vector<std::uint8_t> generate_tensor_bytes(const isa::TensorDecl& tensor);

}  // namespace ascendsim::trace
