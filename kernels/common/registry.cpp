// The kernel registry: run files name a kernel under `kernel: {name: ...}`; this table maps the
// name to the kernel's factory, which reads (and consumes) the node's parameters. To add a
// kernel, include its header and add one row.
#include <algorithm>

#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_kernel.hpp"
#include "kernels/gemm/gemm_kernel.hpp"
#include "kernels/mla_decode/mla_kernel.hpp"
#include "kernels/msd/attn_kernel.hpp"
#include "kernels/msd/linear_kernel.hpp"
#include "kernels/pasa/pasa_kernel.hpp"
#include "kernels/sinkhorn/dense_kernel.hpp"

namespace ascendsim::kernels {
namespace {

struct Entry {
  const char* name;
  std::unique_ptr<Kernel> (*make)(const config::ConfigNode& kernel);
};

const Entry kKernels[] = {
    {"gemm", make_gemm_kernel},
    {"amla", make_amla_kernel},
    {"fa_preload", make_fa_preload_kernel},
    {"fa_serial", make_fa_serial_kernel},
    {"dequant_gemm", make_dequant_gemm_kernel},
    {"msd_gemm", make_msd_gemm_kernel},
    {"dequant_attention", make_dequant_attention_kernel},
    {"msd_attention", make_msd_attention_kernel},
    {"fa_mixed", make_fa_mixed_kernel},
    {"fa_fp16", make_fa_fp16_kernel},
    {"pasa", make_pasa_kernel},
    {"finom", make_finom_kernel},
    {"sinkhorn_dense", make_sinkhorn_dense_kernel},
};

}  // namespace

std::vector<std::string> kernel_names() {
  std::vector<std::string> names;
  for (const Entry& e : kKernels) names.emplace_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<Kernel> create_kernel(const config::ConfigNode& kernel_node) {
  const std::string name = kernel_node.child("name").as_enum(kernel_names());
  const auto it = std::find_if(std::begin(kKernels), std::end(kKernels),
                               [&](const Entry& e) { return name == e.name; });
  return it->make(kernel_node);
}

}  // namespace ascendsim::kernels
