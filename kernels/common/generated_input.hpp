#pragma once
// How a kernel's input tensor is filled, as its run file states it: a seeded trace generator
// (traces/FORMAT.md: `{kind: normal, mean: 0, std: 1}`, a bare name, ...) or `{kind: npy, path}`.
#include <string>

#include "kernels/common/kernel.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

struct GeneratedInput {
  isa::TensorInit init;  // kind, a, b, c (seed set by the kernel); path for npy
  std::string where;     // npy: "file:line:col: kernel.x.path", for errors about its data
};
// Reads `{kind: <generator>, <its keys>}`, a bare generator name, or `{kind: npy, path}`
// (relative paths from the run file's directory; the file must exist). A uniform input may
// also be written `{kind: uniform, mean: M, amplitude: A}` = U(M - A, M + A) (defaults 0, 0.5),
// the form of PASA's benchmark grid, whose axes then set the same keys as `hybrid`'s.
GeneratedInput read_generated_input(const config::ConfigNode& node);
Json generated_input_json(const GeneratedInput& in);

}  // namespace ascendsim::kernels
