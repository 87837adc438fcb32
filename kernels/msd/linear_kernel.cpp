// LinearKernel: tensors (a slice of W, s_W and y per die, X and the workspaces), input data,
// and the per-core programs of dequant_gemm / msd_gemm.
#include "kernels/msd/linear_kernel.hpp"

#include <cstring>

#include "kernels/msd/linear_check.hpp"
#include "kernels/msd/linear_pipeline.hpp"
#include "kernels/msd/linear_plan.hpp"
#include "kernels/msd/mx_check.hpp"
#include "kernels/msd/mx_pipeline.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::kernels {
namespace {

using Kind = isa::TensorInit::Kind;

std::vector<std::uint8_t> generated(const isa::TensorInit& init, DType t, std::uint64_t rows,
                                    std::uint64_t cols, const char* name) {
  isa::TensorDecl d;
  d.name = name;
  d.dtype = t;
  d.shape = {rows, cols};
  d.init = init;
  return trace::generate_tensor_bytes(d);
}

// Copies rows x [col0, col0 + cols) of a row-major (rows x total_cols) array into `dst`
// (rows x cols, dense from its first byte).
void copy_columns(std::vector<std::uint8_t>& dst, const std::vector<std::uint8_t>& src, DType t,
                  std::uint64_t rows, std::uint64_t total_cols, std::uint64_t col0,
                  std::uint64_t cols) {
  const std::uint64_t row = numeric::dtype_bytes(t, total_cols),
                      part = numeric::dtype_bytes(t, cols), off = numeric::dtype_bytes(t, col0);
  for (std::uint64_t r = 0; r < rows; ++r)
    std::memcpy(dst.data() + r * part, src.data() + r * row + off, part);
}

// MX W: codes uniform over the 16 fp4 codes (packed, low nibble first); scales the e8m0
// 2^floor(log2 u) of u ~ U[low, high) (MSD.md §6's s_W draw on the E8M0 grid), n / 32 x m.
std::vector<std::uint8_t> mx_weight(const LinearParams& p) {
  isa::TensorInit code_init{Kind::uniform, p.seed + 1, -0.5, 15.5, 0.0, ""};
  const std::vector<std::uint8_t> codes = generated(code_init, DType::int8, p.m, p.n, "w");
  std::vector<std::uint8_t> w(numeric::dtype_bytes(p.weight, p.m * p.n));
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = std::uint8_t((codes[2 * i] & 0xF) | (codes[2 * i + 1] & 0xF) << 4);
  return w;
}
std::vector<std::uint8_t> mx_scales(const LinearParams& p) {
  isa::TensorInit s_init{Kind::uniform, p.seed + 2, p.scale_low, p.scale_high, 0.0, ""};
  const std::vector<std::uint8_t> u = generated(s_init, DType::fp32, p.n / 32, p.m, "s");
  std::vector<std::uint8_t> s(u.size() / 4);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] =
        numeric::to_e8m0(numeric::load_element(DType::fp32, u.data(), i), numeric::Rounding::floor);
  return s;
}

void place_inputs(isa::Program& program, const LinearPlan& plan) {
  const LinearParams& p = plan.params;
  std::vector<std::uint8_t> x;
  if (p.x.init.kind == Kind::npy) {
    try {
      x = trace::tensor_from_npy(trace::read_npy(p.x.init.path), DType::bf16, {p.tokens, p.n},
                                 p.x.init.path);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(p.x.where + ": " + e.what());
    }
  } else {
    isa::TensorInit init = p.x.init;
    init.seed = p.seed;
    x = generated(init, DType::bf16, p.tokens, p.n, "x");
  }
  // W: integers uniform over the symmetric range (RNE of a continuous uniform on [-max-1/2,
  // max+1/2)); s_W ~ U[low, high) as MSD.md §6 draws them.
  const double wmax = p.weight == DType::int4 ? 7.0 : 127.0;
  isa::TensorInit w_init{Kind::uniform, p.seed + 1, -wmax - 0.5, wmax + 0.5, 0.0, ""};
  isa::TensorInit s_init{Kind::uniform, p.seed + 2, p.scale_low, p.scale_high, 0.0, ""};
  const DType s_type = p.mx() ? DType::e8m0 : DType::fp32;
  const std::vector<std::uint8_t> w =
      p.mx() ? mx_weight(p) : generated(w_init, p.weight, p.m, p.n, "w");
  const std::vector<std::uint8_t> s =
      p.mx() ? mx_scales(p) : generated(s_init, DType::fp32, p.groups(), p.m, "s");
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    const std::uint64_t row0 = plan.die_tile0[d] * kLinearTile,
                        rows = plan.die_tiles[d] * kLinearTile;
    isa::TensorDecl& xt = program.declared_tensor(plan.tensor_name("x", d));
    std::memcpy(xt.data.data(), x.data(), x.size());  // the padding rows stay zero
    isa::TensorDecl& wt = program.declared_tensor(plan.tensor_name("w", d));
    const std::uint64_t w_row = numeric::dtype_bytes(p.weight, p.n);
    std::memcpy(wt.data.data(), w.data() + row0 * w_row, rows * w_row);
    isa::TensorDecl& st = program.declared_tensor(plan.tensor_name("s", d));
    copy_columns(st.data, s, s_type, p.groups(), p.m, row0, rows);
    for (auto* t : {&xt, &wt, &st}) t->init.kind = Kind::data;  // placed bytes, not a generator's
  }
}

}  // namespace

