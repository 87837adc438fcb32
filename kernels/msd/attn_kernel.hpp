#pragma once
// The kernels `dequant_attention` and `msd_attention`: INT8-KV decode attention through the
// dequant pipeline or MSD's (attn_pipeline.hpp), checked against fp64 (attn_check.hpp), set
// beside the paper's Table 5 / §4.4.4 model (attn_model.cpp).
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/msd/attn_params.hpp"

namespace ascendsim::kernels {

class AttnKernel : public Kernel {
 public:
  explicit AttnKernel(AttnParams params);
  std::string name() const override { return attn_kernel_name(params_.pipeline); }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  AttnParams params_;
  Json plan_;
  const config::HardwareConfig* hw_ = nullptr;
};

struct AttnPlan;
ModelPrediction attn_model(const AttnPlan& plan, const config::HardwareConfig& hw);

std::unique_ptr<Kernel> make_dequant_attention_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_msd_attention_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
