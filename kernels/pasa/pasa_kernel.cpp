// PasaKernel: tensors, input data (the generators' rows placed into the padded layouts, the mask
// tiles) and the per-core programs of the prefill attention kernels.
#include "kernels/pasa/pasa_kernel.hpp"

#include <cmath>
#include <cstring>

#include "kernels/pasa/pasa_check.hpp"
#include "kernels/pasa/pasa_model.hpp"
#include "kernels/pasa/pasa_pipeline.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::kernels {
namespace {

// `heads` x `tokens` rows of d fp16 from a generator (seeded) or an npy file, into `dst` whose
// heads are `rows_pad` rows apart (padding rows stay zero).
void place(std::vector<std::uint8_t>& dst, const GeneratedInput& in, std::uint64_t seed,
           std::uint64_t heads, std::uint64_t tokens, std::uint64_t rows_pad, std::uint64_t d,
           const char* what) {
  std::vector<std::uint8_t> bytes;
  if (in.init.kind == isa::TensorInit::Kind::npy) {
    try {
      bytes = trace::tensor_from_npy(trace::read_npy(in.init.path), DType::fp16,
                                     {heads * tokens, d}, in.init.path);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(in.where + ": " + e.what());
    }
  } else {
    isa::TensorDecl decl;
    decl.name = what;
    decl.dtype = DType::fp16;
    decl.shape = {heads * tokens, d};
    decl.init = in.init;
    decl.init.seed = seed;
    bytes = trace::generate_tensor_bytes(decl);
  }
  const std::uint64_t head_bytes = tokens * d * 2;
  for (std::uint64_t h = 0; h < heads; ++h)
    std::memcpy(dst.data() + h * rows_pad * d * 2, bytes.data() + h * head_bytes, head_bytes);
}

// Mask tile t of block (q, j): 0 where row r of the block sees key c, -inf elsewhere.
void fill_masks(std::vector<std::uint8_t>& data, const PasaPlan& plan, DType type) {
  const PasaParams& p = plan.params;
  numeric::NumericEvents ev;
  for (std::uint64_t q = 0; q < plan.q_blocks; ++q)
    for (std::uint64_t j = 0; j < plan.kv_blocks; ++j) {
      const std::int64_t t = plan.mask_index[q * plan.kv_blocks + j];
      if (t < 0) continue;
      for (std::uint64_t r = 0; r < p.block_rows; ++r)
        for (std::uint64_t c = 0; c < p.block_cols; ++c) {
          const std::uint64_t row = q * p.block_rows + r, key = j * p.block_cols + c;
          const bool seen = key < p.s_kv && (!p.causal || key + p.s_q <= row + p.s_kv);
          numeric::store_element(
              type, data.data(), (std::uint64_t(t) * p.block_rows + r) * p.block_cols + c,
              seen ? 0.0 : -INFINITY, numeric::Rounding::nearest_even, numeric::Overflow::inf, &ev);
        }
    }
}

}  // namespace

PasaKernel::PasaKernel(PasaParams params) : params_(std::move(params)) {}

