// SinkhornDenseKernel: tensors, the host-formed K and input vectors, one program per AIV used.
#include "kernels/sinkhorn/dense_kernel.hpp"

#include <cmath>
#include <cstring>

#include "kernels/common/reference.hpp"
#include "kernels/finom/finom_check.hpp"
#include "kernels/sinkhorn/dense_model.hpp"
#include "kernels/sinkhorn/dense_vector.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {

using sinkhorn::DensePlan;

namespace {

void put(std::vector<std::uint8_t>& bytes, std::uint64_t index, float value) {
  std::memcpy(bytes.data() + 4 * index, &value, 4);
}

// One side's nodes, weights and mask (1 where the fp32 weight is 0, padding included).
void fill_side(ProgramBuilder& b, const GmTensor& nodes, const GmTensor& weights,
               const GmTensor& mask, const finom::Vec& z, const finom::Vec& w) {
  std::vector<std::uint8_t>&bz = b.data(nodes), &bw = b.data(weights), &bm = b.data(mask);
  for (std::uint64_t i = 0; i < nodes.rows * nodes.cols; ++i) {
    const bool real = i < std::uint64_t(z.size());
    const float wf = real ? float(w(Eigen::Index(i))) : 0.0f;
    put(bz, i, real ? float(z(Eigen::Index(i))) : 0.0f);
    put(bw, i, wf);
    put(bm, i, wf == 0.0f ? 1.0f : 0.0f);
  }
}

// The host side of setup: K in fp64 rounded to fp32 once (0 in the padding) on every die that
// holds a copy, and the vectors.
void fill_inputs(ProgramBuilder& b, const sinkhorn::DenseGm& gm, const DensePlan& p) {
  const finom::Problem& pr = p.problem;
  std::vector<std::uint8_t>& k = b.data(gm.k[0]);
  std::vector<float> row(p.n_pad, 0.0f);
  for (std::uint64_t i = 0; i < p.m; ++i) {
    for (std::uint64_t j = 0; j < p.n; ++j)
      row[j] =
          float(std::exp(-std::fabs(pr.x(Eigen::Index(i)) - pr.y(Eigen::Index(j))) / p.params.eps));
    std::memcpy(k.data() + 4 * i * p.n_pad, row.data(), 4 * p.n_pad);
  }
  for (std::size_t d = 1; d < gm.k.size(); ++d) b.data(gm.k[d]) = k;
  fill_side(b, gm.x, gm.a, gm.not_src, pr.x, pr.a);
  fill_side(b, gm.y, gm.b, gm.not_tgt, pr.y, pr.b);
}

}  // namespace

SinkhornDenseKernel::SinkhornDenseKernel(finom::FinomParams params) : params_(std::move(params)) {}

isa::Program SinkhornDenseKernel::build(const config::HardwareConfig& hw, bool functional) {
  plan_ = std::make_unique<DensePlan>(sinkhorn::plan_dense(params_, hw));
  ProgramBuilder builder(hw);
  builder.set_functional(functional);
  const sinkhorn::DenseGm gm = sinkhorn::declare_dense_tensors(builder, *plan_);
  for (std::uint32_t core = 0; core < plan_->cores; ++core)
    sinkhorn::emit_dense_aiv(builder.aiv(core / hw.aiv_per_die(), core % hw.aiv_per_die()), *plan_,
                             gm, core);
  if (functional) fill_inputs(builder, gm, *plan_);
  return builder.take();
}

CheckResult SinkhornDenseKernel::check(const isa::Program& result) const {
  if (!plan_) throw std::logic_error("sinkhorn_dense: check before build");
  const DensePlan& p = *plan_;
  auto values = [&](const char* name, std::uint64_t rows, std::uint64_t cols) {
    return expect_tensor(result, "sinkhorn_dense check", name, DType::fp32, rows, cols).data.data();
  };
  const std::uint8_t *u = values("u", p.m_pad, 1), *kv = values("kv", p.m_pad, 1),
                     *v = values("v", 1, p.n_pad), *w = values("w_eps", 1, 8);
  auto vec = [](const std::uint8_t* bytes, std::uint64_t n) {
    finom::Vec out = finom::Vec::Zero(Eigen::Index(n));
    for (std::uint64_t i = 0; i < n; ++i)
      out(Eigen::Index(i)) = numeric::load_element(DType::fp32, bytes, i);
    return out;
  };
  finom::NpuResult npu;
  npu.u = vec(u, p.m);
  npu.kv = vec(kv, p.m);
  npu.v = vec(v, p.n);
  npu.w_eps = numeric::load_element(DType::fp32, w, 0);
  return finom::check_w1(p.params, p.problem, p.iterations, p.iterations_auto, npu);
}

ModelPrediction SinkhornDenseKernel::analytic(const config::HardwareConfig& hw) const {
  return sinkhorn::dense_model(plan_ ? *plan_ : sinkhorn::plan_dense(params_, hw), hw);
}

Json SinkhornDenseKernel::params() const {
  Json j = finom::finom_params_json(params_);
  if (plan_) j["plan"] = sinkhorn::dense_plan_json(*plan_);
  return j;
}

std::unique_ptr<Kernel> make_sinkhorn_dense_kernel(const config::ConfigNode& kernel) {
  return std::make_unique<SinkhornDenseKernel>(
      finom::read_finom_params(kernel, finom::Method::dense));
}

}  // namespace ascendsim::kernels
