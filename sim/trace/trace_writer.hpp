#pragma once
// Writes a Program as a text trace (traces/FORMAT.md). The text depends only on the Program:
// the same Program always gives the same bytes, and read_trace gives back equal Instructions.
#include <string>

#include "sim/isa/program.hpp"

namespace ascendsim::trace {

// The whole trace. Tensors holding `data` (TensorInit::Kind::data) are written as
// init=npy(NAME.npy); write_trace_files writes those files.
std::string write_trace(const isa::Program& program);

// Writes write_trace's text to `trace_path` and, in its directory, NAME.npy for every data
// tensor and the file of every npy tensor whose bytes are loaded (at its relative path), so the
// trace reads back from there. ConfigError if a file cannot be written.
void write_trace_files(const isa::Program& program, const std::string& trace_path);

// One instruction line without its newline: "mte2 copy dst=l1:bf16@0x0[64x128] src0=...".
std::string format_instruction(const isa::Instruction& ins);
// One tensor line: "tensor a dtype=bf16 shape=64x128 addr=0x0 init=zeros output".
std::string format_tensor(const isa::TensorDecl& tensor);

}  // namespace ascendsim::trace
