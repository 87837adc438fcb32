// Dotted-path lookup into report.json and golden comparisons (see report_fields.hpp).
#include "sim/cli/report_fields.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "sim/config/units.hpp"
#include "sim/report/writers.hpp"

namespace ascendsim::cli {
namespace {

namespace units = config::units;

std::vector<std::string> split_dots(const std::string& path) {
  std::vector<std::string> out(1);
  for (char c : path) {
    if (c == '.')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : ".") + parts[i];
  return out;
}

// "pipes[3][1]" -> key "pipes", indices {3, 1}; nullopt when a bracket is malformed.
bool split_indices(const std::string& segment, std::string& key, std::vector<std::size_t>& idx) {
  const auto open = segment.find('[');
  key = segment.substr(0, open);
  idx.clear();
  for (auto pos = open; pos != std::string::npos; pos = segment.find('[', pos)) {
    const auto close = segment.find(']', pos);
    if (close == std::string::npos) return false;
    const auto n = units::parse_uint(segment.substr(pos + 1, close - pos - 1));
    if (!n) return false;
    idx.push_back(static_cast<std::size_t>(*n));
    pos = close + 1;
    if (pos < segment.size() && segment[pos] != '[') return false;
  }
  return true;
}

// " (did you mean 'read_bytes'?; fields there: a, b, c)" for a missing key of `object`.
std::string hint(const Json& object, const std::string& missing) {
  std::string best;
  int best_distance = 3;
  std::string listing;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const int d = units::edit_distance(missing, it.key());
    if (d < best_distance && d < int(missing.size())) best = it.key(), best_distance = d;
    listing += (listing.empty() ? "" : ", ") + it.key();
  }
  std::string out;
  if (!best.empty()) out = "did you mean '" + best + "'?";
  if (object.size() <= 12)
    out += (out.empty() ? "" : "; ") + std::string("fields there: ") + listing;
  return out.empty() ? "" : " (" + out + ")";
}

std::string kind_of(const Json& j) {
  if (j.is_object()) return "a map";
  if (j.is_array()) return "a list";
  return "a value (" + field_text(j, "null") + ")";
}

}  // namespace

FieldLookup find_field(const Json& report, const std::string& path) {
  FieldLookup out;
  const std::string prefix = "report.json has no field '" + path + "': ";
  const std::vector<std::string> segs = split_dots(path);
  const Json* node = &report;
  std::string at;  // the path walked so far, for messages
  for (std::size_t pos = 0; pos < segs.size();) {
    if (node->is_null()) break;  // the field exists but has no value in this run
    if (!node->is_object()) {
      out.error = prefix + (at.empty() ? "the report" : "'" + at + "'") + " is " + kind_of(*node);
      return out;
    }
    // The longest run of segments that names a key: "stalls.aic.m" finds the key "aic.m".
    bool matched = false;
    for (std::size_t end = segs.size(); end > pos && !matched; --end) {
      bool inner_index = false;  // only the last segment of a dotted key may carry [i]
      for (std::size_t i = pos; i + 1 < end; ++i)
        inner_index |= segs[i].find('[') != std::string::npos;
      if (inner_index) continue;
      std::string key;
      std::vector<std::size_t> indices;
      if (!split_indices(join(segs, pos, end), key, indices)) {
        out.error = prefix + "malformed index in '" + join(segs, pos, end) + "' (write name[3])";
        return out;
      }
      const auto it = node->find(key);
      if (it == node->end()) continue;
      matched = true;
      node = &*it;
      at += (at.empty() ? "" : ".") + key;
      for (std::size_t i : indices) {
        if (!node->is_array() || i >= node->size()) {
          out.error = prefix + "'" + at + "' is " +
                      (node->is_array() ? "a list of " + std::to_string(node->size()) + " entries"
                                        : kind_of(*node));
          return out;
        }
        node = &(*node)[i];
        at += "[" + std::to_string(i) + "]";
      }
      pos = end;
    }
    if (!matched) {
      std::string key;
      std::vector<std::size_t> indices;
      split_indices(segs[pos], key, indices);
      out.error = prefix + (at.empty() ? "no top-level field" : "'" + at + "' has no field") +
                  " '" + key + "'" + hint(*node, key);
      return out;
    }
  }
  out.found = true;
  out.value = node->is_null() ? Json(nullptr) : *node;
  return out;
}

