// GemmKernel: builds the program (tensors, input data, one pipeline per AIC) and hands check
// and model to gemm_check / gemm_model.
#include "kernels/gemm/gemm_kernel.hpp"

#include <cstring>
#include <stdexcept>

#include "kernels/gemm/gemm_check.hpp"
#include "kernels/gemm/gemm_model.hpp"
#include "kernels/gemm/gemm_pipeline.hpp"
#include "kernels/gemm/gemm_plan.hpp"
#include "sim/trace/materialize.hpp"

namespace ascendsim::kernels {
namespace {

isa::TensorInit input_init(const GemmParams& p, std::uint64_t seed_offset) {
  isa::TensorInit init;
  init.kind = p.distribution;
  init.seed = p.seed + seed_offset;
  init.a = p.dist_a;
  init.b = p.dist_b;
  return init;
}

// Draws the real rows x cols values with the trace generator and places them, row by row,
// into the zero-filled padded tensor `decl` (padded_cols per row). Returns whether the tensor
// is unpadded, i.e. the generator alone reproduces it.
bool fill_input(isa::TensorDecl& decl, std::uint64_t rows, std::uint64_t cols,
                const isa::TensorInit& init, bool functional) {
  const std::uint64_t padded_cols = decl.shape[1];
  const bool unpadded = rows == decl.shape[0] && cols == padded_cols;
  if (functional) {
    isa::TensorDecl real;
    real.name = decl.name;
    real.dtype = decl.dtype;
    real.shape = {rows, cols};
    real.init = init;
    const std::vector<std::uint8_t> values = trace::generate_tensor_bytes(real);
    const std::uint64_t row_bytes = numeric::dtype_bytes(decl.dtype, cols);
    const std::uint64_t padded_row_bytes = numeric::dtype_bytes(decl.dtype, padded_cols);
    for (std::uint64_t r = 0; r < rows; ++r)
      std::memcpy(decl.data.data() + r * padded_row_bytes, values.data() + r * row_bytes,
                  row_bytes);
  }
  if (unpadded)
    decl.init = init;  // the data (if held) is exactly what the init generates
  else if (functional)
    decl.init.kind = isa::TensorInit::Kind::data;  // padding: bytes only
  return unpadded;
}

}  // namespace

GemmKernel::GemmKernel(GemmParams params) : params_(std::move(params)) {}

isa::Program GemmKernel::build(const config::HardwareConfig& hw, bool functional) {
  const GemmPlan plan = plan_gemm(params_, hw);
  plan_ = gemm_plan_json(plan);
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  const GemmOperands gm{builder.gm_tensor("a", params_.dtype, plan.m_pad, plan.k_pad),
                        builder.gm_tensor("b", params_.dtype, plan.k_pad, plan.n_pad),
                        builder.gm_tensor("c", params_.out_dtype, plan.m_pad, plan.n_pad, 0,
                                          /*output=*/true)};
  for (std::size_t c = 0; c < plan.cores.size(); ++c) {
    const std::vector<std::uint64_t> tiles = plan.tiles_of(c);
    if (!tiles.empty()) emit_gemm_core(builder.core(plan.cores[c]), plan, gm, tiles);
  }
  isa::Program program = builder.take();
  fill_input(program.declared_tensor("a"), params_.m, params_.k, input_init(params_, 0),
             functional);
  fill_input(program.declared_tensor("b"), params_.k, params_.n, input_init(params_, 1),
             functional);
  return program;
}

CheckResult GemmKernel::check(const isa::Program& result) const {
  return check_gemm(params_, result);
}

ModelPrediction GemmKernel::analytic(const config::HardwareConfig& hw) const {
  return gemm_model(plan_gemm(params_, hw), hw);
}

Json GemmKernel::params() const {
  Json j = gemm_params_json(params_);
  if (!plan_.is_null()) j["plan"] = plan_;
  return j;
}

std::unique_ptr<Kernel> make_gemm_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<GemmKernel>(read_gemm_params(kernel));
}

}  // namespace ascendsim::kernels
