#pragma once
// The 1D entropic W1 kernel `finom` (FINOM's O(M + N) scans on the AIVs, finom_vector.hpp),
// checked against fp64 references (finom_check.hpp) and set beside finom_model.hpp.
#include <memory>

#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels {

class FinomScanKernel final : public Kernel {
 public:
  explicit FinomScanKernel(finom::FinomParams params);
  std::string name() const override { return "finom"; }
  isa::Program build(const config::HardwareConfig& hw, bool functional) override;
  CheckResult check(const isa::Program& result) const override;
  ModelPrediction analytic(const config::HardwareConfig& hw) const override;
  Json params() const override;

 private:
  finom::FinomParams params_;
  std::unique_ptr<finom::FinomPlan> plan_;  // set by build
};

std::unique_ptr<Kernel> make_finom_kernel(const config::ConfigNode& kernel);

}  // namespace ascendsim::kernels