isa::Program PasaKernel::build(const config::HardwareConfig& hw, bool functional) {
  const PasaPlan plan = plan_pasa(params_, hw);
  plan_ = pasa_plan_json(plan);
  hw_ = &hw;
  const PasaParams& p = params_;
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  const std::uint64_t d = p.head_dim, heads = std::uint64_t(p.batch) * p.q_heads,
                      kv = std::uint64_t(p.batch) * p.kv_heads, aics = plan.split.cores.size();
  const DType s_type = pasa_score_dtype(p);
  PasaTensors gm;
  gm.q = builder.gm_tensor("q", DType::fp16, heads * plan.q_rows_pad(), d);
  gm.k = builder.gm_tensor("k", DType::fp16, kv * plan.kv_rows_pad(), d);
  gm.v = builder.gm_tensor("v", DType::fp16, kv * plan.kv_rows_pad(), d);
  gm.out = builder.gm_tensor("out", p.out_dtype, heads * plan.q_rows_pad(), d, 0, /*output=*/true);
  // S, P and PV in ping-pong: in the Preload order block j+1's are written while j's are read.
  gm.ws_s = builder.gm_tensor("ws_s", s_type, aics * 2 * p.block_rows, p.block_cols);
  gm.ws_p = builder.gm_tensor("ws_p", DType::fp16, aics * 2 * p.block_rows, p.block_cols);
  gm.ws_o = builder.gm_tensor("ws_o", s_type, aics * 2 * p.block_rows, d);
  if (p.variant == PasaVariant::pasa) {
    gm.ms = builder.gm_tensor("ms", DType::fp16, p.block_cols, p.block_cols);
    gm.kt = builder.gm_tensor("kt", DType::fp16, kv * plan.kv_rows_pad(), d);
  }
  gm.mask = builder.gm_tensor(
      "mask", s_type, std::max<std::uint64_t>(plan.mask_tiles, 1) * p.block_rows, p.block_cols);
  std::uint32_t slot = 0;
  for (const CoreShare& core : plan.split.cores) {
    emit_pasa_aic(builder.core(core.aic), plan, gm, core, slot);
    for (std::uint32_t h = 0; h < hw.aiv_per_aic; ++h)
      emit_pasa_aiv(builder.aiv(core.aic.die, core.aic.index * hw.aiv_per_aic + h), plan, gm, core,
                    slot, h);
    ++slot;
  }
  isa::Program program = builder.take();
  if (functional) {
    place(program.declared_tensor("q").data, p.q, p.seed, heads, p.s_q, plan.q_rows_pad(), d, "q");
    place(program.declared_tensor("k").data, p.k, p.seed + 1, kv, p.s_kv, plan.kv_rows_pad(), d,
          "k");
    place(program.declared_tensor("v").data, p.v, p.seed + 2, kv, p.s_kv, plan.kv_rows_pad(), d,
          "v");
    fill_masks(program.declared_tensor("mask").data, plan, s_type);
    if (p.variant == PasaVariant::pasa) {
      // M_s = fl16(s (I - beta / n J)) (PASA.md §3.2, built in double and rounded once).
      std::vector<std::uint8_t>& ms = program.declared_tensor("ms").data;
      numeric::NumericEvents ev;
      const std::uint64_t n = p.block_cols;
      for (std::uint64_t r = 0; r < n; ++r)
        for (std::uint64_t c = 0; c < n; ++c)
          numeric::store_element(DType::fp16, ms.data(), r * n + c,
                                 p.scale * ((r == c ? 1.0 : 0.0) - p.beta / double(n)),
                                 numeric::Rounding::nearest_even, numeric::Overflow::inf, &ev);
      program.declared_tensor("ms").init.kind = isa::TensorInit::Kind::data;
    }
    for (const char* name : {"q", "k", "v", "mask"})
      program.declared_tensor(name).init.kind = isa::TensorInit::Kind::data;
  }
  return program;
}

CheckResult PasaKernel::check(const isa::Program& result) const {
  if (!hw_) throw std::logic_error("pasa: check before build");
  return check_pasa(plan_pasa(params_, *hw_), result);
}

ModelPrediction PasaKernel::analytic(const config::HardwareConfig& hw) const {
  return pasa_model(plan_pasa(params_, hw), hw);
}

Json PasaKernel::params() const {
  Json j = pasa_params_json(params_);
  if (!plan_.is_null()) j["plan"] = plan_;
  return j;
}

std::unique_ptr<Kernel> make_fa_mixed_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<PasaKernel>(read_pasa_params(kernel, PasaVariant::fa_mixed));
}
std::unique_ptr<Kernel> make_pasa_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<PasaKernel>(read_pasa_params(kernel, PasaVariant::pasa));
}
std::unique_ptr<Kernel> make_fa_fp16_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<PasaKernel>(read_pasa_params(kernel, PasaVariant::fa_fp16));
}

}  // namespace ascendsim::kernels
