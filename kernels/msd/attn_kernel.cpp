// AttnKernel: per-die tensors, the quantised K / V and their scales, the per-core programs.
#include "kernels/msd/attn_kernel.hpp"

#include <cmath>
#include <cstring>

#include "kernels/msd/attn_check.hpp"
#include "kernels/msd/attn_pipeline.hpp"
#include "kernels/msd/attn_plan.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::kernels {
namespace {

using Kind = isa::TensorInit::Kind;

std::vector<std::uint8_t> draw(const isa::TensorInit& init, std::uint64_t seed, DType t,
                               std::uint64_t rows, std::uint64_t cols, const char* name) {
  isa::TensorDecl d;
  d.name = name;
  d.dtype = t;
  d.shape = {rows, cols};
  d.init = init;
  d.init.seed = seed;
  return trace::generate_tensor_bytes(d);
}

// One task's M x cols values (fp32 draws) quantised per column into int8 rows of `q` starting
// at row0, and its scales into the 16-row block of `s` at block row0_s.
void quantise(const std::vector<std::uint8_t>& values, std::uint64_t first_row, std::uint64_t m,
              std::uint32_t cols, isa::TensorDecl& q, std::uint64_t row0, isa::TensorDecl& s,
              std::uint64_t row0_s) {
  for (std::uint32_t c = 0; c < cols; ++c) {
    double mx = 0;
    for (std::uint64_t r = 0; r < m; ++r)
      mx = std::max(mx, std::fabs(numeric::load_element(DType::fp32, values.data(),
                                                        (first_row + r) * cols + c)));
    // fp32 scale; an all-zero column keeps scale 1 and zero codes.
    const double scale =
        mx > 0 ? numeric::decode_bits(DType::fp32, numeric::encode_bits(DType::fp32, mx / 127.0))
               : 1.0;
    for (std::uint32_t r = 0; r < 16; ++r)
      numeric::store_element(DType::fp32, s.data.data(), (row0_s + r) * cols + c, scale);
    for (std::uint64_t r = 0; r < m; ++r) {
      const double x =
          numeric::load_element(DType::fp32, values.data(), (first_row + r) * cols + c);
      numeric::store_element(DType::int8, q.data.data(), (row0 + r) * cols + c, x / scale,
                             numeric::Rounding::nearest_even, numeric::Overflow::saturate);
    }
  }
}

void place_inputs(isa::Program& program, const AttnPlan& plan) {
  const AttnParams& p = plan.params;
  const std::uint64_t tasks = p.tasks(), n = p.queries, d = p.head_dim, dv = p.v_dim;
  std::vector<std::uint8_t> q;
  if (p.q.init.kind == Kind::npy) {
    try {
      q = trace::tensor_from_npy(trace::read_npy(p.q.init.path), DType::bf16, {tasks * n, d},
                                 p.q.init.path);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(p.q.where + ": " + e.what());
    }
  } else {
    q = draw(p.q.init, p.seed, DType::bf16, tasks * n, d, "q");
  }
  const auto k = draw(p.kv.init, p.seed + 1, DType::fp32, tasks * p.s_kv, d, "k");
  const auto v = draw(p.kv.init, p.seed + 2, DType::fp32, tasks * p.s_kv, dv, "v");
  for (std::uint32_t die = 0; die < plan.dies; ++die) {
    auto& qt = program.declared_tensor(plan.tensor_name("q", die));
    auto& kt = program.declared_tensor(plan.tensor_name("k", die));
    auto& vt = program.declared_tensor(plan.tensor_name("v", die));
    auto& skt = program.declared_tensor(plan.tensor_name("s_k", die));
    auto& svt = program.declared_tensor(plan.tensor_name("s_v", die));
    for (std::uint64_t t = 0; t < plan.die_tasks[die]; ++t) {
      const std::uint64_t g = plan.die_task0[die] + t;  // the task's global index
      const std::uint64_t row_bytes = numeric::dtype_bytes(DType::bf16, d);
      std::memcpy(qt.data.data() + t * plan.n_pad * row_bytes, q.data() + g * n * row_bytes,
                  n * row_bytes);
      quantise(k, g * p.s_kv, p.s_kv, p.head_dim, kt, t * p.s_kv, skt, t * 16);
      quantise(v, g * p.s_kv, p.s_kv, p.v_dim, vt, t * p.s_kv, svt, t * 16);
    }
    for (auto* t : {&qt, &kt, &vt, &skt, &svt}) t->init.kind = Kind::data;
  }
}

}  // namespace

