#pragma once
// NumPy .npy files (format versions 1.0, 2.0 and 3.0; little-endian; C order only), and the
// convention that maps tensor dtypes onto them so a trace's tensors open in NumPy:
//
//   fp32 <f4   fp16 <f2   int8 |i1   uint8 |u1   int16 <i2   int32 <i4   (values)
//   bf16 <u2   raw bf16 bit patterns (NumPy has no bfloat16; `.view(ml_dtypes.bfloat16)`)
//   fp8_e4m3, fp8_e5m2, e8m0   |u1 raw 8-bit codes, same shape as the tensor
//   int4, fp4_e2m1, fp4_e1m2   |u1 flat 1-D array of the packed bytes (two elements per byte,
//                              low nibble first, ceil(elements / 2) bytes)
//
// Reading also takes <f8 (float64) for any tensor dtype, and <f4 (float32) for the narrower
// float dtypes (fp16, bf16, fp8, fp4): each value is rounded into the dtype with
// numeric::store_element (nearest even, overflow to inf as NumPy's astype does).
// Problems are config::ConfigError naming the file.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/numeric/dtype.hpp"

namespace ascendsim::trace {

struct NpyArray {
  std::string descr;                 // NumPy dtype string as in the header: "<f4", "|u1", ...
  std::vector<std::uint64_t> shape;  // C order; empty = a 0-d array of one element
  std::vector<std::uint8_t> data;    // elements, little-endian, C order

  std::uint64_t elements() const;
};

// Bytes of one element for a descr this module handles (0 if unsupported).
std::uint32_t npy_item_size(const std::string& descr);

// `source` names the bytes in messages ("a.npy: ...").
NpyArray parse_npy(const std::vector<std::uint8_t>& bytes, const std::string& source);
NpyArray read_npy(const std::string& path);
std::vector<std::uint8_t> serialize_npy(const NpyArray& array);  // version 1.0 unless too big
void write_npy(const std::string& path, const NpyArray& array);

// The descr and shape a tensor of `t` and `shape` is stored with (table above).
std::string npy_descr(numeric::DType t);
std::vector<std::uint64_t> npy_shape(numeric::DType t, const std::vector<std::uint64_t>& shape);

// A tensor's bytes as an array under the convention; `data` must hold dtype_bytes of the shape.
NpyArray tensor_to_npy(numeric::DType t, const std::vector<std::uint64_t>& shape,
                       const std::vector<std::uint8_t>& data);
// The tensor bytes an array holds, checked against the tensor's dtype and shape; <f8 arrays are
// rounded into `t`. ConfigError "<source>: ..." on a dtype or shape mismatch.
std::vector<std::uint8_t> tensor_from_npy(const NpyArray& array, numeric::DType t,
                                          const std::vector<std::uint64_t>& shape,
                                          const std::string& source);

}  // namespace ascendsim::trace
