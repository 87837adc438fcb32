// Reading and reporting the INT8-KV attention kernels' parameters (schema in attn_params.hpp).
#include "kernels/msd/attn_params.hpp"

#include <cmath>

namespace ascendsim::kernels {

std::string attn_kernel_name(LinearPipeline p) {
  return p == LinearPipeline::dequant ? "dequant_attention" : "msd_attention";
}

AttnParams read_attn_params(const config::ConfigNode& kernel, LinearPipeline pipeline) {
  AttnParams p;
  p.pipeline = pipeline;
  p.batch = static_cast<std::uint32_t>(kernel.get_uint("batch", 1, 1, 4096));
  p.kv_heads = static_cast<std::uint32_t>(kernel.get_uint("kv_heads", 1, 1, 128));
  // One row block per task: L0C holds 128 rows, MSD stacks two pieces per query row.
  const std::uint32_t max_queries = pipeline == LinearPipeline::msd ? 64 : 128;
  if (const auto q = kernel.optional_child("queries")) {
    p.queries = static_cast<std::uint32_t>(q->as_uint(1, max_queries));
    p.where_queries = q->where();
  }
  const config::ConfigNode s_kv = kernel.child("s_kv");
  p.s_kv = s_kv.as_uint(128, std::uint64_t(1) << 20);
  if (p.s_kv % 128 != 0) s_kv.fail("a multiple of 128 keys (one K / V tile and hand-off)");
  // O = P V sums 127 x 127 int8 products over the keys in int32: exact up to 133143 of them.
  if (pipeline == LinearPipeline::msd && p.s_kv > 131072)
    s_kv.fail(
        "at most 131072 keys for msd_attention (its int32 P V sums of 127 x 127 products "
        "stay exact up to 2^31 / 16129 = 133143 keys)");
  if (const auto d = kernel.optional_child("head_dim")) {
    p.head_dim = static_cast<std::uint32_t>(d->as_uint(32, 576));
    if (p.head_dim % 32 != 0) d->fail("a multiple of 32 (whole int8 fractals of the cube's K)");
  }
  p.v_dim = p.head_dim;
  if (const auto d = kernel.optional_child("v_dim")) {
    p.v_dim = static_cast<std::uint32_t>(d->as_uint(128, 512));
    if (p.v_dim % 128 != 0) d->fail("a multiple of 128 (the output column tile)");
  } else if (p.v_dim % 128 != 0) {
    kernel.child("head_dim")
        .fail(
            "a multiple of 128, or a v_dim beside it (V's columns go in "
            "tiles of 128; v_dim defaults to head_dim)");
  }
  p.scale = kernel.get_double("scale", 1.0 / std::sqrt(double(p.head_dim)), 1e-30, 1e30);
  if (const auto d = kernel.optional_child("out_dtype"))
    p.out_dtype = *numeric::parse_dtype(d->as_enum({"fp32", "bf16"}));
  p.seed = kernel.get_uint("seed", 1, 0, UINT64_MAX - 3);
  p.q.init.kind = isa::TensorInit::Kind::normal;
  p.kv.init.kind = isa::TensorInit::Kind::normal;
  if (const auto q = kernel.optional_child("q")) p.q = read_generated_input(*q);
  if (const auto kv = kernel.optional_child("kv")) p.kv = read_generated_input(*kv);
  if (p.kv.init.kind == isa::TensorInit::Kind::npy)
    kernel.child("kv").fail("a generator (K and V are drawn, then quantised per channel)");
  if (const auto cores = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(cores->as_uint(1, 65535));
    p.where_cores = cores->where();
  }
  return p;
}

Json attn_params_json(const AttnParams& p) {
  Json j{{"batch", p.batch},
         {"kv_heads", p.kv_heads},
         {"queries", p.queries},
         {"s_kv", p.s_kv},
         {"head_dim", p.head_dim},
         {"v_dim", p.v_dim},
         {"scale", p.scale},
         {"out_dtype", numeric::dtype_name(p.out_dtype)},
         {"seed", p.seed},
         {"q", generated_input_json(p.q)},
         {"kv", generated_input_json(p.kv)}};
  if (p.cores) j["cores"] = p.cores;
  return j;
}

}  // namespace ascendsim::kernels
