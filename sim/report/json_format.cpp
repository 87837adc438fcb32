// Deterministic JSON text for report.json (and for single CSV cells).
//
// Invariants: key order is the ordered_json insertion order; 2-space indent, one member or
// element per line, "{}" / "[]" when empty; integers print as integers; a double prints as
// the shortest of "%.9g" (locale-independent, via std::to_chars) and always carries a '.' or
// an exponent so readers see it is a float; -0.0 prints as 0.0; NaN and +-inf print as null
// (JSON has no spelling for them). Same value -> byte-identical text.
#include <charconv>
#include <cmath>
#include <string>

#include "sim/report/writers.hpp"

namespace ascendsim::report {
namespace {

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) v = 0;  // folds -0.0 into 0.0
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 9);
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_scalar(std::string& out, const Json& j) {
  // strings are escaped by nlohmann; invalid UTF-8 is replaced rather than thrown on
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void append(std::string& out, const Json& j, int depth) {
  const std::string pad(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  const std::string close_pad(static_cast<std::size_t>(2 * depth), ' ');
  switch (j.type()) {
    case Json::value_t::object: {
      if (j.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        append_scalar(out, Json(it.key()));
        out += ": ";
        append(out, it.value(), depth + 1);
      }
      out += "\n" + close_pad + "}";
      return;
    }
    case Json::value_t::array: {
      if (j.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& value : j) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        append(out, value, depth + 1);
      }
      out += "\n" + close_pad + "]";
      return;
    }
    case Json::value_t::number_float:
      append_double(out, j.get<double>());
      return;
    default:  // null, boolean, string, integers, binary
      append_scalar(out, j);
      return;
  }
}

}  // namespace

std::string dump_json(const Json& j) {
  std::string out;
  append(out, j, 0);
  return out;
}

}  // namespace ascendsim::report
