// Trace reader: a line-at-a-time scanner. Lines are split on whitespace after removing a '#'
// comment; the first significant line is the version header, then tensor lines, then core
// sections whose lines are instructions. Fields not written keep isa::Instruction's defaults.
#include "sim/trace/trace_reader.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "sim/config/config_node.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/npy.hpp"
#include "sim/trace/trace_syntax.hpp"

namespace ascendsim::trace {
namespace {

using isa::Instruction;
namespace fs = std::filesystem;

std::vector<std::string> tokens_of(const std::string& line) {
  std::istringstream in(line.substr(0, line.find('#')));
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  return tokens;
}

template <typename T, std::size_t N>
std::optional<T> lookup(const std::array<const char*, N>& names, const std::string& s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<T>(i);
  return std::nullopt;
}

class Reader {
 public:
  Reader(std::string source, std::string base_dir)
      : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

  isa::Program run(const std::string& text) {
    std::istringstream in(text);
    bool header_seen = false;
    for (std::string line; std::getline(in, line);) {
      ++line_;
      if (header_seen && (kernel_line(line) || region_line(line))) continue;
      const auto tokens = tokens_of(line);
      if (tokens.empty()) continue;
      if (!header_seen) {
        header(tokens);
        header_seen = true;
      } else if (tokens[0] == "tensor") {
        tensor(tokens);
      } else if (tokens[0] == "core") {
        core(tokens);
      } else {
        instruction(tokens);
      }
    }
    if (!header_seen) {
      line_ = 1;
      fail("empty trace: expected '" + std::string(syntax::kHeader) + " " +
           std::to_string(syntax::kVersion) + "' as the first line");
    }
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw config::ConfigError(source_ + ":" + std::to_string(line_) + ": " + what);
  }

  static std::pair<std::string, std::string> split_key(const std::string& token) {
    const auto eq = token.find('=');
    if (eq == std::string::npos) return {token, ""};
    return {token.substr(0, eq), token.substr(eq + 1)};
  }

  std::uint64_t number(const std::string& key, const std::string& value, std::uint64_t max) {
    const auto v = syntax::parse_uint(value);
    if (!v) fail("bad number '" + value + "' for " + key);
    if (*v > max)
      fail(key + " " + value + " is out of range (at most " + std::to_string(max) + ")");
    return *v;
  }
  double real(const std::string& key, const std::string& value) {
    const auto v = syntax::parse_double(value);
    if (!v) fail("bad number '" + value + "' for " + key);
    return *v;
  }

  void header(const std::vector<std::string>& t) {
    if (t[0] != syntax::kHeader || t.size() != 2)
      fail("expected '" + std::string(syntax::kHeader) + " " + std::to_string(syntax::kVersion) +
           "' as the first line");
    if (t[1] != std::to_string(syntax::kVersion))
      fail("trace version " + t[1] + " is not supported (this build reads version " +
           std::to_string(syntax::kVersion) + ")");
  }

  // The rest of a line that starts with `keyword`, trimmed and taken verbatim (it may hold '#').
  static std::optional<std::string> rest_after(const std::string& line, const char* keyword) {
    const std::size_t n = std::strlen(keyword);
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, n, keyword) != 0 ||
        (line.size() > start + n && line[start + n] != ' ' && line[start + n] != '\t'))
      return std::nullopt;
    const auto first = line.find_first_not_of(" \t\r", start + n);
    const auto last = line.find_last_not_of(" \t\r");
    return first == std::string::npos ? "" : line.substr(first, last - first + 1);
  }

  // `kernel {...}`: a one-line JSON object.
  bool kernel_line(const std::string& line) {
    const auto text = rest_after(line, "kernel");
    if (!text) return false;
    if (!program_.tensors.empty() || !program_.cores.empty())
      fail("the kernel line must come before tensor and core lines");
    if (!program_.kernel.empty()) fail("a second kernel line");
    if (text->size() < 2 || text->front() != '{' || text->back() != '}')
      fail("expected 'kernel {...}' with a one-line JSON object, got '" + *text + "'");
    program_.kernel = *text;
    return true;
  }

  // `region LABEL`: names the current core's instructions from here on (isa::Region).
  bool region_line(const std::string& line) {
    const auto text = rest_after(line, "region");
    if (!text) return false;
    if (program_.cores.empty()) fail("a region line must be inside a core section");
    if (text->empty()) fail("expected 'region LABEL' with a non-empty label");
    isa::CoreProgram& c = program_.cores.back();
    if (!c.regions.empty() && c.regions.back().first == c.instructions.size())
      fail("two region lines with no instruction between them");
    c.regions.push_back({c.instructions.size(), *text});
    return true;
  }

