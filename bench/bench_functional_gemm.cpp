// bench_functional_gemm: throughput of the functional cube (models::execute_functional on mmad
// instructions, the data effect every functional GEMM pays per L0 step) against plain Eigen
// fp32 GEMM of the same shape in the same process.
//
// Each case is one L0-sized mmad, L0C(m x n, fp32 | int32) += L0A(m x k) * L0B(k x n), run
// back to back with accumulate on (as every mmad of a gemm output tile but its first). The
// reference is Eigen::MatrixXf C.noalias() += A * B on fp32 matrices of the same m, n, k: the
// work the simulator would do if its operands were already fp32 and column-major. The mmad
// additionally widens both inputs to fp32 and adds its product into L0C, so the ratio
// (mmad GFLOP/s / Eigen GFLOP/s) is the cost of the storage formats and of exact accumulation.
//
// Timing: a batch of mmads is doubled until it takes --min-time seconds; then --samples batches
// of mmads and of Eigen GEMMs (same size) alternate, and the best batch of each is reported. No
// SystemC design is elaborated; sc_main is only the entry point the SystemC library expects.
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "models/core/systemc.hpp"
#include "models/units/functional.hpp"
#include "sim/numeric/convert.hpp"

namespace {

volatile float g_sink;  // results stored here stay observable: no timed work is elided

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;
using ascendsim::numeric::DType;
namespace isa = ascendsim::isa;
namespace numeric = ascendsim::numeric;
namespace models = ascendsim::models;

struct Case {
  DType in;
  std::uint32_t m, n, k;
};

// The gemm kernel's default tiles: 128 x 256 output, one k0-deep L0 step of 64 (16-bit) or
// 128 (int8) elements; plus a square 128^3 step.
const Case kCases[] = {
    {DType::bf16, 128, 256, 64},  {DType::fp16, 128, 256, 64},  {DType::int8, 128, 256, 128},
    {DType::bf16, 128, 128, 128}, {DType::fp16, 128, 128, 128},
};

struct Settings {
  int samples = 7;
  double min_time = 0.1;  // seconds per batch
};

// Seconds per call of `fn` in a batch of `iters` calls.
template <class Fn>
double batch_seconds(Fn&& fn, std::uint64_t iters) {
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < iters; ++i) fn();
  return std::chrono::duration<double>(Clock::now() - t0).count() / double(iters);
}

// Best seconds per call of `a` and of `b`: the batch size doubles until a batch of `a` takes
// `min_time`, then batches of `a` and `b` alternate `samples` times, so that a noisy neighbour
// slows both alike.
template <class A, class B>
std::pair<double, double> best_of_alternating(A&& a, B&& b, const Settings& s,
                                              std::uint64_t& iters) {
  iters = 1;
  while (batch_seconds(a, iters) * double(iters) < s.min_time) iters *= 2;
  double best_a = 1e300, best_b = 1e300;
  for (int r = 0; r < s.samples; ++r) {
    best_a = std::min(best_a, batch_seconds(a, iters));
    best_b = std::min(best_b, batch_seconds(b, iters));
  }
  return {best_a, best_b};
}

isa::TileView view(isa::Buffer b, DType t, std::uint32_t rows, std::uint32_t cols) {
  isa::TileView v;
  v.buffer = b;
  v.dtype = t;
  v.rows = rows;
  v.cols = cols;
  return v;
}

std::vector<std::uint8_t> random_tile(DType t, std::uint64_t elements, std::mt19937& rng) {
  std::vector<std::uint8_t> bytes(numeric::dtype_bytes(t, elements));
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> i8(-128, 127);
  for (std::uint64_t i = 0; i < elements; ++i)
    numeric::store_element(t, bytes.data(), i, t == DType::int8 ? double(i8(rng)) : u(rng));
  return bytes;
}

