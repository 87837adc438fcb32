#pragma once
// The prefill attention kernels `fa_mixed`, `fa_fp16` and `pasa` (pasa_pipeline.hpp), checked
// against fp64 softmax attention (pasa_check.hpp) and set beside pasa_model.hpp's closed form.
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/pasa/pasa_params.hpp"

namespace ascendsim::kernels {

class PasaKernel final : public Kernel {
 public:
  explicit PasaKernel(PasaParams params);
  std::string name() const override { return pasa_variant_name(params_.variant); }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  PasaParams params_;
  Json plan_;
  const config::HardwareConfig* hw_ = nullptr;
};

std::unique_ptr<Kernel> make_fa_mixed_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_fa_fp16_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_pasa_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
