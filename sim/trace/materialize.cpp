// Tensor generators; the algorithm is specified in materialize.hpp and traces/FORMAT.md, and
// its first values are pinned by tests, so a change here is a change of every trace's data.
#include "sim/trace/materialize.hpp"

#include <cmath>

#include "sim/isa/host_memory.hpp"

#include <cmath>
#include <random>

#include "sim/config/config_node.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::trace {
namespace {

constexpr double kTwoPi = 6.283185307179586;  // 2 pi rounded to double
constexpr double kTwoPowMinus53 = 1.0 / 9007199254740992.0;

double unit(std::mt19937_64& gen) { return double(gen() >> 11) * kTwoPowMinus53; }

}  // namespace

std::vector<std::uint8_t> generate_tensor_bytes(const isa::TensorDecl& t) {
  using Kind = isa::TensorInit::Kind;
  const std::uint64_t n = t.elements();
  std::vector<std::uint8_t> out(numeric::dtype_bytes(t.dtype, n), 0);
  const isa::TensorInit& init = t.init;
  switch (init.kind) {
    case Kind::zeros:
    case Kind::uninitialized:
      return out;
    case Kind::data:
    case Kind::npy:
      throw config::ConfigError("tensor '" + t.name + "': its bytes were not loaded");
    case Kind::uniform:
    case Kind::normal:
      if (!std::isfinite(init.a) || !std::isfinite(init.b))
        throw config::ConfigError("tensor '" + t.name +
                                  "': generator parameters must be finite numbers");
      break;
  }
  std::mt19937_64 gen(init.seed);
  for (std::uint64_t i = 0; i < n; ++i) {
    double x;
    if (init.kind == Kind::uniform) {
      x = init.a + (init.b - init.a) * unit(gen);
    } else {
      const double u1 = 1.0 - unit(gen);  // (0, 1]: the log stays finite
      const double u2 = unit(gen);
      x = init.a + init.b * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
    }
    numeric::store_element(t.dtype, out.data(), i, x);
  }
  return out;
}

void materialize_tensors(isa::Program& program) {
  using Kind = isa::TensorInit::Kind;
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

}  // namespace ascendsim::trace