AttnKernel::AttnKernel(AttnParams params) : params_(std::move(params)) {}

isa::Program AttnKernel::build(const config::HardwareConfig& hw, bool functional) {
  const AttnPlan plan = plan_attn(params_, hw);
  plan_ = attn_plan_json(plan);
  hw_ = &hw;
  const AttnParams& p = params_;
  const bool msd = p.pipeline == LinearPipeline::msd;
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  std::vector<AttnDieTensors> dies(plan.dies);
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    const std::uint64_t tasks = std::max<std::uint64_t>(plan.die_tasks[d], 1);
    const std::uint64_t slots = std::uint64_t(plan.die_cores[d]) * 2;
    auto name = [&](const char* base) { return plan.tensor_name(base, d); };
    AttnDieTensors& t = dies[d];
    t.q = builder.gm_tensor(name("q"), DType::bf16, tasks * plan.n_pad, p.head_dim, d);
    t.k = builder.gm_tensor(name("k"), DType::int8, tasks * p.s_kv, p.head_dim, d);
    t.v = builder.gm_tensor(name("v"), DType::int8, tasks * p.s_kv, p.v_dim, d);
    t.s_k = builder.gm_tensor(name("s_k"), DType::fp32, tasks * 16, p.head_dim, d);
    t.s_v = builder.gm_tensor(name("s_v"), DType::fp32, tasks * 16, p.v_dim, d);
    t.out = builder.gm_tensor(name("out"), p.out_dtype, tasks * plan.n_pad, p.v_dim, d,
                              /*output=*/true);
    const DType piece = msd ? DType::int8 : DType::bf16;
    if (msd) {
      t.ws_q = builder.gm_tensor(name("ws_q"), DType::int8, tasks * plan.rows, p.head_dim, d);
      t.ws_alpha = builder.gm_tensor(name("ws_alpha"), DType::fp32, tasks * plan.n_pad, 8, d);
    } else {
      const std::uint64_t kv_slots = std::uint64_t(plan.die_cores[d]) * kAttnKvSlots;
      t.ws_k = builder.gm_tensor(name("ws_k"), DType::bf16, kv_slots * p.s_kv, p.head_dim, d);
      t.ws_v = builder.gm_tensor(name("ws_v"), DType::bf16, kv_slots * p.s_kv, p.v_dim, d);
    }
    t.ws_s = builder.gm_tensor(name("ws_s"), DType::fp32, slots * plan.rows, p.s_kv, d);
    t.ws_p = builder.gm_tensor(name("ws_p"), piece, slots * plan.rows, p.s_kv, d);
    t.ws_o = builder.gm_tensor(name("ws_o"), DType::fp32, slots * plan.rows, p.v_dim, d);
  }
  try {
    for (const AttnCore& w : plan.cores) {
      const AttnDieTensors& gm = dies[w.aic.die];
      emit_attn_aic(builder.core(w.aic), plan, gm, w);
      for (std::uint32_t h = 0; h < hw.aiv_per_aic; ++h)
        emit_attn_aiv(builder.aiv(w.aic.die, w.aic.index * hw.aiv_per_aic + h), plan, gm, w, h);
    }
  } catch (const config::ConfigError& e) {  // a buffer too small for the rows of one task
    throw config::ConfigError(p.where_queries + ": " + std::to_string(p.queries) +
                              " query rows with head_dim " + std::to_string(p.head_dim) +
                              " and v_dim " + std::to_string(p.v_dim) +
                              " do not fit this chip's core buffers (" + e.what() + ")");
  }
  isa::Program program = builder.take();
  if (functional) place_inputs(program, plan);
  return program;
}

CheckResult AttnKernel::check(const isa::Program& result) const {
  if (!hw_) throw std::logic_error("attn: check before build");
  return check_attn(plan_attn(params_, *hw_), result);
}

ModelPrediction AttnKernel::analytic(const config::HardwareConfig& hw) const {
  return attn_model(plan_attn(params_, hw), hw);
}

Json AttnKernel::params() const {
  Json j = attn_params_json(params_);
  if (!plan_.is_null()) j["plan"] = plan_;
  return j;
}

std::unique_ptr<Kernel> make_dequant_attention_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<AttnKernel>(read_attn_params(kernel, LinearPipeline::dequant));
}
std::unique_ptr<Kernel> make_msd_attention_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<AttnKernel>(read_attn_params(kernel, LinearPipeline::msd));
}

}  // namespace ascendsim::kernels
