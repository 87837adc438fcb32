// Reading and reporting the prefill attention kernels' parameters (schema in pasa_params.hpp).
#include "kernels/pasa/pasa_params.hpp"

#include <cmath>
#include <stdexcept>

#include "kernels/pasa/pasa_beta.hpp"

namespace ascendsim::kernels {

std::string pasa_variant_name(PasaVariant v) {
  switch (v) {
    case PasaVariant::pasa:
      return "pasa";
    case PasaVariant::fa_mixed:
      return "fa_mixed";
    case PasaVariant::fa_fp16:
      return "fa_fp16";
  }
  return "?";
}

namespace {

numeric::DType precision(const config::ConfigNode& kernel, const char* key, bool allowed,
                         const std::string& why) {
  const auto node = kernel.optional_child(key);
  if (!node) return numeric::DType::fp16;
  if (!allowed)
    throw config::ConfigError(node->where() + ": `" + key + "` " + why + "; remove it here");
  return *numeric::parse_dtype(node->as_enum({"fp16", "fp32"}));
}

}  // namespace

PasaParams read_pasa_params(const config::ConfigNode& kernel, PasaVariant variant) {
  PasaParams p;
  p.variant = variant;
  p.batch = static_cast<std::uint32_t>(kernel.get_uint("batch", 1, 1, 4096));
  p.q_heads = static_cast<std::uint32_t>(kernel.get_uint("q_heads", 28, 1, 256));
  p.kv_heads = static_cast<std::uint32_t>(kernel.get_uint("kv_heads", 4, 1, 256));
  if (p.q_heads % p.kv_heads != 0)
    kernel.child("kv_heads")
        .fail("a divisor of q_heads (" + std::to_string(p.q_heads) +
              "): GQA shares a KV head "
              "among q_heads / kv_heads query heads");
  if (const auto d = kernel.optional_child("head_dim")) {
    p.head_dim = static_cast<std::uint32_t>(d->as_uint(1, 1024));
    if (p.head_dim != 64 && p.head_dim != 128) d->fail("64 or 128");
  }
  p.s_q = kernel.get_uint("s_q", 1407, 1, std::uint64_t(1) << 20);
  p.s_kv = kernel.get_uint("s_kv", p.s_q, 1, std::uint64_t(1) << 20);
  if (const auto c = kernel.optional_child("causal")) {
    p.causal = c->as_bool();
    if (p.causal && p.s_q > p.s_kv)
      throw config::ConfigError(c->where() + ": causal attention with s_q (" +
                                std::to_string(p.s_q) + ") > s_kv (" + std::to_string(p.s_kv) +
                                ") leaves the first s_q - s_kv query rows without a key to see "
                                "(bottom-right aligned mask)");
  }
  for (auto [key, field] : {std::pair{"block_rows", &p.block_rows}, {"block_cols", &p.block_cols}})
    if (const auto b = kernel.optional_child(key)) {
      *field = static_cast<std::uint32_t>(b->as_uint(16, 128));
      if (*field % 16 != 0) b->fail("a multiple of 16 (whole fractals) in [16, 128]");
    }
  if (const auto o = kernel.optional_child("out_dtype"))
    p.out_dtype = *numeric::parse_dtype(o->as_enum({"fp16", "fp32"}));
  p.scale = kernel.get_double("scale", 1.0 / std::sqrt(double(p.head_dim)), 1e-30, 1e30);
  const bool pasa = variant == PasaVariant::pasa;
  if (const auto b = kernel.optional_child("beta")) {
    if (!pasa)
      throw config::ConfigError(b->where() + ": `beta` is pasa's shift factor; remove it here");
    p.beta0 = b->as_double();
    if (!(p.beta0 > 0 && p.beta0 < 1)) b->fail("a shift factor beta in (0, 1)");
  }
  if (pasa) {
    try {
      p.beta = pasa::pasa_beta_fixed_point(p.beta0, p.block_cols);
    } catch (const std::invalid_argument& e) {  // beta near 0 or 1: fl16(M) degenerates
      const auto b = kernel.optional_child("beta");
      throw config::ConfigError((b ? b->where() : kernel.where() + ": kernel.beta") + ": beta " +
                                std::to_string(p.beta0) +
                                " has no fixed point with "
                                "block_cols " +
                                std::to_string(p.block_cols) +
                                " (PASA.md §3.4: the fp16-rounded M degenerates): " + e.what());
    }
  }
  p.stats = precision(kernel, "stats", pasa, "is pasa's precision of the per-row statistics");
  p.o_accum = precision(kernel, "o_accum", variant != PasaVariant::fa_mixed,
                        "is the fp16 variants' O accumulator (fa_mixed keeps O in fp32)");
  if (!pasa && variant == PasaVariant::fa_mixed) p.stats = p.o_accum = numeric::DType::fp32;
  if (const auto pl = kernel.optional_child("pipeline"))
    p.preload = pl->as_enum({"preload", "serial"}) == "preload";
  p.seed = kernel.get_uint("seed", 1, 0, UINT64_MAX - 3);
  for (auto [key, in] : {std::pair{"q", &p.q}, {"k", &p.k}, {"v", &p.v}}) {
    in->init.kind = isa::TensorInit::Kind::normal;
    if (const auto node = kernel.optional_child(key)) *in = read_generated_input(*node);
  }
  if (const auto cores = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(cores->as_uint(1, 65535));
    p.where_cores = cores->where();
  }
  return p;
}

Json pasa_params_json(const PasaParams& p) {
  Json j{{"batch", p.batch},
         {"q_heads", p.q_heads},
         {"kv_heads", p.kv_heads},
         {"head_dim", p.head_dim},
         {"s_q", p.s_q},
         {"s_kv", p.s_kv},
         {"causal", p.causal},
         {"block_rows", p.block_rows},
         {"block_cols", p.block_cols},
         {"out_dtype", numeric::dtype_name(p.out_dtype)},
         {"scale", p.scale},
         {"stats", numeric::dtype_name(p.stats)},
         {"o_accum", numeric::dtype_name(p.o_accum)},
         {"pipeline", p.preload ? "preload" : "serial"},
         {"seed", p.seed},
         {"q", generated_input_json(p.q)},
         {"k", generated_input_json(p.k)},
         {"v", generated_input_json(p.v)}};
  if (p.variant == PasaVariant::pasa) {
    j["beta_given"] = p.beta0;
    j["beta"] = p.beta;
  }
  if (p.cores) j["cores"] = p.cores;
  return j;
}

}  // namespace ascendsim::kernels