  void tensor(const std::vector<std::string>& t) {
    if (!program_.cores.empty()) fail("tensor lines must come before the first core section");
    if (t.size() < 2 || !syntax::is_plain_token(t[1]) || t[1].find('=') != std::string::npos)
      fail("expected 'tensor NAME dtype=... shape=... addr=...'");
    isa::TensorDecl d;
    d.name = t[1];
    if (!names_.insert(d.name).second) fail("tensor '" + d.name + "' is declared twice");
    std::set<std::string> seen;
    for (std::size_t i = 2; i < t.size(); ++i) {
      const auto [key, value] = split_key(t[i]);
      if (!seen.insert(key).second) fail(key + " given twice");
      if (key == "output" && t[i] == "output") {
        d.output = true;
      } else if (key == "dtype") {
        const auto dt = numeric::parse_dtype(value);
        if (!dt) fail("unknown dtype '" + value + "'");
        d.dtype = *dt;
      } else if (key == "shape") {
        const auto shape = syntax::parse_shape(value);
        if (!shape) fail("bad shape '" + value + "' (expected dims > 0 like 64x128)");
        d.shape = *shape;
      } else if (key == "addr") {
        d.address = number(key, value, UINT64_MAX);
      } else if (key == "init") {
        d.init = init(value);
      } else {
        fail("unknown tensor field '" + key + "' (dtype, shape, addr, init, output)");
      }
    }
    for (const char* required : {"dtype", "shape", "addr"})
      if (!seen.count(required)) fail("tensor '" + d.name + "' lacks " + required + "=");
    if (d.init.kind == isa::TensorInit::Kind::npy) load_npy(d);
    program_.tensors.push_back(std::move(d));
  }

  isa::TensorInit init(const std::string& v) {
    using Kind = isa::TensorInit::Kind;
    isa::TensorInit init;
    if (v == "zeros") return init;
    if (v == "uninitialized") {
      init.kind = Kind::uninitialized;
      return init;
    }
    const auto open = v.find('(');
    if (open == std::string::npos || v.back() != ')') {
      std::string kinds = "zeros, uninitialized";
      for (const syntax::GeneratorSyntax& g : syntax::kGenerators)
        kinds += std::string(", ") + g.name + "(...)";
      fail("unknown init '" + v + "' (" + kinds + ", npy(FILE))");
    }
    const std::string kind = v.substr(0, open), args = v.substr(open + 1, v.size() - open - 2);
    if (kind == "npy") {
      if (!syntax::is_plain_token(args)) fail("bad npy file name '" + args + "'");
      init.kind = Kind::npy;
      init.path = args;
      return init;
    }
    const syntax::GeneratorSyntax* g = syntax::find_generator(kind);
    if (!g) fail("unknown init '" + kind + "'");
    init.kind = g->kind;
    double* const fields[3] = {&init.a, &init.b, &init.c};
    std::string key_list = "seed";
    for (std::size_t k = 0; k < g->keys.size(); ++k) {
      *fields[k] = g->defaults[k];
      if (g->keys[k]) key_list += std::string(", ") + g->keys[k];
    }
    std::istringstream in(args);
    std::set<std::string> seen;
    for (std::string arg; std::getline(in, arg, ',');) {
      const auto [key, value] = split_key(arg);
      if (!seen.insert(key).second) fail(key + " given twice in '" + v + "'");
      if (key == "seed") {
        init.seed = number(key, value, UINT64_MAX);
        continue;
      }
      std::size_t k = 0;
      while (k < g->keys.size() && g->keys[k] && key != g->keys[k]) ++k;
      if (k == g->keys.size() || !g->keys[k])
        fail("unknown " + kind + " argument '" + key + "' (" + key_list + ")");
      *fields[k] = real(key, value);
    }
    if (const std::string error = generator_param_error(init); !error.empty()) fail(error);
    return init;
  }

  void load_npy(isa::TensorDecl& d) {
    fs::path file(d.init.path);
    if (file.is_relative() && !base_dir_.empty()) file = fs::path(base_dir_) / file;
    if (!fs::exists(file))
      fail("tensor '" + d.name + "': npy file '" + d.init.path + "' not found (looked for " +
           file.string() + ")");
    try {
      d.data = tensor_from_npy(read_npy(file.string()), d.dtype, d.shape, file.string());
    } catch (const config::ConfigError& e) {
      fail("tensor '" + d.name + "': " + e.what());
    }
  }

