// Reading and reporting a kernel input's generator (generated_input.hpp).
#include "kernels/common/generated_input.hpp"

#include <filesystem>

#include "sim/trace/materialize.hpp"
#include "sim/trace/trace_syntax.hpp"

namespace ascendsim::kernels {
namespace {

using Kind = isa::TensorInit::Kind;
namespace syntax = trace::syntax;

std::vector<std::string> input_kinds() {
  std::vector<std::string> kinds;
  for (const auto& g : syntax::kGenerators) kinds.emplace_back(g.name);
  kinds.emplace_back("npy");
  return kinds;
}

}  // namespace

GeneratedInput read_generated_input(const config::ConfigNode& node) {
  GeneratedInput in;
  const std::vector<std::string> kinds = input_kinds();
  const std::string kind =
      node.is_scalar() ? node.as_enum(kinds) : node.child("kind").as_enum(kinds);
  if (kind == "npy") {
    if (node.is_scalar()) node.fail("{kind: npy, path: <file.npy>}");
    in.init.kind = Kind::npy;
    const config::ConfigNode path = node.child("path");
    std::filesystem::path p = path.as_string();
    if (p.is_relative()) p = std::filesystem::path(node.file()).parent_path() / p;
    in.init.path = p.lexically_normal().string();
    in.where = path.where();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(in.init.path, ec))
      path.fail("an existing .npy file (relative paths start at the run file's directory)");
    return in;
  }
  const syntax::GeneratorSyntax* g = syntax::find_generator(kind);
  in.init.kind = g->kind;
  if (g->kind == Kind::uniform && !node.is_scalar() &&
      (node.has("mean") || node.has("amplitude"))) {
    // PASA's benchmark grid names its uniform inputs U(mean - Am, mean + Am) (PASA.md §6).
    if (node.has("lo") || node.has("hi"))
      throw config::ConfigError(node.where() +
                                ": a uniform input takes lo and hi, or mean and amplitude, "
                                "not both");
    const double mean = node.get_double("mean", 0.0), am = node.get_double("amplitude", 0.5);
    if (!(am > 0))
      node.child("amplitude").fail("an amplitude > 0 (the inputs are U(mean - Am, mean + Am))");
    in.init.a = mean - am, in.init.b = mean + am;
    return in;
  }
  double* values[3] = {&in.init.a, &in.init.b, &in.init.c};
  for (std::size_t k = 0; k < 3; ++k) {
    *values[k] = g->defaults[k];
    if (g->keys[k] && !node.is_scalar()) *values[k] = node.get_double(g->keys[k], g->defaults[k]);
  }
  // Both name the values (node.fail would end in "got a map").
  if (const std::string e = trace::generator_param_error(in.init); !e.empty())
    throw config::ConfigError(node.where() + ": " + e);
  if (in.init.kind == Kind::uniform && !(in.init.b > in.init.a))
    throw config::ConfigError(
        node.where() + ": expected a uniform distribution with lo < hi, got lo " +
        syntax::format_double(in.init.a) + ", hi " + syntax::format_double(in.init.b));
  return in;
}

Json generated_input_json(const GeneratedInput& in) {
  if (in.init.kind == Kind::npy) return Json{{"kind", "npy"}, {"path", in.init.path}};
  const syntax::GeneratorSyntax* g = syntax::find_generator(in.init.kind);
  Json j{{"kind", g->name}};
  const double values[3] = {in.init.a, in.init.b, in.init.c};
  for (std::size_t k = 0; k < 3; ++k)
    if (g->keys[k]) j[g->keys[k]] = values[k];
  return j;
}

}  // namespace ascendsim::kernels
