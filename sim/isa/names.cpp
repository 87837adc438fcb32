// Names of pipes, buffers, cores and opcodes: the spelling used in traces, YAML and stat paths.
#include <array>
#include <string>

#include "sim/isa/instruction.hpp"

namespace ascendsim::isa {
namespace {

constexpr std::array<std::string_view, kPipeCount + 1> kPipeNames{"s",    "v",    "m",   "mte1",
                                                                  "mte2", "mte3", "fix", "all"};
constexpr std::array<std::string_view, kBufferCount> kBufferNames{"gm", "l1", "l0a", "l0b",
                                                                  "l0c", "ub", "bt", "fb"};
constexpr std::array<std::string_view, kOpcodeCount> kOpcodeNames{
    "copy",     "mmad",     "fixpipe",  "vadd",     "vsub",     "vmul",      "vdiv",
    "vmax",     "vmin",     "vadds",    "vmuls",    "vmaxs",    "vmins",     "vexp",
    "vln",      "vabs",     "vsqrt",    "vrsqrt",   "vrec",     "vrelu",     "vdup",
    "vcast",    "vrowmax",  "vrowmin",  "vrowsum",  "vrow_add", "vrow_sub",  "vrow_mul",
    "vrow_div", "vrow_max", "vcmp",     "vsel",     "vscan",    "set_flag",  "wait_flag",
    "pipe_barrier", "cross_core_set", "cross_core_wait", "nop"};

template <std::size_t N>
int find_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::string_view pipe_name(Pipe p) { return kPipeNames[static_cast<int>(p)]; }
std::optional<Pipe> parse_pipe(std::string_view name) {
  int i = find_name(kPipeNames, name);
  if (i < 0) return std::nullopt;
  return static_cast<Pipe>(i);
}

std::string_view buffer_name(Buffer b) { return kBufferNames[static_cast<int>(b)]; }
std::optional<Buffer> parse_buffer(std::string_view name) {
  int i = find_name(kBufferNames, name);
  if (i < 0) return std::nullopt;
  return static_cast<Buffer>(i);
}

std::string_view core_kind_name(CoreKind k) { return k == CoreKind::AIC ? "aic" : "aiv"; }

std::string core_name(const CoreId& c) {
  return "die" + std::to_string(c.die) + "." + std::string(core_kind_name(c.kind)) +
         std::to_string(c.index);
}

std::optional<CoreId> parse_core_name(std::string_view name) {
  // die<N>.aic<M> | die<N>.aiv<M>
  auto parse_number = [](std::string_view s, std::uint16_t& out) {
    if (s.empty() || s.size() > 5) return false;
    unsigned v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + unsigned(ch - '0');
    }
    if (v > 65535) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
  };
  if (name.substr(0, 3) != "die") return std::nullopt;
  auto dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  CoreId id;
  if (!parse_number(name.substr(3, dot - 3), id.die)) return std::nullopt;
  auto rest = name.substr(dot + 1);
  if (rest.substr(0, 3) == "aic") id.kind = CoreKind::AIC;
  else if (rest.substr(0, 3) == "aiv") id.kind = CoreKind::AIV;
  else return std::nullopt;
  if (!parse_number(rest.substr(3), id.index)) return std::nullopt;
  return id;
}

std::string_view opcode_name(Opcode op) { return kOpcodeNames[static_cast<int>(op)]; }
std::optional<Opcode> parse_opcode(std::string_view name) {
  int i = find_name(kOpcodeNames, name);
  if (i < 0) return std::nullopt;
  return static_cast<Opcode>(i);
}

Pipe pipe_for_copy(Buffer src, Buffer dst) {
  if (src == Buffer::GM && (dst == Buffer::L1 || dst == Buffer::L0A || dst == Buffer::L0B ||
                            dst == Buffer::UB))
    return Pipe::MTE2;
  if (src == Buffer::L1 && (dst == Buffer::L0A || dst == Buffer::L0B || dst == Buffer::BT))
    return Pipe::MTE1;
  if (src == Buffer::UB && (dst == Buffer::GM || dst == Buffer::L1)) return Pipe::MTE3;
  if (src == Buffer::L1 && dst == Buffer::FB) return Pipe::FIX;  // quant/ReLU params (§4)
  return Pipe::ALL;
}

bool is_vector_op(Opcode op) { return op >= Opcode::vadd && op <= Opcode::vscan; }
bool is_sync_op(Opcode op) { return op >= Opcode::set_flag && op <= Opcode::cross_core_wait; }

}  // namespace ascendsim::isa