LinearKernel::LinearKernel(LinearParams params) : params_(std::move(params)) {}

isa::Program LinearKernel::build(const config::HardwareConfig& hw, bool functional) {
  const LinearPlan plan = plan_linear(params_, hw);
  plan_ = linear_plan_json(plan);
  hw_ = &hw;
  const LinearParams& p = params_;
  const bool msd = p.pipeline == LinearPipeline::msd;
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  std::vector<LinearDieTensors> dies(plan.dies);
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    const std::uint64_t cols = std::max<std::uint64_t>(plan.die_tiles[d], 1) * kLinearTile;
    const std::uint64_t aics = plan.die_cores[d];
    auto name = [&](const char* base) { return plan.tensor_name(base, d); };
    LinearDieTensors& t = dies[d];
    t.x = builder.gm_tensor(name("x"), DType::bf16, plan.x_rows(), p.n, d);
    t.w = builder.gm_tensor(name("w"), p.weight, cols, p.n, d);
    t.s = builder.gm_tensor(name("s"), p.mx() ? DType::e8m0 : DType::fp32, p.groups(), cols, d);
    t.y = builder.gm_tensor(name("y"), p.out_dtype, plan.x_rows(), cols, d, /*output=*/true);
    if (p.mx()) {
      t.ws_x = builder.gm_tensor(name("ws_x"), p.piece(), p.passes * plan.x_rows(), p.n, d);
      t.ws_sx = builder.gm_tensor(name("ws_sx"), DType::e8m0, p.passes * plan.mx_steps(),
                                  plan.x_rows() * plan.k_step / 32, d);
      if (!msd) t.ws_w = builder.gm_tensor(name("ws_w"), p.piece(), aics * 2 * kLinearTile, p.n, d);
    } else if (msd) {
      t.ws_x = builder.gm_tensor(name("ws_x"), p.piece(), plan.blocks * plan.block_rows, p.n, d);
      t.ws_alpha = builder.gm_tensor(name("ws_alpha"), DType::fp32, plan.x_rows(), kAlphaCols, d);
      t.ws_y =
          builder.gm_tensor(name("ws_y"), DType::fp32, aics * 2 * plan.block_rows, kLinearTile, d);
    } else {
      t.ws_w = builder.gm_tensor(name("ws_w"), DType::bf16, aics * 2 * kLinearTile, p.n, d);
    }
  }
  for (const LinearCore& w : plan.cores) {
    const LinearDieTensors& gm = dies[w.aic.die];
    if (p.mx())
      emit_mx_aic(builder.core(w.aic), plan, gm, w);
    else
      emit_linear_aic(builder.core(w.aic), plan, gm, w);
    for (std::uint32_t h = 0; h < hw.aiv_per_aic; ++h) {
      CoreBuilder& aiv = builder.aiv(w.aic.die, w.aic.index * hw.aiv_per_aic + h);
      if (p.mx())
        emit_mx_aiv(aiv, plan, gm, w, w.die_slot * hw.aiv_per_aic + h, h);
      else if (msd)
        emit_msd_aiv(aiv, plan, gm, w, w.die_slot * hw.aiv_per_aic + h, h);
      else
        emit_dequant_aiv(aiv, plan, gm, w, h);
    }
  }
  isa::Program program = builder.take();
  if (functional) place_inputs(program, plan);
  return program;
}

CheckResult LinearKernel::check(const isa::Program& result) const {
  if (!hw_) throw std::logic_error("linear: check before build");
  const LinearPlan plan = plan_linear(params_, *hw_);
  return params_.mx() ? check_mx_linear(plan, result) : check_linear(plan, result);
}

ModelPrediction LinearKernel::analytic(const config::HardwareConfig& hw) const {
  return linear_model(plan_linear(params_, hw), hw);
}

Json LinearKernel::params() const {
  Json j = linear_params_json(params_);
  if (!plan_.is_null()) j["plan"] = plan_;
  return j;
}

std::unique_ptr<Kernel> make_dequant_gemm_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<LinearKernel>(read_linear_params(kernel, LinearPipeline::dequant));
}
std::unique_ptr<Kernel> make_msd_gemm_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<LinearKernel>(read_linear_params(kernel, LinearPipeline::msd));
}

}  // namespace ascendsim::kernels
