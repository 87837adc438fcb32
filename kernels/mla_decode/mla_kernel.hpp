#pragma once
// Kernels `amla`, `fa_preload` and `fa_serial`: absorbed-MLA decode attention (DeepSeek V3
// shapes, AMLA.md) on every AI core of the chip, one generator per variant of the pipeline in
// mla_pipeline.hpp. Files: mla_params (run-file parameters), mla_plan (rows, tasks, work split,
// placement), mla_cube (C1 / C2 on the AIC), mla_vector (the AIV loop, softmax, V2),
// kernels/amla/amla_vector (MUL by ADD), kernels/flash_attention/fa_vector (O through UB),
// mla_check (fp64 reference), mla_model (closed-form cycles and traffic).
//
// Inputs: Q (rows of every request, 576 columns) drawn with `seed`, the latent cache (every
// request's tokens, 576 columns) with `seed + 1`, each in request order, or read from .npy files
// of those shapes; they are then placed into the per-die, padded, possibly paged GM tensors.
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/mla_decode/mla_params.hpp"

namespace ascendsim::kernels {

class MlaKernel final : public Kernel {
 public:
  explicit MlaKernel(MlaParams params);
  std::string name() const override { return mla_variant_name(params_.variant); }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  MlaParams params_;
  Json plan_;
  const config::HardwareConfig* hw_ = nullptr;  // of the last build, for check's plan
};

std::unique_ptr<Kernel> make_amla_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_fa_preload_kernel(const config::ConfigNode& kernel);
std::unique_ptr<Kernel> make_fa_serial_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
