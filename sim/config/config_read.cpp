// Typed scalar reads of ConfigNode. Each read consumes the node on success and otherwise fails
// with the expectation spelled out, bounds included: "expected an unsigned integer in [1, 2]".
// Quoted and plain scalars are treated alike ("5" is a fine integer), since YAML's tagging of
// quoted text is not something a config author should have to think about.
#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "sim/config/config_node.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::config {
namespace {

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", v);
  return buffer;
}
std::string format_number(std::int64_t v) { return std::to_string(v); }
std::string format_number(std::uint64_t v) { return std::to_string(v); }

// "an integer", "an integer >= 3", "an integer <= 9", "an integer in [3, 9]"; an unsigned
// lower bound of 1 reads better as "> 0".
template <typename T>
std::string bounded(const std::string& noun, T min, T max, T lowest, T highest) {
  if (min == lowest && max == highest) return noun;
  if (max == highest) {
    if constexpr (std::is_same_v<T, std::uint64_t>)
      if (min == 1) return noun + " > 0";
    return noun + " >= " + format_number(min);
  }
  if (min == lowest) return noun + " <= " + format_number(max);
  return noun + " in [" + format_number(min) + ", " + format_number(max) + "]";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string dtype_choices() {
  std::vector<std::string> names;
  for (int i = 0; i < numeric::kDTypeCount; ++i)
    names.emplace_back(numeric::dtype_name(static_cast<numeric::DType>(i)));
  return "a dtype (one of " + join_names(names) + ")";
}

}  // namespace

std::string ConfigNode::as_string() const {
  auto text = scalar_text();
  if (!text) fail("a string");
  mark_consumed();
  return *text;
}

bool ConfigNode::as_bool() const {
  auto text = scalar_text();
  const bool is_true = text && (*text == "true" || *text == "True" || *text == "TRUE");
  const bool is_false = text && (*text == "false" || *text == "False" || *text == "FALSE");
  if (!is_true && !is_false) fail("true or false");  // YAML 1.2 core schema spellings
  mark_consumed();
  return is_true;
}

std::int64_t ConfigNode::as_int(std::int64_t min, std::int64_t max) const {
  auto text = scalar_text();
  auto value = text ? units::parse_int(*text) : std::nullopt;
  if (!value || *value < min || *value > max)
    fail(bounded<std::int64_t>("an integer", min, max, INT64_MIN, INT64_MAX));
  mark_consumed();
  return *value;
}

std::uint64_t ConfigNode::as_uint(std::uint64_t min, std::uint64_t max) const {
  auto text = scalar_text();
  auto value = text ? units::parse_uint(*text) : std::nullopt;
  if (!value || *value < min || *value > max) {
    if (max == UINT32_MAX)  // the width of most fields: say so rather than print 4294967295
      fail(bounded<std::uint64_t>("a 32-bit unsigned integer", min, max, 0, UINT32_MAX));
    fail(bounded<std::uint64_t>("an unsigned integer", min, max, 0, UINT64_MAX));
  }
  mark_consumed();
  return *value;
}

double ConfigNode::as_double(double min, double max) const {
  auto text = scalar_text();
  auto value = text ? units::parse_double(*text) : std::nullopt;
  if (!value || *value < min || *value > max)
    fail(bounded<double>("a number", min, max, -1e308, 1e308));
  mark_consumed();
  return *value;
}

std::uint64_t ConfigNode::as_bytes() const {
  auto text = scalar_text();
  auto value = text ? units::parse_bytes(*text) : std::nullopt;
  if (!value || *value == 0) fail("a byte size > 0");
  mark_consumed();
  return *value;
}

double ConfigNode::as_frequency_hz() const {
  auto text = scalar_text();
  auto value = text ? units::parse_frequency_hz(*text) : std::nullopt;
  if (!value || *value <= 0) fail("a frequency > 0");
  mark_consumed();
  return *value;
}

double ConfigNode::as_bandwidth() const {
  auto text = scalar_text();
  auto value = text ? units::parse_bandwidth(*text) : std::nullopt;
  if (!value || *value <= 0) fail("a bandwidth > 0");
  mark_consumed();
  return *value;
}

numeric::DType ConfigNode::as_dtype() const {
  auto text = scalar_text();
  auto value = text ? numeric::parse_dtype(*text) : std::nullopt;
  if (!value) fail(dtype_choices());
  mark_consumed();
  return *value;
}

std::string ConfigNode::as_enum(const std::vector<std::string>& allowed) const {
  auto text = scalar_text();
  if (!text || std::find(allowed.begin(), allowed.end(), *text) == allowed.end())
    fail("one of " + join_names(allowed));
  mark_consumed();
  return *text;
}

std::string ConfigNode::get_string(const std::string& key, const std::string& def) const {
  auto node = optional_child(key);
  return node ? node->as_string() : def;
}

bool ConfigNode::get_bool(const std::string& key, bool def) const {
  auto node = optional_child(key);
  return node ? node->as_bool() : def;
}

std::uint64_t ConfigNode::get_uint(const std::string& key, std::uint64_t def, std::uint64_t min,
                                   std::uint64_t max) const {
  auto node = optional_child(key);
  return node ? node->as_uint(min, max) : def;
}

double ConfigNode::get_double(const std::string& key, double def, double min, double max) const {
  auto node = optional_child(key);
  return node ? node->as_double(min, max) : def;
}

}  // namespace ascendsim::config
