// FinomScanKernel: tensors, the merged-layout input data, and one program per AIV used.
#include "kernels/finom/finom_kernel.hpp"

#include "kernels/finom/finom_check.hpp"
#include "kernels/finom/finom_model.hpp"
#include "kernels/finom/finom_vector.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {

using finom::FinomPlan;

namespace {

// The host side of setup: the merged mesh's gaps, weights and masks in the layout of
// finom_plan.hpp (padding: gaps 0, weights 0, masks 1).
void fill_inputs(isa::Program& program, const FinomPlan& plan) {
  numeric::NumericEvents ev;
  auto put = [&](const char* name, std::uint64_t pos, double value) {
    numeric::store_element(DType::fp32, program.declared_tensor(name).data.data(), pos, value,
                           numeric::Rounding::nearest_even, numeric::Overflow::inf, &ev);
  };
  for (std::uint64_t pos = 0; pos < plan.padded(); ++pos)
    put("not_src", pos, 1.0), put("not_tgt", pos, 1.0);
  for (std::uint64_t k = 0; k < plan.merged; ++k) {
    const std::uint64_t pos = plan.position(k);
    put("gap_f", pos, plan.gap_fwd(Eigen::Index(k)));
    put("gap_b", pos, plan.gap_bwd(Eigen::Index(k)));
    const std::int64_t w = plan.who[k];
    if (w >= 0) {
      put("a", pos, plan.problem.a(w));
      put("not_src", pos, 0.0);
    } else {
      put("b", pos, plan.problem.b(-w - 1));
      put("not_tgt", pos, 0.0);
      put("v0", pos, 1.0);
    }
  }
  // each lane's and segment's span (the sum of its gaps, in fp64, rounded once)
  const std::uint64_t seg = plan.segment();
  for (std::uint32_t c = 0; c < plan.cores; ++c) {
    double seg_sum[2] = {0, 0};
    for (std::uint32_t l = 0; l < plan.lanes; ++l) {
      double sum[2] = {0, 0};
      for (std::uint64_t t = 0; t < plan.rows; ++t) {
        const std::uint64_t k = c * seg + std::uint64_t(l) * plan.rows + t;
        if (k >= plan.merged) break;
        sum[0] += plan.gap_fwd(Eigen::Index(k));
        sum[1] += plan.gap_bwd(Eigen::Index(k));
      }
      for (int d : {0, 1}) {
        put("lane_span", (2ull * c + d) * plan.lanes + plan.lane_of(l), sum[d]);
        seg_sum[d] += sum[d];
      }
    }
    for (int d : {0, 1}) put("seg_span", (2ull * c + d) * 8, seg_sum[d]);
  }
  for (const char* name :
       {"gap_f", "gap_b", "a", "b", "not_src", "not_tgt", "v0", "lane_span", "seg_span"})
    program.declared_tensor(name).init.kind = isa::TensorInit::Kind::data;
}

}  // namespace

FinomScanKernel::FinomScanKernel(finom::FinomParams params) : params_(std::move(params)) {}

isa::Program FinomScanKernel::build(const config::HardwareConfig& hw, bool functional) {
  plan_ = std::make_unique<FinomPlan>(finom::plan_finom(params_, hw));
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  const finom::FinomGm gm = finom::declare_finom_tensors(builder, *plan_);
  for (std::uint32_t core = 0; core < plan_->cores; ++core)
    finom::emit_finom_aiv(builder.aiv(core / hw.aiv_per_die(), core % hw.aiv_per_die()), *plan_, gm,
                          core);
  isa::Program program = builder.take();
  if (functional) fill_inputs(program, *plan_);
  return program;
}

CheckResult FinomScanKernel::check(const isa::Program& result) const {
  if (!plan_) throw std::logic_error("finom: check before build");
  return finom::check_finom(*plan_, result);
}

ModelPrediction FinomScanKernel::analytic(const config::HardwareConfig& hw) const {
  return finom::finom_model(plan_ ? *plan_ : finom::plan_finom(params_, hw), hw);
}

Json FinomScanKernel::params() const {
  Json j = finom::finom_params_json(params_);
  if (plan_) j["plan"] = finom::finom_plan_json(*plan_);
  return j;
}

std::unique_ptr<Kernel> make_finom_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<FinomScanKernel>(finom::read_finom_params(kernel, finom::Method::finom));
}

}  // namespace ascendsim::kernels