Json run_case(const Case& c, const Settings& s) {
  std::mt19937 rng(7);
  const DType acc = c.in == DType::int8 ? DType::int32 : DType::fp32;
  std::vector<std::uint8_t> a = random_tile(c.in, std::uint64_t(c.m) * c.k, rng);
  std::vector<std::uint8_t> b = random_tile(c.in, std::uint64_t(c.k) * c.n, rng);
  std::vector<std::uint8_t> l0c(std::size_t(4) * c.m * c.n, 0);

  isa::Instruction ins;
  ins.op = isa::Opcode::mmad;
  ins.pipe = isa::Pipe::M;
  ins.flags = isa::flag::accumulate;
  ins.src0 = view(isa::Buffer::L0A, c.in, c.m, c.k);
  ins.src1 = view(isa::Buffer::L0B, c.in, c.k, c.n);
  ins.dst = view(isa::Buffer::L0C, acc, c.m, c.n);
  const models::Operands ops{
      {l0c.data(), ins.dst}, {a.data(), ins.src0}, {b.data(), ins.src1}, {}, {}};
  numeric::NumericEvents events;

  Eigen::MatrixXf ea(c.m, c.k), eb(c.k, c.n), ec = Eigen::MatrixXf::Zero(c.m, c.n);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (Eigen::Index i = 0; i < ea.size(); ++i) ea.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < eb.size(); ++i) eb.data()[i] = u(rng);

  // Integer accumulation wraps; values stay meaningful long enough and wrapping costs nothing.
  std::uint64_t iters = 0;
  const auto [mmad_s, eigen_s] =
      best_of_alternating([&] { models::execute_functional(ins, ops, events); },
                          [&] { ec.noalias() += ea * eb; }, s, iters);
  g_sink = ec(0, 0) + float(l0c[0]);  // keep both results observable

  const double flop = 2.0 * c.m * c.n * c.k;
  Json j;
  j["dtype"] = std::string(numeric::dtype_name(c.in));
  j["m"] = c.m;
  j["n"] = c.n;
  j["k"] = c.k;
  j["iterations"] = iters;
  j["mmad_us"] = mmad_s * 1e6;
  j["eigen_us"] = eigen_s * 1e6;
  j["mmad_gflops"] = flop / mmad_s / 1e9;
  j["eigen_fp32_gflops"] = flop / eigen_s / 1e9;
  j["ratio"] = eigen_s / mmad_s;
  return j;
}

int run(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--samples" && i + 1 < argc)
      s.samples = std::max(1, std::stoi(argv[++i]));
    else if (a == "--min-time" && i + 1 < argc)
      s.min_time = std::stod(argv[++i]);
    else {
      std::cerr << "usage: bench_functional_gemm [--samples N] [--min-time SECONDS]\n";
      return 2;
    }
  }
  Json all;
  all["bench"] = "functional_gemm";
  all["samples"] = s.samples;
  all["cases"] = Json::array();
  std::printf(
      "functional mmad vs Eigen fp32 GEMM (best of %d alternating batches, >= %.2f s each)\n",
      s.samples, s.min_time);
  std::printf("  %-6s %-13s %12s %12s %12s %12s %7s\n", "dtype", "m x n x k", "mmad us", "Eigen us",
              "mmad GF/s", "Eigen GF/s", "ratio");
  for (const Case& c : kCases) {
    const Json j = run_case(c, s);
    const std::string shape =
        std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k);
    std::printf("  %-6s %-13s %12.2f %12.2f %12.2f %12.2f %7.3f\n",
                j["dtype"].get<std::string>().c_str(), shape.c_str(), j["mmad_us"].get<double>(),
                j["eigen_us"].get<double>(), j["mmad_gflops"].get<double>(),
                j["eigen_fp32_gflops"].get<double>(), j["ratio"].get<double>());
    std::fflush(stdout);
    all["cases"].push_back(j);
  }
  std::cout << all.dump() << std::endl;
  return 0;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench_functional_gemm: " << e.what() << "\n";
    return 3;
  }
}
