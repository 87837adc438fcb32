// check_instruction: one instruction against the rules of the unit that executes it (the
// per-unit rules are in validate_units.cpp).
//
// Order of the checks, so the first message is the most useful one: the opcode's core kind,
// its pipe, its flags, which operands it uses, each operand on its own (buffer present on this
// core, alignment, bounds, stride), then the opcode's semantics (buffers, dtypes, shapes).
#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/isa/validate.hpp"
#include "sim/isa/validate_rules.hpp"

namespace ascendsim::isa {
namespace {

using namespace detail;

// Operand use per opcode: bit i = operand i (dst, src0, src1, src2, src3) is required; `optional`
// bits may be present or not.
struct OperandUse {
  unsigned required = 0, optional = 0;
};
OperandUse operand_use(Opcode op) {
  switch (op) {
    case Opcode::copy:
      return {0b0011, 0};
    case Opcode::mmad:
      return {0b0111, 0b11000};  // MX scales: both or neither (check_mmad)
    case Opcode::fixpipe:
      return {0b0011, 0b0100};
    case Opcode::vdup:
      return {0b0001, 0};
    case Opcode::vsel:
      return {0b1111, 0};
    case Opcode::vscan:
      return {0b0111, 0b1000};
    default:
      break;
  }
  if (op >= Opcode::vadd && op <= Opcode::vmin) return {0b0111, 0};
  if (op >= Opcode::vrow_add && op <= Opcode::vcmp) return {0b0111, 0};
  if (is_vector_op(op)) return {0b0011, 0};
  return {0, 0};  // sync ops and nop
}

std::uint8_t allowed_flags(Opcode op) {
  switch (op) {
    case Opcode::copy:
      return flag::transpose | flag::atomic_add;
    case Opcode::mmad:
      return flag::accumulate;
    case Opcode::fixpipe:
      return flag::atomic_add | flag::relu | flag::saturate;
    case Opcode::vcast:
      return flag::saturate;
    case Opcode::vscan:
      return flag::first_axis | flag::reverse;
    default:
      return 0;
  }
}
const char* flag_name(std::uint8_t bit) {
  switch (bit) {
    case flag::accumulate:
      return "accumulate";
    case flag::transpose:
      return "transpose";
    case flag::atomic_add:
      return "atomic_add";
    case flag::relu:
      return "relu";
    case flag::saturate:
      return "saturate";
    case flag::first_axis:
      return "first_axis";
    case flag::reverse:
      return "reverse";
    default:
      return "unknown";
  }
}

// One operand on its own: present on this core, aligned, inside the buffer, sane stride.
Problem check_view(const char* name, const TileView& v, CoreKind kind,
                   const config::HardwareConfig& hw) {
  const std::string n = name;
  if (int(v.buffer) >= kBufferCount) return n + " names no buffer";
  if (int(v.dtype) >= numeric::kDTypeCount) return n + " names no dtype";
  if (v.row_stride != 0 && v.row_stride < v.cols)
    return n + " row_stride " + std::to_string(v.row_stride) + " is smaller than its " +
           std::to_string(v.cols) + " cols";
  if (numeric::is_packed(v.dtype) && (v.cols % 2 != 0 || v.stride() % 2 != 0))
    return n + " is " + str(v.dtype) + " with " + std::to_string(v.cols) + " cols and stride " +
           std::to_string(v.stride()) + "; packed 4-bit views need both even";
  const std::uint32_t align = buffer_alignment(v.buffer);
  if (v.offset % align != 0)
    return n + " offset " + hex(v.offset) + " in " + str(v.buffer) + " is not " +
           std::to_string(align) + "-byte aligned";
  const std::uint64_t span = v.span_bytes();
  if (v.buffer == Buffer::GM) {
    if (v.offset > UINT64_MAX - span) return n + " gm bytes overflow the address space";
    return std::nullopt;  // GM extents are checked against the tensors by validate_program
  }
  const std::uint64_t capacity = hw.buffer_bytes(kind, v.buffer);
  if (capacity == 0)
    return n + " is in " + str(v.buffer) + ", which an " + std::string(core_kind_name(kind)) +
           " does not have";
  if (v.offset > capacity || span > capacity - v.offset)
    return n + " bytes [" + hex(v.offset) + ", " + hex(v.offset + span) + ") exceed the " +
           str(v.buffer) + " capacity of " + std::to_string(capacity) + " bytes";
  return std::nullopt;
}

// The pipe an opcode must run on, or ALL if any pipe of the core may carry it.
Pipe required_pipe(const Instruction& ins) {
  if (ins.op == Opcode::mmad) return Pipe::M;
  if (ins.op == Opcode::fixpipe) return Pipe::FIX;
  if (ins.op == Opcode::pipe_barrier) return Pipe::S;
  if (is_vector_op(ins.op)) return Pipe::V;
  return Pipe::ALL;
}

Problem check(const Instruction& ins, CoreKind kind, const config::HardwareConfig& hw) {
  const std::string kn(core_kind_name(kind));
  const bool cube = ins.op == Opcode::mmad || ins.op == Opcode::fixpipe;
  if (cube && kind != CoreKind::AIC) return "runs on an aic only; this core is an " + kn;
  if (is_vector_op(ins.op) && kind != CoreKind::AIV)
    return "runs on an aiv only; this core is an " + kn;
  if (int(ins.pipe) > int(Pipe::ALL) || int(ins.peer) > int(Pipe::ALL))
    return std::string("pipe or peer names no pipe");
  if (int(ins.rounding) > int(Rounding::ceil) || int(ins.cmp) > int(CmpMode::ge) ||
      int(ins.scan) > int(ScanMode::logaddexp) || int(ins.mode) > int(SyncMode::aic_aiv))
    return std::string("rounding, cmp, scan or mode is out of range");
  const Pipe want = required_pipe(ins);
  if (want != Pipe::ALL && ins.pipe != want)
    return "runs on pipe " + str(want) + ", not " + str(ins.pipe);
  if (!pipe_on_core(ins.pipe, kind))
    return "pipe " + str(ins.pipe) + " is not a pipe of an " + kn + " (" + core_pipes(kind) + ")";
  if (const std::uint8_t bad = ins.flags & ~allowed_flags(ins.op)) {
    const std::uint8_t bit = bad & std::uint8_t(-bad);  // lowest offending flag
    return std::string("flag ") + flag_name(bit) + " is not valid for " +
           std::string(opcode_name(ins.op));
  }
  const OperandUse use = operand_use(ins.op);
  const auto ops = operands(ins);
  unsigned used = use.required;
  for (int i = 0; i < kOperandCount; ++i) {
    const unsigned bit = 1u << i;
    if ((use.required & bit) && !ops[i]->valid())
      return std::string(kOperandNames[i]) + " is missing (0 rows or cols)";
    if (!((use.required | use.optional) & bit) && ops[i]->valid())
      return std::string(kOperandNames[i]) + " is set but " + std::string(opcode_name(ins.op)) +
             " does not use it";
    if ((use.optional & bit) && ops[i]->valid()) used |= bit;
  }
  for (int i = 0; i < kOperandCount; ++i)
    if (used >> i & 1u)
      if (auto p = check_view(kOperandNames[i], *ops[i], kind, hw)) return p;
  if (ins.op == Opcode::copy) return check_copy(ins);
  if (ins.op == Opcode::mmad) return check_mmad(ins, hw);
  if (ins.op == Opcode::fixpipe) return check_fixpipe(ins);
  if (is_vector_op(ins.op)) return check_vector(ins, hw, used);
  return check_sync(ins, kind, hw);
}

}  // namespace

std::optional<std::string> check_instruction(const Instruction& ins, CoreKind kind,
                                             const config::HardwareConfig& hw) {
  if (int(ins.op) >= kOpcodeCount) return "opcode " + std::to_string(int(ins.op)) + " is unknown";
  if (auto p = check(ins, kind, hw)) return std::string(opcode_name(ins.op)) + ": " + *p;
  return std::nullopt;
}

}  // namespace ascendsim::isa
