// Reading and reporting the MLA-decode parameters (see mla_params.hpp for the schema).
#include "kernels/mla_decode/mla_params.hpp"

#include <cmath>
#include <filesystem>

namespace ascendsim::kernels {
namespace {

using Kind = isa::TensorInit::Kind;

MlaInput read_input(const config::ConfigNode& node) {
  MlaInput in;
  const std::vector<std::string> kinds{"normal", "uniform", "npy"};
  const std::string kind =
      node.is_scalar() ? node.as_enum(kinds) : node.child("kind").as_enum(kinds);
  if (kind == "npy") {
    if (node.is_scalar()) node.fail("{kind: npy, path: <file.npy>}");
    in.kind = Kind::npy;
    const config::ConfigNode path = node.child("path");
    std::filesystem::path p = path.as_string();
    if (p.is_relative()) p = std::filesystem::path(node.file()).parent_path() / p;
    in.path = p.lexically_normal().string();
    in.where = path.where();
    // Checked here, so a timing-only run (which never reads the data) refuses it too; the
    // shape is checked when the data is read (build), naming this key.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(in.path, ec))
      path.fail("an existing .npy file (relative paths start at the run file's directory)");
    return in;
  }
  const bool normal = kind == "normal";
  in.kind = normal ? Kind::normal : Kind::uniform;
  if (node.is_scalar()) {
    in.a = normal ? 0.0 : -1.0;
    return in;
  }
  if (normal) {
    in.a = node.get_double("mean", 0.0, -1e30, 1e30);
    in.b = node.get_double("std", 1.0, 0.0, 1e30);
    if (!(in.b > 0)) node.child("std").fail("a standard deviation > 0");
  } else {
    in.a = node.get_double("low", -1.0, -1e30, 1e30);
    in.b = node.get_double("high", 1.0, -1e30, 1e30);
    if (!(in.b > in.a)) node.fail("a uniform distribution with low < high (defaults -1, 1)");
  }
  return in;
}

// The vector unit masks a partial block's padding tokens from their first column, which must
// start a 32-byte block of the fp32 score row (HARDWARE.md §4: UB operands are 32-byte
// aligned; per-element repeat masks are not modelled), hence lengths in steps of 8 tokens.
std::uint64_t read_kv_length(const config::ConfigNode& node, std::uint64_t max) {
  const std::uint64_t v = node.as_uint(8, max);
  if (v % 8 != 0)
    node.fail(
        "a KV length that is a multiple of 8 tokens (the score row's padding is masked "
        "from a 32-byte aligned column)");
  return v;
}

Json input_json(const MlaInput& in) {
  switch (in.kind) {
    case Kind::npy:
      return Json{{"kind", "npy"}, {"path", in.path}};
    case Kind::uniform:
      return Json{{"kind", "uniform"}, {"low", in.a}, {"high", in.b}};
    default:
      return Json{{"kind", "normal"}, {"mean", in.a}, {"std", in.b}};
  }
}

}  // namespace

std::string mla_variant_name(MlaVariant v) {
  switch (v) {
    case MlaVariant::amla:
      return "amla";
    case MlaVariant::fa_preload:
      return "fa_preload";
    case MlaVariant::fa_serial:
      return "fa_serial";
  }
  return "?";
}

MlaParams read_mla_params(const config::ConfigNode& kernel, MlaVariant variant) {
  MlaParams p;
  p.variant = variant;
  p.batch = static_cast<std::uint32_t>(kernel.get_uint("batch", 1, 1, 65536));
  p.heads = static_cast<std::uint32_t>(kernel.get_uint("heads", 128, 1, 128));
  p.s_q = static_cast<std::uint32_t>(kernel.get_uint("s_q", 1, 1, 4));
  // Lengths beyond 2^24 tokens (a 19 GB cache per request) are not a decode this models.
  constexpr std::uint64_t kMaxKv = std::uint64_t(1) << 24;
  const config::ConfigNode s_kv = kernel.child("s_kv");
  if (s_kv.is_sequence()) {
    const auto items = s_kv.items();
    if (items.size() != p.batch)
      s_kv.fail(std::to_string(p.batch) + " lengths, one per request (batch: " +
                std::to_string(p.batch) + "); this list has " + std::to_string(items.size()));
    for (const auto& it : items) p.s_kv.push_back(read_kv_length(it, kMaxKv));
  } else {
    p.s_kv.assign(p.batch, read_kv_length(s_kv, kMaxKv));
  }
  const std::vector<std::string> types{"bf16", "fp16"};
  if (const auto d = kernel.optional_child("dtype"))
    p.dtype = *numeric::parse_dtype(d->as_enum(types));
  p.out_dtype = p.dtype;
  if (const auto d = kernel.optional_child("out_dtype"))
    p.out_dtype = *numeric::parse_dtype(d->as_enum(types));
  p.scale = kernel.get_double("scale", 1.0 / std::sqrt(double(kMlaDk)), 1e-30, 1e30);
  if (const auto ps = kernel.optional_child("page_size")) {
    p.page_size = static_cast<std::uint32_t>(ps->as_uint(0, 128));
    if (p.page_size != 0 && p.page_size != 128)
      ps->fail("0 (contiguous KV) or 128 (paged, NZ blocks of 128 tokens)");
  }
  if (const auto rows = kernel.optional_child("rows_per_task")) {
    p.rows_per_task = static_cast<std::uint32_t>(rows->as_uint(32, 256));
    if (p.rows_per_task % 32 != 0)
      rows->fail("a multiple of 32 (two M halves of whole 16-row fractals), at most 256");
  }
  p.seed = kernel.get_uint("seed", 1, 0, UINT64_MAX - 1);
  if (const auto q = kernel.optional_child("q")) p.q = read_input(*q);
  if (const auto kv = kernel.optional_child("kv")) p.kv = read_input(*kv);
  p.kv_prefetch = kernel.get_bool("kv_prefetch", true);
  // Only amla has the rescale these switch; on the FA variants they stay unknown keys.
  if (variant == MlaVariant::amla) {
    p.compensation = kernel.get_bool("compensation", true);
    p.sanitize = kernel.get_bool("sanitize", true);
  }
  if (const auto cores = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(cores->as_uint(1, 65535));
    p.where_cores = cores->where();
  }
  return p;
}

Json mla_params_json(const MlaParams& p) {
  Json s_kv = Json::array();
  bool equal = true;
  for (auto s : p.s_kv) equal &= s == p.s_kv.front();
  Json j{{"variant", mla_variant_name(p.variant)},
         {"batch", p.batch},
         {"heads", p.heads},
         {"s_q", p.s_q},
         {"s_kv", equal ? Json(p.s_kv.front()) : Json(p.s_kv)},
         {"dtype", numeric::dtype_name(p.dtype)},
         {"out_dtype", numeric::dtype_name(p.out_dtype)},
         {"scale", p.scale},
         {"page_size", p.page_size},
         {"rows_per_task", p.rows_per_task},
         {"kv_block", p.kv_block},
         {"kv_prefetch", p.kv_prefetch},
         {"seed", p.seed},
         {"q", input_json(p.q)},
         {"kv", input_json(p.kv)}};
  if (p.variant == MlaVariant::amla) {
    j["compensation"] = p.compensation;
    j["sanitize"] = p.sanitize;
  }
  j["cores"] = p.cores ? Json(p.cores) : Json("all");
  return j;
}

}  // namespace ascendsim::kernels
