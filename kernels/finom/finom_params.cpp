// Reading and reporting the W1 kernels' parameters (schema in finom_params.hpp), and the fp64
// problem they define.
#include "kernels/finom/finom_params.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "kernels/finom/finom_sinkhorn.hpp"
#include "sim/trace/npy.hpp"

namespace ascendsim::kernels::finom {

std::string method_kernel_name(Method m) { return m == Method::finom ? "finom" : "sinkhorn_dense"; }

namespace {

std::string existing_path(const config::ConfigNode& node) {
  std::filesystem::path p = node.as_string();
  if (p.is_relative()) p = std::filesystem::path(node.file()).parent_path() / p;
  if (!std::filesystem::is_regular_file(p))
    node.fail("an existing .npy file (relative paths start at the run file's directory)");
  return p.string();
}

MeshInput read_mesh(const config::ConfigNode& node) {
  MeshInput m;
  m.where = node.where();
  const std::string kind =
      node.child("mesh").as_enum({"uniform", "graded", "chebyshev", "random", "file"});
  if (kind == "file") {
    m.path = existing_path(node.child("path"));
    return m;
  }
  m.spec.kind = parse_mesh_kind(kind);
  m.spec.n = static_cast<std::int64_t>(node.child("n").as_uint(2, std::uint64_t(1) << 26));
  if (m.spec.kind == MeshKind::graded) m.spec.p = node.get_double("p", 2.0, 1e-3, 1e3);
  if (m.spec.kind == MeshKind::random) m.spec.seed = node.get_uint("seed", 1);
  return m;
}

WeightsInput read_weights(const config::ConfigNode& node) {
  WeightsInput w;
  w.where = node.where();
  if (node.is_map()) {
    w.path = existing_path(node.child("path"));
    return w;
  }
  if (!node.is_sequence() || node.items().empty())
    node.fail("a list of mixture components {weight, mean, sigma} or {path: file.npy}");
  for (const config::ConfigNode& c : node.items()) {
    GaussianComponent g;
    g.weight = c.get_double("weight", 1.0, 0.0, 1e300);
    g.mean = c.get_double("mean", 0.5);
    g.sigma = c.get_double("sigma", 0.1, 1e-300, 1e300);
    if (!(g.sigma > 0)) c.child("sigma").fail("a standard deviation > 0");
    w.components.push_back(g);
  }
  return w;
}

Json mesh_json(const MeshInput& m) {
  if (!m.path.empty()) return Json{{"mesh", "file"}, {"path", m.path}};
  Json j{{"mesh", mesh_kind_name(m.spec.kind)}, {"n", m.spec.n}};
  if (m.spec.kind == MeshKind::graded) j["p"] = m.spec.p;
  if (m.spec.kind == MeshKind::random) j["seed"] = m.spec.seed;
  return j;
}

Json weights_json(const WeightsInput& w) {
  if (!w.path.empty()) return Json{{"path", w.path}};
  Json j = Json::array();
  for (const GaussianComponent& g : w.components)
    j.push_back(Json{{"weight", g.weight}, {"mean", g.mean}, {"sigma", g.sigma}});
  return j;
}

// A 1-D float64 or float32 .npy as doubles.
Vec read_npy_vector(const std::string& path, const std::string& where) {
  const trace::NpyArray arr = trace::read_npy(path);
  if (arr.shape.size() != 1 || (arr.descr != "<f8" && arr.descr != "<f4"))
    throw config::ConfigError(where + ": " + path + " must be a 1-D float64 or float32 array, is " +
                              arr.descr + " of " + std::to_string(arr.shape.size()) + " dims");
  Vec v(static_cast<Eigen::Index>(arr.shape[0]));
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (arr.descr == "<f8") {
      std::memcpy(&v(i), arr.data.data() + 8 * i, 8);
    } else {
      float f;
      std::memcpy(&f, arr.data.data() + 4 * i, 4);
      v(i) = f;
    }
  }
  return v;
}

Vec mesh_nodes(const MeshInput& m, const char* what) {
  Vec x;
  try {
    x = m.path.empty() ? make_mesh(m.spec) : read_npy_vector(m.path, m.where);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(m.where + ": " + e.what());
  }
  if (x.size() < 2)
    throw config::ConfigError(m.where + ": the " + what + " mesh needs at least 2 nodes");
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (!(x(i) >= 0.0 && x(i) <= 1.0))
      throw config::ConfigError(m.where + ": " + what + " node " + std::to_string(i) + " = " +
                                std::to_string(x(i)) + " is outside [0, 1]");
    if (i > 0 && x(i) < x(i - 1))
      throw config::ConfigError(m.where + ": " + what + " nodes must be sorted; node " +
                                std::to_string(i) + " is below node " + std::to_string(i - 1));
  }
  return x;
}