  void core(const std::vector<std::string>& t) {
    if (t.size() != 2) fail("expected 'core dieN.aicM' or 'core dieN.aivM'");
    const auto id = isa::parse_core_name(t[1]);
    if (!id) fail("bad core name '" + t[1] + "' (expected like die0.aic3 or die0.aiv7)");
    for (const isa::CoreProgram& c : program_.cores)
      if (c.core == *id) fail("core " + t[1] + " has two sections");
    program_.cores.push_back(isa::CoreProgram{*id, {}, {}});
  }

  void instruction(const std::vector<std::string>& t) {
    if (program_.cores.empty())
      fail("'" + t[0] + "' before any 'core' line (expected tensor or core)");
    const auto pipe = isa::parse_pipe(t[0]);
    if (!pipe) fail("unknown pipe '" + t[0] + "' (s, v, m, mte1, mte2, mte3, fix, all)");
    if (t.size() < 2) fail("expected an opcode after the pipe");
    const auto op = isa::parse_opcode(t[1]);
    if (!op) fail("unknown opcode '" + t[1] + "'");
    Instruction ins;
    ins.pipe = *pipe;
    ins.op = *op;
    std::set<std::string> seen;
    for (std::size_t i = 2; i < t.size(); ++i) field(ins, t[i], seen);
    program_.cores.back().instructions.push_back(ins);
  }

  void field(Instruction& ins, const std::string& token, std::set<std::string>& seen) {
    auto [key, value] = split_key(token);
    if (key == "src") key = "src0";
    const std::string slot = key == "flag" ? "event" : key;  // one field, two spellings
    if (!seen.insert(slot).second) fail(key + " given twice");
    if (token.find('=') == std::string::npos) {
      const auto bit = lookup<int>(syntax::kFlagWords, key);
      if (!bit) {
        std::string words;
        for (const char* w : syntax::kFlagWords)
          words += (words.empty() ? "" : ", ") + std::string(w);
        fail("unknown word '" + key + "' (flags: " + words + ")");
      }
      ins.flags |= std::uint8_t(1u << *bit);
    } else if (key == "dst" || key == "src0" || key == "src1" || key == "src2" || key == "src3") {
      std::string error;
      const auto view = syntax::parse_view(value, error);
      if (!view) fail(error);
      (key == "dst"    ? ins.dst
       : key == "src0" ? ins.src0
       : key == "src1" ? ins.src1
       : key == "src2" ? ins.src2
                       : ins.src3) = *view;
    } else if (key == "peer") {
      const auto p = isa::parse_pipe(value);
      if (!p) fail("unknown pipe '" + value + "'");
      ins.peer = *p;
    } else if (key == "event" || key == "flag") {
      ins.event_id = static_cast<std::uint8_t>(number(key, value, 255));
    } else if (key == "mode") {
      auto m = lookup<isa::SyncMode>(syntax::kModeNames, value);
      if (!m && value.size() == 1 && value[0] >= '0' && value[0] <= '2')
        m = static_cast<isa::SyncMode>(value[0] - '0');
      if (!m) fail("unknown mode '" + value + "' (all_cores, aiv_pair, aic_aiv or 0-2)");
      ins.mode = *m;
    } else if (key == "cmp") {
      const auto c = lookup<isa::CmpMode>(syntax::kCmpNames, value);
      if (!c) fail("unknown cmp '" + value + "' (eq, ne, lt, le, gt, ge)");
      ins.cmp = *c;
    } else if (key == "scan") {
      const auto s = lookup<isa::ScanMode>(syntax::kScanNames, value);
      if (!s) fail("unknown scan '" + value + "' (linear, logaddexp)");
      ins.scan = *s;
    } else if (key == "rounding") {
      const auto r = numeric::parse_rounding(value);
      if (!r) fail("unknown rounding '" + value + "'");
      ins.rounding = *r;
    } else if (key == "cycles") {
      ins.cycles = static_cast<std::uint32_t>(number(key, value, UINT32_MAX));
    } else if (key == "imm") {
      ins.imm = real(key, value);
    } else if (key == "flags") {
      ins.flags |= static_cast<std::uint8_t>(number(key, value, 255));
    } else {
      fail("unknown field '" + key + "'");
    }
  }

  std::string source_, base_dir_;
  int line_ = 0;
  isa::Program program_;
  std::set<std::string> names_;
};

}  // namespace

isa::Program read_trace_text(const std::string& text, const std::string& source_name,
                             const std::string& base_dir) {
  return Reader(source_name, base_dir).run(text);
}

isa::Program read_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError(path + ": cannot open trace file");
  std::ostringstream text;
  text << in.rdbuf();
  return read_trace_text(text.str(), path, fs::path(path).parent_path().string());
}

}  // namespace ascendsim::trace
