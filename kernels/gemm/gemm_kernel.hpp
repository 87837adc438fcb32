#pragma once
// Kernel `gemm`: C = A * B with A (m x k) and B (k x n) row-major in GM and C (m x n) written
// by the cube's FixPipe in out_dtype. The kernel that proves the simulator: every part of the
// AIC pipeline takes part, its numbers are checked against fp64, and its cycles against a
// closed form built from the same timing formulas (gemm_model.hpp).
//
// Files: gemm_params (run-file parameters), gemm_plan (padding, tiles, work split, buffers),
// gemm_pipeline (the per-AIC Ascend-C-like program), gemm_check (fp64 reference and error
// bound), gemm_model (closed-form cycles).
//
// Inputs are drawn with the trace library's generator (sim/trace/materialize.hpp): A from
// init {kind, seed, a, b}, B from the same with seed + 1, over the real m x k and k x n
// elements in C order. When no padding is needed the tensors record that init, so a dumped
// trace regenerates exactly these bytes; a padded tensor carries its bytes (init `data`),
// since the generator knows nothing of the zero padding.
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/gemm/gemm_params.hpp"

namespace ascendsim::kernels {

class GemmKernel final : public Kernel {
 public:
  explicit GemmKernel(GemmParams params);
  std::string name() const override { return "gemm"; }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  GemmParams params_;
  Json plan_;  // the resolved tiling of the last build, for the report
};

// The registry's factory: reads the parameters of a `kernel: {name: gemm, ...}` node.
std::unique_ptr<Kernel> make_gemm_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
