#include "sim/numeric/dtype.hpp"

#include <array>

namespace ascendsim::numeric {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  int bits;
  bool is_float;
};

constexpr std::array<DTypeInfo, kDTypeCount> kInfo{{
    {DType::fp32, "fp32", 32, true},
    {DType::fp16, "fp16", 16, true},
    {DType::bf16, "bf16", 16, true},
    {DType::int8, "int8", 8, false},
    {DType::uint8, "uint8", 8, false},
    {DType::int4, "int4", 4, false},
    {DType::int16, "int16", 16, false},
    {DType::int32, "int32", 32, false},
    {DType::fp8_e4m3, "fp8_e4m3", 8, true},
    {DType::fp8_e5m2, "fp8_e5m2", 8, true},
    {DType::fp4_e2m1, "fp4_e2m1", 4, true},
    {DType::fp4_e1m2, "fp4_e1m2", 4, true},
    {DType::e8m0, "e8m0", 8, true},
}};

constexpr std::array<std::string_view, 5> kRoundingNames{"nearest_even", "toward_zero",
                                                         "nearest_away", "floor", "ceil"};

}  // namespace

int dtype_bits(DType t) { return kInfo[static_cast<int>(t)].bits; }

std::uint64_t dtype_bytes(DType t, std::uint64_t count) {
  return (count * static_cast<std::uint64_t>(dtype_bits(t)) + 7) / 8;
}

bool is_float(DType t) { return kInfo[static_cast<int>(t)].is_float; }
bool is_packed(DType t) { return dtype_bits(t) == 4; }
std::string_view dtype_name(DType t) { return kInfo[static_cast<int>(t)].name; }

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& info : kInfo)
    if (info.name == name) return info.type;
  return std::nullopt;
}

std::string_view rounding_name(Rounding r) { return kRoundingNames[static_cast<int>(r)]; }

std::optional<Rounding> parse_rounding(std::string_view name) {
  for (std::size_t i = 0; i < kRoundingNames.size(); ++i)
    if (kRoundingNames[i] == name) return static_cast<Rounding>(i);
  return std::nullopt;
}

}  // namespace ascendsim::numeric