FieldGrid collect_fields(const std::vector<std::optional<Json>>& reports,
                         const std::vector<std::string>& fields) {
  FieldGrid grid;
  grid.values.assign(reports.size(), std::vector<Json>(fields.size()));
  grid.unknown.assign(fields.size(), "");
  for (std::size_t f = 0; f < fields.size(); ++f) {
    bool known = false;
    std::string error;
    for (std::size_t r = 0; r < reports.size(); ++r) {
      if (!reports[r]) continue;
      const FieldLookup found = find_field(*reports[r], fields[f]);
      if (found.found)
        grid.values[r][f] = found.value, known = true;
      else
        error = found.error;
    }
    if (!known) grid.unknown[f] = error;
  }
  return grid;
}

std::optional<Json> load_report(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "report.json");
  if (!in) return std::nullopt;
  Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string field_text(const Json& value, const std::string& null_text) {
  if (value.is_null()) return null_text;
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return report::dump_json(value);
  if (value.is_structured()) return value.dump();
  return value.dump();  // integers, bools
}

std::string field_display(const Json& value) {
  if (value.is_null()) return "n/a";
  if (!value.is_number_float()) return field_text(value);
  const double v = value.get<double>();
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1e4 ? "%.0f" : "%.4g", v);
  return buf;
}

FieldVerdict compare_field(const Expectation& e, const Json& actual) {
  FieldVerdict v;
  v.actual = field_text(actual, "null");
  if (actual.is_structured()) {
    v.bad_expectation = "report.json field '" + e.field + "' is " + kind_of(actual) +
                        ", not a value" + (actual.is_object() ? hint(actual, "") : "");
    return v;
  }
  if (e.is_null || actual.is_null()) {
    v.ok = e.is_null && actual.is_null();
    return v;
  }
  if (actual.is_boolean()) {
    const bool t = e.text == "true" || e.text == "True" || e.text == "TRUE";
    const bool f = e.text == "false" || e.text == "False" || e.text == "FALSE";
    if (!t && !f)
      v.bad_expectation = "expected true or false (report.json field '" + e.field +
                          "' is a bool), got " + units::quote(e.text);
    v.ok = (t || f) && actual.get<bool>() == t;
    return v;
  }
  if (actual.is_string()) {
    v.ok = actual.get<std::string>() == e.text;
    return v;
  }
  const auto expected = units::parse_double(e.text);
  if (!expected) {
    v.bad_expectation = "expected a number (report.json field '" + e.field +
                        "' is a number), got " + units::quote(e.text);
    return v;
  }
  double diff = std::fabs(actual.get<double>() - *expected);
  // Integers beyond 2^53 lose digits as doubles: take the difference exactly.
  const auto expected_int = units::parse_int(e.text);
  if (expected_int && actual.is_number_integer()) {
    const long double a = actual.is_number_unsigned() ? (long double)actual.get<std::uint64_t>()
                                                      : (long double)actual.get<std::int64_t>();
    diff = static_cast<double>(std::fabs(a - (long double)*expected_int));
  }
  v.ok = diff <= e.abs_tol || diff <= e.rel_tol * std::fabs(*expected);
  return v;
}

std::string tolerance_text(const Expectation& e, const Json& actual) {
  if (!actual.is_number() && !(actual.is_null() && units::parse_double(e.text))) return "-";
  if (e.abs_tol == 0 && e.rel_tol == 0) return "exact";
  auto num = [](double x) { return field_text(Json(x)); };
  if (e.rel_tol == 0) return "abs " + num(e.abs_tol);
  if (e.abs_tol == 0) return "rel " + num(e.rel_tol);
  return "abs " + num(e.abs_tol) + " or rel " + num(e.rel_tol);
}

}  // namespace ascendsim::cli
