// Reading and reporting the quantized linear kernels' parameters (schema in linear_params.hpp).
#include "kernels/msd/linear_params.hpp"

#include "sim/trace/materialize.hpp"
#include "sim/trace/trace_syntax.hpp"

namespace ascendsim::kernels {
namespace {

using Kind = isa::TensorInit::Kind;
namespace syntax = trace::syntax;

}  // namespace

std::string linear_kernel_name(LinearPipeline p) {
  return p == LinearPipeline::dequant ? "dequant_gemm" : "msd_gemm";
}

LinearParams read_linear_params(const config::ConfigNode& kernel, LinearPipeline pipeline) {
  LinearParams p;
  p.pipeline = pipeline;
  p.tokens = static_cast<std::uint32_t>(kernel.get_uint("tokens", 8, 1, 65536));
  // A tile of W is 128 output rows; n steps of 256 are dequant's conversion chunk, and MSD's
  // 512- / 1024-wide loads end on a 256 boundary (see linear_plan.hpp).
  const config::ConfigNode n = kernel.child("n"), m = kernel.child("m");
  p.n = n.as_uint(256, std::uint64_t(1) << 20);
  if (p.n % 256 != 0) n.fail("a multiple of 256 (the K chunk of one hand-off)");
  p.m = m.as_uint(128, std::uint64_t(1) << 20);
  if (p.m % 128 != 0) m.fail("a multiple of 128 (the output tile, rows of W per AIC step)");
  if (const auto w = kernel.optional_child("weight")) {
    const std::string name = w->as_enum({"int8", "int4", "mxfp4", "mxfp4_e1m2"});
    p.weight = name == "mxfp4"        ? numeric::DType::fp4_e2m1
               : name == "mxfp4_e1m2" ? numeric::DType::fp4_e1m2
                                      : *numeric::parse_dtype(name);
    p.where_weight = w->where();
  }
  const auto piece = kernel.optional_child("piece"), rule = kernel.optional_child("act_scale");
  // Both belong to one pipeline with MX weights; elsewhere they name what they are for.
  if (piece && !(p.mx() && pipeline == LinearPipeline::msd))
    throw config::ConfigError(piece->where() +
                              ": `piece` is the fp4 grid of msd_gemm's passes with MX weights "
                              "(weight: mxfp4 or mxfp4_e1m2); remove it here");
  if (rule && !(p.mx() && pipeline == LinearPipeline::dequant))
    throw config::ConfigError(rule->where() +
                              ": `act_scale` is dequant_gemm's MXFP8 scale rule with MX weights "
                              "(weight: mxfp4 or mxfp4_e1m2); remove it here");
  if (const auto pf = kernel.optional_child("w_prefetch")) {
    if (!(p.mx() && pipeline == LinearPipeline::msd))
      throw config::ConfigError(pf->where() +
                                ": `w_prefetch` is msd_gemm's AIV prefetch of W with MX weights "
                                "(weight: mxfp4 or mxfp4_e1m2); remove it here");
    p.w_prefetch = pf->as_bool();
  }
  if (p.mx()) {
    p.group = 32;  // the MX block
    if (const auto g = kernel.optional_child("group"))
      if (g->as_uint(0, 256) != 32) g->fail("32 (an MX weight's block) or no group at all");
    if (pipeline == LinearPipeline::msd)
      p.mx_act = !piece || piece->as_enum({"e1m2", "e2m1"}) == "e1m2" ? numeric::DType::fp4_e1m2
                                                                      : numeric::DType::fp4_e2m1;
    if (rule && rule->as_enum({"no_clip", "ocp"}) == "ocp") p.mx_rule = msd::MxScaleRule::ocp_floor;
  } else if (const auto g = kernel.optional_child("group")) {
    p.group = static_cast<std::uint32_t>(g->as_uint(0, 256));
    p.where_group = g->where();
    if (p.group != 0 && p.group != 32 && p.group != 64 && p.group != 128 && p.group != 256)
      g->fail("0 (per output channel), 32, 64, 128 or 256");
    // The cube's K step for int4 is k0 = 64 (16 x 64 x 16 fractals): a group of 32 would split
    // a fractal between two scales.
    if (pipeline == LinearPipeline::msd && p.weight == numeric::DType::int4 && p.group == 32)
      g->fail(
          "a group of 64 or more for msd_gemm with int4 weights (an int4 mmad's K step is "
          "64 elements; one group's partial needs whole steps)");
  }
  p.passes = p.weight == numeric::DType::int4 ? 3 : 2;
  if (pipeline == LinearPipeline::msd)
    p.passes = static_cast<std::uint32_t>(kernel.get_uint("passes", p.passes, 1, p.mx() ? 3 : 4));
  if (pipeline == LinearPipeline::dequant && p.mx()) p.passes = 1;  // one MXFP8 pass
  // MSD's int8 partial sums of 127 x 127 products are exact int32 up to n = 133143 (MSD.md §4).
  if (pipeline == LinearPipeline::msd && p.weight == numeric::DType::int8 && p.n > 131072)
    n.fail(
        "at most 131072 for msd_gemm with int8 weights (int32 partial sums of 127 x 127 "
        "products stay exact up to 2^31 / 16129 = 133143 terms)");
  if (const auto d = kernel.optional_child("out_dtype"))
    p.out_dtype = *numeric::parse_dtype(d->as_enum({"fp32", "bf16"}));
  p.seed = kernel.get_uint("seed", 1, 0, UINT64_MAX - 3);
  p.x.init.kind = Kind::normal;
  if (const auto x = kernel.optional_child("x")) p.x = read_generated_input(*x);
  if (const auto s = kernel.optional_child("scale")) {
    p.scale_low = s->get_double("low", 0.01, 1e-30, 1e30);
    p.scale_high = s->get_double("high", 1.0, 1e-30, 1e30);
    if (!(p.scale_high > p.scale_low))
      throw config::ConfigError(
          s->where() + ": expected scales with 0 < low < high (defaults 0.01, 1), got low " +
          syntax::format_double(p.scale_low) + ", high " + syntax::format_double(p.scale_high));
  }
  if (const auto cores = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(cores->as_uint(1, 65535));
    p.where_cores = cores->where();
  }
  return p;
}

msd::MxSplitParams LinearParams::mx_split() const {
  msd::MxSplitParams s = mx_act == numeric::DType::fp4_e1m2       ? msd::kMxfp4E1m2Split
                         : mx_act == numeric::DType::fp4_e2m1     ? msd::kMxfp4E2m1Split
                         : mx_rule == msd::MxScaleRule::ocp_floor ? msd::kMxfp8Ocp
                                                                  : msd::kMxfp8NoClip;
  s.passes = int(passes);
  return s;
}

Json linear_params_json(const LinearParams& p) {
  Json j{{"tokens", p.tokens},
         {"n", p.n},
         {"m", p.m},
         {"weight", p.mx() ? (p.weight == numeric::DType::fp4_e2m1 ? "mxfp4" : "mxfp4_e1m2")
                           : numeric::dtype_name(p.weight)},
         {"group", p.group},
         {"out_dtype", numeric::dtype_name(p.out_dtype)},
         {"seed", p.seed},
         {"x", generated_input_json(p.x)},
         {"scale", {{"low", p.scale_low}, {"high", p.scale_high}}}};
  if (p.pipeline == LinearPipeline::msd) j["passes"] = p.passes;
  if (p.mx() && p.pipeline == LinearPipeline::msd) {
    j["piece"] = p.mx_act == numeric::DType::fp4_e1m2 ? "e1m2" : "e2m1";
    j["w_prefetch"] = p.w_prefetch;
  }
  if (p.mx() && p.pipeline == LinearPipeline::dequant)
    j["act_scale"] = p.mx_rule == msd::MxScaleRule::ocp_floor ? "ocp" : "no_clip";
  if (p.cores) j["cores"] = p.cores;
  return j;
}

}  // namespace ascendsim::kernels
