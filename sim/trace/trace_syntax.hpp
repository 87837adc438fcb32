#pragma once
// The value syntax of traces/FORMAT.md, shared by the writer and the reader so every formatted
// value parses back to the same bits. Parsers return nullopt (or an error text) and leave the
// file:line prefix to the caller.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/isa/instruction.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::trace::syntax {

inline constexpr std::string_view kHeader = "ascendsim-trace";
inline constexpr int kVersion = 1;

// Spellings of the instruction enums; index = enum value (flag words: bit number).
inline constexpr std::array<const char*, 7> kFlagWords{
    "accumulate", "transpose", "atomic_add", "relu", "saturate", "first_axis", "reverse"};
inline constexpr std::array<const char*, 6> kCmpNames{"eq", "ne", "lt", "le", "gt", "ge"};
inline constexpr std::array<const char*, 2> kScanNames{"linear", "logaddexp"};
inline constexpr std::array<const char*, 3> kModeNames{"all_cores", "aiv_pair", "aic_aiv"};

// Doubles: the shortest text that reads back to the same double ("1", "0.1", "-0", "inf",
// "1e+300"); NaN as its bit pattern "nan:0x7ff8000000000000". Reading also takes "nan" and a
// leading "+".
std::string format_double(double x);
std::optional<double> parse_double(std::string_view s);

// Unsigned integers: decimal or 0x-prefixed hex; nullopt on overflow or junk.
std::string format_hex(std::uint64_t v);
std::optional<std::uint64_t> parse_uint(std::string_view s);

// Tile views: buffer:dtype@offset[rowsxcols] or buffer:dtype@offset[rowsxcols/row_stride];
// the stride is written exactly when row_stride != 0.
std::string format_view(const isa::TileView& v);
// nullopt + `error` set on failure ("unknown buffer 'l3'").
std::optional<isa::TileView> parse_view(std::string_view s, std::string& error);

// Tensor shapes: 64x128, 1024, 2x64x128.
std::string format_shape(const std::vector<std::uint64_t>& shape);
std::optional<std::vector<std::uint64_t>> parse_shape(std::string_view s);

// The generator inits NAME(seed=S,KEY=V,...): name, kind, and the keys of TensorInit's a, b, c
// in that order (nullptr past the last) with the values a trace that omits them gets.
struct GeneratorSyntax {
  const char* name;
  isa::TensorInit::Kind kind;
  std::array<const char*, 3> keys;
  std::array<double, 3> defaults;
};
inline constexpr std::array<GeneratorSyntax, 8> kGenerators{{
    {"uniform", isa::TensorInit::Kind::uniform, {"lo", "hi", nullptr}, {0.0, 1.0, 0.0}},
    {"normal", isa::TensorInit::Kind::normal, {"mean", "std", nullptr}, {0.0, 1.0, 0.0}},
    {"laplace", isa::TensorInit::Kind::laplace, {"loc", "scale", nullptr}, {0.0, 1.0, 0.0}},
    {"student_t", isa::TensorInit::Kind::student_t, {"dof", nullptr, nullptr}, {5.0, 1.0, 0.0}},
    {"cauchy", isa::TensorInit::Kind::cauchy, {"loc", "scale", nullptr}, {0.0, 1.0, 0.0}},
    {"outliers", isa::TensorInit::Kind::outliers, {"std", "rate", "scale"}, {1.0, 0.001, 10.0}},
    {"hybrid", isa::TensorInit::Kind::hybrid, {"mean", "amplitude", "rate"}, {0.0, 10.0, 0.001}},
    {"resonance",
     isa::TensorInit::Kind::resonance,
     {"mean", "amplitude", "phase"},
     {0.0, 10.0, 0.0}},
}};
// The entry for a generator kind or name; nullptr for zeros, uninitialized, data, npy.
const GeneratorSyntax* find_generator(isa::TensorInit::Kind kind);
const GeneratorSyntax* find_generator(std::string_view name);

// Names the format accepts for tensors and npy paths: no whitespace, '#', '(', ')', ',' or '='.
bool is_plain_token(std::string_view s);

}  // namespace ascendsim::trace::syntax
