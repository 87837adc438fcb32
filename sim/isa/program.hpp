#pragma once
// A Program is what a kernel generator (or a trace file) hands the chip: the GM tensors with
// their initial data, and one in-order instruction stream per core.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/isa/instruction.hpp"

namespace ascendsim::isa {

// How a tensor's initial contents are produced. Kernels fill `data` themselves; traces name a
// generator so they stay small text files.
struct TensorInit {
  // New kinds go at the end, so the values of the older ones never change.
  enum class Kind : std::uint8_t {
    zeros,
    uninitialized,
    data,
    uniform,
    normal,
    npy,
    laplace,
    student_t,
    cauchy,
    outliers,
    hybrid,
    resonance
  } kind = Kind::zeros;
  std::uint64_t seed = 0;
  // Generator parameters, in the order traces/FORMAT.md writes them. uniform: [a, b); normal:
  // mean a, stddev b; laplace and cauchy: location a, scale b; student_t: dof a (integer);
  // outliers: std a, rate b, scale factor c; hybrid: mean a, amplitude b, rate c; resonance:
  // mean a, amplitude b, phase c (degrees).
  double a = 0.0, b = 1.0, c = 0.0;
  std::string path;  // npy: file path as written in the trace (relative to it)
};

struct TensorDecl {
  std::string name;
  DType dtype = DType::fp32;
  std::vector<std::uint64_t> shape;
  std::uint64_t address = 0;  // absolute GM address; the die owning it follows from the address map
  bool output = false;        // read back and reported after the run
  TensorInit init;
  std::vector<std::uint8_t> data;  // the bytes (empty until materialised / for timing-only)

  std::uint64_t elements() const;
  std::uint64_t bytes() const;
};

// A named stretch of a core's stream ("task 3 (batch 0, head 5, query block 2), KV block 7"):
// it covers instructions from `first` up to the next region's first. Kernels mark them so a
// report can say where in the algorithm an instruction sits (the first overflow's block).
struct Region {
  std::uint64_t first = 0;
  std::string label;
};

struct CoreProgram {
  CoreId core;
  std::vector<Instruction> instructions;
  std::vector<Region> regions;  // sorted by first; may be empty

  // The label of the region holding instruction `index`, or nullptr before the first region.
  const std::string* region_of(std::uint64_t index) const;
};

// The phase a region belongs to: its label up to the first digit, without trailing spaces
// ("iteration 12" -> "iteration", "task 3 (batch 0, ...)" -> "task", "setup" -> "setup"). The
// report times each phase over all its regions on all cores (report.json `phases`).
std::string phase_of(const std::string& region_label);

struct Program {
  // Which kernel generated this program: its run-file `kernel:` node as one line of flow YAML
  // ({name: gemm, m: 256, ...}; empty for hand-written traces). A trace carries it so that
  // `trace run` can recreate the kernel's check and model and give the same report as the run
  // it was dumped from.
  std::string kernel;
  std::vector<TensorDecl> tensors;
  std::vector<CoreProgram> cores;  // at most one per core; cores without a program idle

  const TensorDecl* find_tensor(const std::string& name) const;
  // The tensor a generator declared itself; std::logic_error if it did not (a generator bug).
  TensorDecl& declared_tensor(const std::string& name);
  std::uint64_t instruction_count() const;
};

}  // namespace ascendsim::isa
