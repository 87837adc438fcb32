// MlaKernel: tensors, input data and the per-core programs of the MLA-decode variants.
#include "kernels/mla_decode/mla_kernel.hpp"

#include <cstring>

#include "kernels/mla_decode/mla_check.hpp"
#include "kernels/mla_decode/mla_model.hpp"
#include "kernels/mla_decode/mla_pipeline.hpp"
#include "kernels/mla_decode/mla_plan.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::kernels {
namespace {

// The logical input (rows x 576 in request order) as bytes of `dtype`.
std::vector<std::uint8_t> input_bytes(const MlaInput& in, std::uint64_t seed, DType dtype,
                                      std::uint64_t rows, const char* what) {
  if (in.kind == isa::TensorInit::Kind::npy) {
    try {
      return trace::tensor_from_npy(trace::read_npy(in.path), dtype, {rows, kMlaDk}, in.path);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(in.where + ": " + e.what());
    }
  }
  isa::TensorDecl d;
  d.name = what;
  d.dtype = dtype;
  d.shape = {rows, kMlaDk};
  d.init.kind = in.kind;
  d.init.seed = seed;
  d.init.a = in.a;
  d.init.b = in.b;
  return trace::generate_tensor_bytes(d);
}

// Copies the logical Q and KV rows into the die tensors (padding rows and tokens stay zero).
void place_inputs(isa::Program& program, const MlaPlan& plan) {
  const MlaParams& p = plan.params;
  const std::uint64_t rows_req = p.rows_per_request();
  std::uint64_t tokens = 0;
  for (auto s : p.s_kv) tokens += s;
  const std::vector<std::uint8_t> q = input_bytes(p.q, p.seed, p.dtype, rows_req * p.batch, "q");
  const std::vector<std::uint8_t> kv = input_bytes(p.kv, p.seed + 1, p.dtype, tokens, "kv");
  const std::uint64_t row_bytes = numeric::dtype_bytes(p.dtype, kMlaDk);
  std::uint64_t token0 = 0;
  for (std::uint32_t r = 0; r < p.batch; ++r) {
    const MlaRequest& req = plan.requests[r];
    isa::TensorDecl& qt = program.declared_tensor(plan.tensor_name("q", req.die));
    qt.init.kind = isa::TensorInit::Kind::data;  // placed bytes, not a generator's
    std::memcpy(qt.data.data() + req.row0 * row_bytes, q.data() + r * rows_req * row_bytes,
                rows_req * row_bytes);
    isa::TensorDecl& kt = program.declared_tensor(plan.tensor_name("kv", req.die));
    kt.init.kind = isa::TensorInit::Kind::data;
    for (std::uint64_t t = 0; t < req.s_kv; ++t)
      std::memcpy(kt.data.data() + plan.kv_row(r, t) * row_bytes,
                  kv.data() + (token0 + t) * row_bytes, row_bytes);
    token0 += req.s_kv;
  }
}

}  // namespace

MlaKernel::MlaKernel(MlaParams params) : params_(std::move(params)) {}

isa::Program MlaKernel::build(const config::HardwareConfig& hw, bool functional) {
  const MlaPlan plan = plan_mla(params_, hw);
  plan_ = mla_plan_json(plan);
  hw_ = &hw;
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  std::vector<MlaDieTensors> die(plan.dies);
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    if (plan.die_cores[d] == 0) continue;
    const std::uint64_t rows = std::max<std::uint64_t>(plan.die_rows[d], 1);
    const std::uint64_t kv_rows = std::max<std::uint64_t>(plan.die_pages[d], 1) * kMlaPageTokens;
    const std::uint64_t ws_rows = std::uint64_t(plan.die_cores[d]) * 2 * plan.R;
    MlaDieTensors& t = die[d];
    t.q = builder.gm_tensor(plan.tensor_name("q", d), params_.dtype, rows, kMlaDk, d);
    t.kv = builder.gm_tensor(plan.tensor_name("kv", d), params_.dtype, kv_rows, kMlaDk, d);
    t.o_acc = builder.gm_tensor(plan.tensor_name("o_acc", d), DType::fp32, rows, kMlaDv, d);
    t.out = builder.gm_tensor(plan.tensor_name("out", d), params_.out_dtype, rows, kMlaDv, d,
                              /*output=*/true);
    t.ws_s =
        builder.gm_tensor(plan.tensor_name("ws_s", d), DType::fp32, ws_rows, params_.kv_block, d);
    t.ws_p =
        builder.gm_tensor(plan.tensor_name("ws_p", d), params_.dtype, ws_rows, params_.kv_block, d);
  }
  for (const MlaCoreWork& w : plan.cores) {
    const std::vector<MlaTaskRef> tasks = task_refs(plan, w);
    const MlaDieTensors& gm = die[w.aic.die];
    emit_aic(builder.core(w.aic), plan, gm, tasks);
    for (std::uint32_t h = 0; h < 2; ++h)
      emit_aiv(builder.aiv(w.aic.die, w.aic.index * hw.aiv_per_aic + h), plan, gm, tasks, h);
  }
  isa::Program program = builder.take();
  if (functional) place_inputs(program, plan);
  return program;
}

CheckResult MlaKernel::check(const isa::Program& result) const {
  if (!hw_) throw std::logic_error("mla: check before build");
  return check_mla(plan_mla(params_, *hw_), result);
}

ModelPrediction MlaKernel::analytic(const config::HardwareConfig& hw) const {
  return mla_model(plan_mla(params_, hw), hw);
}

Json MlaKernel::params() const {
  Json j = mla_params_json(params_);
  if (!plan_.is_null()) j["plan"] = plan_;
  return j;
}

std::unique_ptr<Kernel> make_amla_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<MlaKernel>(read_mla_params(kernel, MlaVariant::amla));
}
std::unique_ptr<Kernel> make_fa_preload_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<MlaKernel>(read_mla_params(kernel, MlaVariant::fa_preload));
}
std::unique_ptr<Kernel> make_fa_serial_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<MlaKernel>(read_mla_params(kernel, MlaVariant::fa_serial));
}

}  // namespace ascendsim::kernels
