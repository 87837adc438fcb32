#include "sim/config/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace ascendsim::config::units {
namespace {

struct Unit {
  std::string_view suffix;
  double scale;
};

// Longest suffixes first, so "KiB" is not taken for "B".
constexpr Unit kByteUnits[] = {
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    {"KB", 1e3},     {"MB", 1e6},        {"GB", 1e9},           {"TB", 1e12},
    {"B", 1.0}};
constexpr Unit kFrequencyUnits[] = {{"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {"Hz", 1.0}};
constexpr Unit kBandwidthUnits[] = {
    {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0}, {"TiB/s", 1099511627776.0},
    {"KB/s", 1e3},     {"MB/s", 1e6},        {"GB/s", 1e9},           {"TB/s", 1e12},
    {"B/s", 1.0}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [+-]? digits [. digits?]? | [+-]? . digits, then an optional exponent [eE][+-]?digits.
bool is_decimal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == s.size();
}

bool is_plain_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Splits "64 KiB" into the number text and the unit's scale; a bare number has scale 1.
template <std::size_t N>
std::optional<std::pair<std::string_view, double>> split_unit(std::string_view text,
                                                              const Unit (&units)[N]) {
  for (const Unit& u : units) {
    if (text.size() > u.suffix.size() && text.substr(text.size() - u.suffix.size()) == u.suffix) {
      std::string_view number = text.substr(0, text.size() - u.suffix.size());
      if (!number.empty() && number.back() == ' ') number.remove_suffix(1);
      return std::make_pair(number, u.scale);
    }
  }
  if (!text.empty() && (is_digit(text.back()) || text.back() == '.'))
    return std::make_pair(text, 1.0);
  return std::nullopt;
}

template <std::size_t N>
std::optional<double> parse_positive_with_unit(std::string_view text, const Unit (&units)[N]) {
  auto split = split_unit(text, units);
  if (!split) return std::nullopt;
  auto value = parse_double(split->first);
  if (!value || *value < 0) return std::nullopt;
  double scaled = *value * split->second;
  if (!std::isfinite(scaled)) return std::nullopt;
  return scaled;
}

}  // namespace

std::optional<double> parse_double(std::string_view text) {
  if (!is_decimal(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);  // from_chars does not take a '+'
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  std::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    std::uint64_t magnitude = 0;
    auto digits = body.substr(2);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, 16);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    constexpr auto kMax = std::uint64_t(std::numeric_limits<std::int64_t>::max());
    if (magnitude > kMax + (negative ? 1 : 0)) return std::nullopt;
    return negative ? std::int64_t(0 - magnitude) : std::int64_t(magnitude);
  }
  if (is_plain_integer(text)) {
    std::int64_t value = 0;
    std::string_view digits = text[0] == '+' ? text.substr(1) : text;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
  }
  // Integral floats (1e6, 2.0) up to 2^53, where doubles are still exact.
  auto value = parse_double(text);
  if (!value || std::trunc(*value) != *value || std::fabs(*value) > 9007199254740992.0)
    return std::nullopt;
  return std::int64_t(*value);
}

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  if (text.empty() || text[0] == '-') return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  if (std::all_of(text.begin(), text.end(), is_digit) && !text.empty()) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  }
  auto value = parse_int(text);
  if (!value || *value < 0) return std::nullopt;
  return std::uint64_t(*value);
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  auto split = split_unit(text, kByteUnits);
  if (!split) return std::nullopt;
  auto [number, scale] = *split;
  if (is_plain_integer(number)) {  // exact integer arithmetic for the common case
    auto count = parse_uint(number);
    auto multiplier = std::uint64_t(scale);
    if (!count || (*count != 0 && multiplier > UINT64_MAX / *count)) return std::nullopt;
    return *count * multiplier;
  }
  auto value = parse_double(number);
  if (!value || *value < 0) return std::nullopt;
  long double bytes = static_cast<long double>(*value) * scale;
  long double whole = std::round(bytes);
  if (std::fabs(bytes - whole) > 1e-9L * std::max(1.0L, whole)) return std::nullopt;
  if (whole > static_cast<long double>(UINT64_MAX)) return std::nullopt;
  return static_cast<std::uint64_t>(whole);
}

std::optional<double> parse_frequency_hz(std::string_view text) {
  return parse_positive_with_unit(text, kFrequencyUnits);
}

std::optional<double> parse_bandwidth(std::string_view text) {
  return parse_positive_with_unit(text, kBandwidthUnits);
}

int edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = int(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = int(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace ascendsim::config::units
