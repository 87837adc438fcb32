#pragma once
// Internal to sim/isa's validation: message helpers shared by validate_instruction.cpp and
// validate_units.cpp, and the per-unit rule checks. Each check returns the problem without the
// "<opcode>: " prefix, or nullopt.
#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/instruction.hpp"

namespace ascendsim::isa::detail {

using Problem = std::optional<std::string>;

inline constexpr int kOperandCount = 5;
inline constexpr std::array<const char*, kOperandCount> kOperandNames{"dst", "src0", "src1", "src2",
                                                                      "src3"};

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
inline std::string str(Pipe p) { return std::string(pipe_name(p)); }
inline std::string str(Buffer b) { return std::string(buffer_name(b)); }
inline std::string str(DType t) { return std::string(numeric::dtype_name(t)); }
inline std::string shape(const TileView& v) {
  return std::to_string(v.rows) + "x" + std::to_string(v.cols);
}

inline bool pipe_on_core(Pipe p, CoreKind kind) {
  switch (p) {
    case Pipe::S:
    case Pipe::MTE2:
      return true;
    case Pipe::M:
    case Pipe::MTE1:
    case Pipe::FIX:
      return kind == CoreKind::AIC;
    case Pipe::V:
    case Pipe::MTE3:
      return kind == CoreKind::AIV;
    case Pipe::ALL:
      return false;
  }
  return false;
}
inline const char* core_pipes(CoreKind kind) {
  return kind == CoreKind::AIC ? "s, m, mte1, mte2, fix" : "s, v, mte2, mte3";
}

inline std::array<const TileView*, kOperandCount> operands(const Instruction& ins) {
  return {&ins.dst, &ins.src0, &ins.src1, &ins.src2, &ins.src3};
}

// Opcode semantics, run after every used operand passed its own checks.
Problem check_copy(const Instruction& ins);
Problem check_mmad(const Instruction& ins, const config::HardwareConfig& hw);
Problem check_fixpipe(const Instruction& ins);
// `used`: bit i set for each operand (dst, src0, src1, src2, src3) present.
Problem check_vector(const Instruction& ins, const config::HardwareConfig& hw, unsigned used);
Problem check_sync(const Instruction& ins, CoreKind kind, const config::HardwareConfig& hw);

}  // namespace ascendsim::isa::detail