Vec weights_at(const WeightsInput& w, const Vec& x, const char* what) {
  try {
    if (w.path.empty()) return gaussian_mixture_weights(x, w.components);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(w.where + ": " + e.what());
  }
  Vec a = read_npy_vector(w.path, w.where);
  if (a.size() != x.size())
    throw config::ConfigError(w.where + ": " + std::to_string(a.size()) + " weights for " +
                              std::to_string(x.size()) + " " + what + " nodes");
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!(a(i) >= 0.0) || !std::isfinite(a(i)))
      throw config::ConfigError(w.where + ": weight " + std::to_string(i) + " is " +
                                std::to_string(a(i)) + "; weights must be finite and >= 0");
  const double sum = a.sum();
  if (!(sum > 0)) throw config::ConfigError(w.where + ": the weights sum to 0");
  return a / sum;
}

}  // namespace

FinomParams read_finom_params(const config::ConfigNode& kernel, Method method) {
  FinomParams p;
  p.method = method;
  p.source.spec = {MeshKind::graded, 2048, 2.0, 0};
  p.target.spec = {MeshKind::chebyshev, 2048, 1.0, 0};
  p.source_weights.components = {{1.0, 0.3, 0.1}, {0.5, 0.75, 0.05}};
  p.target_weights.components = {{1.0, 0.6, 0.15}};
  if (const auto s = kernel.optional_child("source")) p.source = read_mesh(*s);
  if (const auto t = kernel.optional_child("target")) p.target = read_mesh(*t);
  if (const auto w = kernel.optional_child("source_weights")) p.source_weights = read_weights(*w);
  if (const auto w = kernel.optional_child("target_weights")) p.target_weights = read_weights(*w);
  p.eps = kernel.get_double("eps", p.eps, 1e-6, 10.0);
  p.tol = kernel.get_double("tol", p.tol, 0.0, 1.0);
  p.max_iter = static_cast<std::uint32_t>(kernel.get_uint("max_iter", p.max_iter, 1, 1000000));
  if (const auto it = kernel.optional_child("iterations")) {
    const std::string text = it->is_scalar() ? it->as_string() : std::string();
    if (text != "auto") {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        it->fail("auto or an iteration count in [1, 1000000]");
      p.iterations = static_cast<std::uint32_t>(it->as_uint(1, 1000000));
    }
  }
  if (const auto c = kernel.optional_child("cores")) {
    p.cores = static_cast<std::uint32_t>(c->as_uint(1, 65535));
    p.where_cores = c->where();
  }
  if (const auto l = kernel.optional_child("lanes")) {
    if (method != Method::finom)
      throw config::ConfigError(l->where() + ": `lanes` is finom's scan tiling; remove it here");
    p.lanes = static_cast<std::uint32_t>(l->as_uint(0, 4096));
    if (p.lanes % 8 != 0) l->fail("0 (auto) or a multiple of 8 (32-byte rows of fp32)");
    p.where_lanes = l->where();
  }
  return p;
}

Json finom_params_json(const FinomParams& p) {
  Json j{{"source", mesh_json(p.source)},
         {"target", mesh_json(p.target)},
         {"source_weights", weights_json(p.source_weights)},
         {"target_weights", weights_json(p.target_weights)},
         {"eps", p.eps},
         {"tol", p.tol},
         {"iterations", p.iterations ? Json(p.iterations) : Json("auto")},
         {"max_iter", p.max_iter}};
  if (p.cores) j["cores"] = p.cores;
  if (p.method == Method::finom) j["lanes"] = p.lanes;
  return j;
}

std::uint32_t resolve_iterations(const FinomParams& p, const Problem& pr) {
  if (p.iterations) return p.iterations;
  SinkhornParams sp;
  sp.eps = p.eps;
  sp.tol = p.tol;
  sp.max_iter = int(p.max_iter);
  sp.dense_cost = false;
  return std::uint32_t(sinkhorn(pr.x, pr.a, pr.y, pr.b, sp).iterations);
}

Problem make_problem(const FinomParams& p) {
  Problem pr;
  pr.x = mesh_nodes(p.source, "source");
  pr.y = mesh_nodes(p.target, "target");
  pr.a = weights_at(p.source_weights, pr.x, "source");
  pr.b = weights_at(p.target_weights, pr.y, "target");
  return pr;
}

}  // namespace ascendsim::kernels::finom
