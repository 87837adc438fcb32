#pragma once
// The parameters of the 1D entropic W1 kernels `finom` and `sinkhorn_dense` (issue #6), as a run
// file states them under `kernel:`:
//
// clang-format off
//   kernel:
//     name: finom            # finom (O(M + N) scans) | sinkhorn_dense (K in GM, GEMVs)
//     source: {mesh: graded, n: 2048, p: 2}   # the sources x (M nodes) on [0, 1]:
//                            #   uniform | graded (p) | chebyshev | random (seed) |
//                            #   file (path: a 1-D .npy of float64 or float32, sorted)
//     target: {mesh: chebyshev, n: 2048}      # the targets y (N nodes), same forms
//     source_weights:        # a: a Gaussian mixture at the nodes, normalised to sum 1
//       - {weight: 1, mean: 0.3, sigma: 0.1}  #   (finom_mesh.hpp), or {path: a.npy} (M
//       - {weight: 0.5, mean: 0.75, sigma: 0.05}  # values >= 0, normalised likewise)
//     target_weights: [{weight: 1, mean: 0.6, sigma: 0.15}]   # b, same forms
//     eps: 0.05              # entropic regularisation, relative to the domain length 1
//     tol: 1e-5              # marginal l1 error at which `iterations: auto` stops
//     iterations: auto       # Sinkhorn iterations the NPU runs: a count, or auto = the count
//                            #   the fp64 host reference needs to reach tol (the program has
//                            #   no branches, so the count is fixed when it is built)
//     max_iter: 5000         # cap on auto
//     cores: 48              # AIVs used (default: all)
//     lanes: 0               # finom: scan lanes per AIV, a multiple of 8 (0: chosen from the
//                            #   segment length, finom_plan.hpp)
// clang-format on
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_mesh.hpp"
#include "kernels/finom/finom_reference.hpp"

namespace ascendsim::kernels::finom {

enum class Method : std::uint8_t { finom, dense };
std::string method_kernel_name(Method m);  // "finom" / "sinkhorn_dense"

// A mesh as the run file gives it: a formula (MeshSpec) or an .npy file.
struct MeshInput {
  MeshSpec spec;
  std::string path;   // non-empty: `mesh: file`
  std::string where;  // the node, for errors about the file's values
};

// Weights: mixture components, or an .npy file.
struct WeightsInput {
  std::vector<GaussianComponent> components;
  std::string path;
  std::string where;
};

struct FinomParams {
  Method method = Method::finom;
  MeshInput source, target;
  WeightsInput source_weights, target_weights;
  double eps = 0.05;
  double tol = 1e-5;
  std::uint32_t iterations = 0;  // 0: auto
  std::uint32_t max_iter = 5000;
  std::uint32_t cores = 0;  // 0: all AIVs
  std::string where_cores = "kernel.cores";
  std::uint32_t lanes = 0;  // 0: auto
  std::string where_lanes = "kernel.lanes";
};

FinomParams read_finom_params(const config::ConfigNode& kernel, Method method);
Json finom_params_json(const FinomParams& p);

// The problem in fp64: nodes and weights (sum 1). ConfigError naming the run file's node for a
// bad file, unsorted nodes, nodes outside [0, 1], negative weights or a zero sum.
struct Problem {
  Vec x, a, y, b;
};
Problem make_problem(const FinomParams& p);

// The iterations a W1 kernel's program runs: params.iterations, or for `auto` (0) the count
// the fp64 Sinkhorn (FINOM products, plain domain) needs to reach params.tol, at most max_iter.
std::uint32_t resolve_iterations(const FinomParams& p, const Problem& problem);

}  // namespace ascendsim::kernels::finom
