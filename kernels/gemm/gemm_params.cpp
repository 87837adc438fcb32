// Reading and reporting the `gemm` parameters (see gemm_params.hpp for the schema).
#include "kernels/gemm/gemm_params.hpp"

#include <vector>

namespace ascendsim::kernels {
namespace {

using numeric::DType;

// Problem sizes beyond 2^31 would not fit a tile view's 32-bit rows and cols (and no GM).
constexpr std::uint64_t kMaxDimension = std::uint64_t(1) << 31;
// A tile larger than this cannot fit any on-chip buffer; the bound keeps products in range.
constexpr std::uint64_t kMaxTileDimension = 1u << 16;

DType read_dtype(const config::ConfigNode& node, const std::vector<std::string>& allowed) {
  return *numeric::parse_dtype(node.as_enum(allowed));
}

// tile.<key>: a positive multiple of `multiple`; `why` says where the multiple comes from.
std::uint32_t read_tile_size(const config::ConfigNode& tile, const std::string& key,
                             std::uint32_t def, std::uint32_t multiple, const std::string& why) {
  const auto node = tile.optional_child(key);
  if (!node) return def;
  const std::uint64_t v = node->as_uint(1, kMaxTileDimension);
  if (v % multiple != 0) node->fail("a multiple of " + std::to_string(multiple) + " (" + why + ")");
  return static_cast<std::uint32_t>(v);
}

void read_distribution(const config::ConfigNode& node, GemmParams& p) {
  using Kind = isa::TensorInit::Kind;
  const bool scalar = node.is_scalar();
  const std::vector<std::string> kinds{"normal", "uniform"};
  const std::string kind = scalar ? node.as_enum(kinds) : node.child("kind").as_enum(kinds);
  if (kind == "normal") {
    p.distribution = Kind::normal;
    p.dist_a = scalar ? 0.0 : node.get_double("mean", 0.0);
    p.dist_b = scalar ? 1.0 : node.get_double("std", 1.0);
    if (!(p.dist_b > 0)) node.fail("a normal distribution with std > 0");
  } else {
    p.distribution = Kind::uniform;
    p.dist_a = scalar ? -1.0 : node.get_double("low", -1.0);
    p.dist_b = scalar ? 1.0 : node.get_double("high", 1.0);
    if (!(p.dist_b > p.dist_a))
      node.fail("a uniform distribution with low < high (defaults -1, 1)");
  }
}

}  // namespace

std::uint32_t elements_per_32_bytes(DType t) {
  return static_cast<std::uint32_t>(256 / numeric::dtype_bits(t));
}

GemmParams read_gemm_params(const config::ConfigNode& kernel) {
  GemmParams p;
  p.m = kernel.child("m").as_uint(1, kMaxDimension);
  p.n = kernel.child("n").as_uint(1, kMaxDimension);
  p.k = kernel.child("k").as_uint(1, kMaxDimension);

  if (const auto dtype = kernel.optional_child("dtype")) {
    p.dtype = read_dtype(*dtype, {"fp16", "bf16", "int8", "fp8_e4m3", "fp8_e5m2"});
    p.where_dtype = dtype->where();
  }
  const bool integer = p.dtype == DType::int8;
  p.out_dtype = integer ? DType::int32 : DType::fp32;
  if (const auto out = kernel.optional_child("out_dtype"))
    p.out_dtype =
        integer ? read_dtype(*out, {"int32"}) : read_dtype(*out, {"fp32", "fp16", "bf16"});

  if (const auto tile = kernel.optional_child("tile")) {
    p.where_tile = tile->where();
    const std::uint32_t per32 = elements_per_32_bytes(p.dtype);
    const std::string dt(numeric::dtype_name(p.dtype));
    // Output tiles are whole 16x16 fractals; with 8-bit inputs a B tile row must also be whole
    // 32-byte GM blocks (HARDWARE.md §4), hence n a multiple of 32 there.
    p.tile.m = read_tile_size(*tile, "m", p.tile.m, 16, "whole 16-row fractals");
    const std::uint32_t n_multiple = per32 > 16 ? per32 : 16;
    p.tile.n = read_tile_size(*tile, "n", p.tile.n, n_multiple,
                              "whole fractals of 16 cols and 32 bytes of " + dt);
    p.tile.k = read_tile_size(*tile, "k", p.tile.k, per32, "whole 32-byte fractal rows of " + dt);
    p.tile.l1_k = read_tile_size(*tile, "l1_k", p.tile.l1_k, p.tile.k,
                                 "whole L0 steps of tile.k = " + std::to_string(p.tile.k));
  }

  p.seed = kernel.get_uint("seed", 1, 0, UINT64_MAX - 1);  // B uses seed + 1
  if (const auto dist = kernel.optional_child("distribution")) read_distribution(*dist, p);
  if (const auto cores = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(cores->as_uint(1, 65535));
    p.where_cores = cores->where();
  }
  return p;
}

Json gemm_params_json(const GemmParams& p) {
  const bool normal = p.distribution == isa::TensorInit::Kind::normal;
  Json dist = normal ? Json{{"kind", "normal"}, {"mean", p.dist_a}, {"std", p.dist_b}}
                     : Json{{"kind", "uniform"}, {"low", p.dist_a}, {"high", p.dist_b}};
  Json j{{"m", p.m},
         {"n", p.n},
         {"k", p.k},
         {"dtype", numeric::dtype_name(p.dtype)},
         {"out_dtype", numeric::dtype_name(p.out_dtype)},
         {"tile", {{"m", p.tile.m}, {"n", p.tile.n}, {"k", p.tile.k}, {"l1_k", p.tile.l1_k}}},
         {"seed", p.seed},
         {"distribution", dist}};
  if (p.cores)
    j["cores"] = p.cores;
  else
    j["cores"] = "all";
  return j;
}

}  // namespace ascendsim::kernels
