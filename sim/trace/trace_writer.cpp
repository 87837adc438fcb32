// Trace writer. Invariant that makes the round trip exact: a field is written whenever it
// differs from its default in isa::Instruction (and, for readability, always for the opcodes
// that use it); the reader leaves unwritten fields at their defaults.
#include "sim/trace/trace_writer.hpp"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sim/config/config_node.hpp"
#include "sim/trace/npy.hpp"
#include "sim/trace/trace_syntax.hpp"

namespace ascendsim::trace {
namespace {

using isa::Instruction;
using isa::Opcode;
namespace fs = std::filesystem;

template <std::size_t N>
const char* name_of(const std::array<const char*, N>& names, int i) {
  return i >= 0 && i < int(N) ? names[i] : "?";
}

bool same_view(const isa::TileView& a, const isa::TileView& b) {
  return a.buffer == b.buffer && a.dtype == b.dtype && a.offset == b.offset && a.rows == b.rows &&
         a.cols == b.cols && a.row_stride == b.row_stride;
}

bool uses_imm(Opcode op) {
  return op == Opcode::vadds || op == Opcode::vmuls || op == Opcode::vmaxs || op == Opcode::vmins ||
         op == Opcode::vdup || op == Opcode::fixpipe || op == Opcode::vscan;
}

bool is_positive_zero(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b == 0;
}

std::string init_text(const isa::TensorDecl& t) {
  using Kind = isa::TensorInit::Kind;
  const isa::TensorInit& i = t.init;
  switch (i.kind) {
    case Kind::zeros:
      return "zeros";
    case Kind::uninitialized:
      return "uninitialized";
    case Kind::data:
      return "npy(" + t.name + ".npy)";
    case Kind::npy:
      return "npy(" + i.path + ")";
    case Kind::uniform:
    case Kind::normal:
    case Kind::laplace:
    case Kind::student_t:
    case Kind::cauchy:
    case Kind::outliers:
    case Kind::hybrid:
    case Kind::resonance: {
      const syntax::GeneratorSyntax& g = *syntax::find_generator(i.kind);
      const double values[3] = {i.a, i.b, i.c};
      std::string text = std::string(g.name) + "(seed=" + std::to_string(i.seed);
      for (std::size_t k = 0; k < g.keys.size() && g.keys[k]; ++k)
        text += std::string(",") + g.keys[k] + "=" + syntax::format_double(values[k]);
      return text + ")";
    }
  }
  throw std::invalid_argument("tensor '" + t.name + "': unknown init kind");
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw config::ConfigError(path.string() + ": cannot write trace");
  out << text;
  if (!out) throw config::ConfigError(path.string() + ": error writing trace");
}

}  // namespace

std::string format_tensor(const isa::TensorDecl& t) {
  if (!syntax::is_plain_token(t.name))
    throw std::invalid_argument("tensor name '" + t.name + "' cannot be written in a trace");
  if (t.init.kind == isa::TensorInit::Kind::npy && !syntax::is_plain_token(t.init.path))
    throw std::invalid_argument("tensor '" + t.name + "': npy path '" + t.init.path +
                                "' cannot be written in a trace");
  std::string s = "tensor " + t.name + " dtype=" + std::string(numeric::dtype_name(t.dtype)) +
                  " shape=" + syntax::format_shape(t.shape) +
                  " addr=" + syntax::format_hex(t.address) + " init=" + init_text(t);
  if (t.output) s += " output";
  return s;
}

std::string format_instruction(const Instruction& ins) {
  const bool cross = ins.op == Opcode::cross_core_set || ins.op == Opcode::cross_core_wait;
  const bool flag_op = ins.op == Opcode::set_flag || ins.op == Opcode::wait_flag;
  std::string s =
      std::string(isa::pipe_name(ins.pipe)) + " " + std::string(isa::opcode_name(ins.op));
  const std::array<std::pair<const char*, const isa::TileView*>, 5> views{{{"dst", &ins.dst},
                                                                           {"src0", &ins.src0},
                                                                           {"src1", &ins.src1},
                                                                           {"src2", &ins.src2},
                                                                           {"src3", &ins.src3}}};
  for (const auto& [key, v] : views)
    if (!same_view(*v, isa::TileView{}))
      s += std::string(" ") + key + "=" + syntax::format_view(*v);
  for (std::size_t bit = 0; bit < syntax::kFlagWords.size(); ++bit)
    if (ins.flags & (1u << bit)) s += std::string(" ") + syntax::kFlagWords[bit];
  if (const unsigned extra = ins.flags >> syntax::kFlagWords.size())
    s += " flags=" + syntax::format_hex(extra << syntax::kFlagWords.size());
  if (flag_op || ins.op == Opcode::pipe_barrier || ins.peer != isa::Pipe::S)
    s += " peer=" + std::string(isa::pipe_name(ins.peer));
  if (cross)
    s += " flag=" + std::to_string(ins.event_id);
  else if (flag_op || ins.event_id != 0)
    s += " event=" + std::to_string(ins.event_id);
  if (ins.op == Opcode::cross_core_set || ins.mode != isa::SyncMode::aic_aiv)
    s += std::string(" mode=") + name_of(syntax::kModeNames, int(ins.mode));
  if (ins.op == Opcode::vcmp || ins.cmp != isa::CmpMode::eq)
    s += std::string(" cmp=") + name_of(syntax::kCmpNames, int(ins.cmp));
  if (ins.op == Opcode::vscan || ins.scan != isa::ScanMode::linear)
    s += std::string(" scan=") + name_of(syntax::kScanNames, int(ins.scan));
  if (ins.op == Opcode::vcast || ins.op == Opcode::fixpipe ||
      ins.rounding != numeric::Rounding::nearest_even)
    s += " rounding=" + std::string(numeric::rounding_name(ins.rounding));
  if (ins.op == Opcode::nop || ins.cycles != 0) s += " cycles=" + std::to_string(ins.cycles);
  if (uses_imm(ins.op) || !is_positive_zero(ins.imm)) s += " imm=" + syntax::format_double(ins.imm);
  return s;
}

std::string write_trace(const isa::Program& program) {
  std::string out = std::string(syntax::kHeader) + " " + std::to_string(syntax::kVersion) + "\n";
  if (!program.kernel.empty()) {
    const std::string& k = program.kernel;
    if (k.find_first_of("\n\r") != std::string::npos || k.front() != '{' || k.back() != '}')
      throw std::invalid_argument("Program::kernel must be a one-line {...} object to be traced");
    out += "kernel " + k + "\n";
  }
  if (!program.tensors.empty()) out += "\n";
  for (const isa::TensorDecl& t : program.tensors) out += format_tensor(t) + "\n";
  for (const isa::CoreProgram& c : program.cores) {
    out += "\ncore " + isa::core_name(c.core) + "\n";
    auto region = c.regions.begin();
    for (std::size_t i = 0; i <= c.instructions.size(); ++i) {
      for (; region != c.regions.end() && region->first == i; ++region) {
        const std::string& l = region->label;
        if (l.empty() || l.find_first_of("\n\r") != std::string::npos ||
            std::isspace(static_cast<unsigned char>(l.front())) ||
            std::isspace(static_cast<unsigned char>(l.back())))
          throw std::invalid_argument("region label '" + l +
                                      "' must be one trimmed, non-empty line to be traced");
        out += "region " + region->label + "\n";
      }
      if (i < c.instructions.size()) out += format_instruction(c.instructions[i]) + "\n";
    }
    if (region != c.regions.end())
      throw std::invalid_argument("the regions of " + isa::core_name(c.core) +
                                  " are not sorted or start past its last instruction");
  }
  return out;
}

void write_trace_files(const isa::Program& program, const std::string& trace_path) {
  const std::string text = write_trace(program);  // validates names before touching files
  const fs::path dir = fs::path(trace_path).parent_path();
  for (const isa::TensorDecl& t : program.tensors) {
    fs::path file;
    if (t.init.kind == isa::TensorInit::Kind::data) {
      file = dir / (t.name + ".npy");
    } else if (t.init.kind == isa::TensorInit::Kind::npy && !t.data.empty() &&
               fs::path(t.init.path).is_relative()) {
      file = dir / t.init.path;
      std::error_code ec;
      fs::create_directories(file.parent_path(), ec);
    } else {
      continue;
    }
    if (t.data.size() != t.bytes())
      throw config::ConfigError(file.string() + ": tensor '" + t.name + "' holds " +
                                std::to_string(t.data.size()) + " bytes, its shape needs " +
                                std::to_string(t.bytes()));
    write_npy(file.string(), tensor_to_npy(t.dtype, t.shape, t.data));
  }
  write_file(trace_path, text);
}

}  // namespace ascendsim::trace
