#pragma once
// The kernels `dequant_gemm` and `msd_gemm`: y = (s_W . W_q) x through the dequant pipeline or
// MSD's (linear_pipeline.hpp), checked against fp64 (linear_check.hpp), set beside the paper's
// Table 8 traffic and T = max(T_vector, T_cube) + T_sync (msd_model.hpp, linear_model.cpp).
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/msd/linear_params.hpp"

namespace ascendsim::kernels {

class LinearKernel : public Kernel {
 public:
  explicit LinearKernel(LinearParams params);
  std::string name() const override { return linear_kernel_name(params_.pipeline); }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  LinearParams params_;
  Json plan_;
  const config::HardwareConfig* hw_ = nullptr;
};

struct LinearPlan;
ModelPrediction linear_model(const LinearPlan& plan, const config::HardwareConfig& hw);

std::unique_ptr<Kernel> make_dequant_gemm_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_msd_gemm_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
