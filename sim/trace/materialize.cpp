// Tensor generators; the algorithm is specified in materialize.hpp and traces/FORMAT.md, and
// its first values are pinned by tests, so a change here is a change of every trace's data.
#include "sim/trace/materialize.hpp"

#include <cmath>
#include <random>

#include "sim/config/config_node.hpp"
#include "sim/isa/host_memory.hpp"
#include "sim/numeric/convert.hpp"
#include "sim/trace/trace_syntax.hpp"

namespace ascendsim::trace {
namespace {

using Kind = isa::TensorInit::Kind;

constexpr double kPi = 3.141592653589793;     // pi rounded to double
constexpr double kTwoPi = 6.283185307179586;  // 2 pi rounded to double
constexpr double kTwoPowMinus53 = 1.0 / 9007199254740992.0;
constexpr double kTwoPowMinus52 = 1.0 / 4503599627370496.0;

// o(): (0, 1) on the 2^52 midpoints (k + 1/2) 2^-52, exact in a double.
double open_unit(std::mt19937_64& gen) { return (double(gen() >> 12) + 0.5) * kTwoPowMinus52; }

// z(): a standard normal by Box-Muller, two draws.
double box_muller(std::mt19937_64& gen) {
  const double u1 = 1.0 - unit_draw(gen);  // (0, 1]: the log stays finite
  const double u2 = unit_draw(gen);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

// One element; `col` is its index along the tensor's last dimension, of size `cols` (only
// resonance's profile depends on it).
double draw(const isa::TensorInit& init, std::uint64_t col, std::uint64_t cols,
            std::mt19937_64& gen) {
  switch (init.kind) {
    case Kind::uniform:
      return init.a + (init.b - init.a) * unit_draw(gen);
    case Kind::normal: {  // not via box_muller(): std * r * c rounds as it always has
      const double u1 = 1.0 - unit_draw(gen);
      const double u2 = unit_draw(gen);
      return init.a + init.b * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
    }
    case Kind::laplace: {
      const double p = open_unit(gen);
      return p < 0.5 ? init.a + init.b * std::log(2.0 * p)
                     : init.a - init.b * std::log(2.0 * (1.0 - p));
    }
    case Kind::cauchy:
      return init.a + init.b * std::tan(kPi * (open_unit(gen) - 0.5));
    case Kind::student_t: {
      const double z0 = box_muller(gen);
      const int dof = static_cast<int>(init.a);
      double chi2 = 0.0;
      for (int k = 0; k < dof; ++k) {
        const double z = box_muller(gen);
        chi2 += z * z;
      }
      return z0 / std::sqrt(chi2 / init.a);
    }
    case Kind::outliers: {
      const double z = box_muller(gen);
      return init.a * z * (unit_draw(gen) < init.b ? init.c : 1.0);
    }
    case Kind::hybrid: {  // five draws whether or not the outlier is taken
      const double z1 = box_muller(gen);
      const double w = unit_draw(gen);
      const double z2 = box_muller(gen);
      return init.a + z1 + (w < init.c ? init.b * z2 : 0.0);
    }
    case Kind::resonance: {
      const double angle = kTwoPi * double(col) / double(cols) + init.c * kPi / 180.0;
      return init.a + init.b * std::cos(angle) + box_muller(gen);
    }
    default:
      return 0.0;  // not a generator; generate_tensor_bytes never asks
  }
}

}  // namespace

std::string generator_param_error(const isa::TensorInit& init) {
  const syntax::GeneratorSyntax* g = syntax::find_generator(init.kind);
  if (!g) return "";
  const double values[3] = {init.a, init.b, init.c};
  const std::string name = g->name;
  for (std::size_t k = 0; k < g->keys.size() && g->keys[k]; ++k)
    if (!std::isfinite(values[k]))
      return name + " " + g->keys[k] + " must be a finite number, got " +
             syntax::format_double(values[k]);
  const auto positive = [&](const char* key, double v) {
    return v > 0 ? std::string()
                 : name + " " + key + " must be > 0, got " + syntax::format_double(v);
  };
  const auto non_negative = [&](const char* key, double v) {
    return v >= 0 ? std::string()
                  : name + " " + key + " must be >= 0, got " + syntax::format_double(v);
  };
  switch (init.kind) {
    case Kind::laplace:
    case Kind::cauchy:
      return positive("scale", init.b);
    case Kind::student_t:
      if (init.a < 1 || init.a > kMaxStudentDof || init.a != std::floor(init.a))
        return "student_t dof must be an integer in [1, " + syntax::format_double(kMaxStudentDof) +
               "], got " + syntax::format_double(init.a);
      return "";
    case Kind::outliers:
      if (init.b < 0 || init.b > 1)
        return "outliers rate must be in [0, 1], got " + syntax::format_double(init.b);
      if (const std::string e = positive("std", init.a); !e.empty()) return e;
      return positive("scale", init.c);
    case Kind::hybrid:
      if (init.c < 0 || init.c > 1)
        return "hybrid rate must be in [0, 1], got " + syntax::format_double(init.c);
      return non_negative("amplitude", init.b);
    case Kind::resonance:
      return non_negative("amplitude", init.b);
    default:
      return "";
  }
}

std::vector<std::uint8_t> generate_tensor_bytes(const isa::TensorDecl& t) {
  const std::uint64_t n = t.elements();
  std::vector<std::uint8_t> out(numeric::dtype_bytes(t.dtype, n), 0);
  const isa::TensorInit& init = t.init;
  if (init.kind == Kind::zeros || init.kind == Kind::uninitialized) return out;
  if (init.kind == Kind::data || init.kind == Kind::npy)
    throw config::ConfigError("tensor '" + t.name + "': its bytes were not loaded");
  if (const std::string error = generator_param_error(init); !error.empty())
    throw config::ConfigError("tensor '" + t.name + "': " + error);
  std::mt19937_64 gen(init.seed);
  const std::uint64_t cols = t.shape.empty() ? 1 : t.shape.back();  // no elements if empty
  for (std::uint64_t i = 0, col = 0; i < n; ++i, col = col + 1 == cols ? 0 : col + 1)
    numeric::store_element(t.dtype, out.data(), i, draw(init, col, cols, gen));
  return out;
}

void materialize_tensors(isa::Program& program) {
  std::uint64_t total = 0;
  for (const isa::TensorDecl& t : program.tensors) total += t.bytes();
  isa::check_fits_host(total, "the program's tensors");
  for (isa::TensorDecl& t : program.tensors) {
    const bool carries_bytes = t.init.kind == Kind::data || t.init.kind == Kind::npy;
    if (carries_bytes || !t.data.empty()) {
      if (t.data.size() != t.bytes())
        throw config::ConfigError("tensor '" + t.name + "' holds " + std::to_string(t.data.size()) +
                                  " bytes, its shape needs " + std::to_string(t.bytes()));
      continue;
    }
    t.data = generate_tensor_bytes(t);
  }
}

double unit_draw(std::mt19937_64& gen) { return double(gen() >> 11) * kTwoPowMinus53; }

}  // namespace ascendsim::trace
