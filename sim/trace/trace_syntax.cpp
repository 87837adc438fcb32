// Value formatting and parsing for traces. Doubles go through <charconv> (locale-independent,
// shortest round-trip); everything else is hand-scanned so errors can say what was wrong.
#include "sim/trace/trace_syntax.hpp"

#include <charconv>
#include <cstring>

namespace ascendsim::trace::syntax {
namespace {

std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

}  // namespace

std::string format_double(double x) {
  if (x != x) return "nan:" + format_hex(bits_of(x));
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

std::optional<double> parse_double(std::string_view s) {
  if (s.substr(0, 4) == "nan:") {
    const auto bits = parse_uint(s.substr(4));
    if (!bits || s.substr(4, 2) != "0x") return std::nullopt;
    const double x = from_bits(*bits);
    if (x == x) return std::nullopt;  // the bits must be a NaN
    return x;
  }
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return std::nullopt;
  double x = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), x);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

std::string format_hex(std::uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, 16);
  return "0x" + std::string(buf, res.ptr);
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  std::uint64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string format_view(const isa::TileView& v) {
  std::string s = std::string(isa::buffer_name(v.buffer)) + ":" +
                  std::string(numeric::dtype_name(v.dtype)) + "@" + format_hex(v.offset) + "[" +
                  std::to_string(v.rows) + "x" + std::to_string(v.cols);
  if (v.row_stride != 0) s += "/" + std::to_string(v.row_stride);
  return s + "]";
}

std::optional<isa::TileView> parse_view(std::string_view s, std::string& error) {
  const std::string text(s);
  const auto colon = s.find(':'), at = s.find('@'), open = s.find('[');
  if (colon == s.npos || at == s.npos || open == s.npos || !(colon < at && at < open) ||
      s.back() != ']') {
    error =
        "expected a view buffer:dtype@offset[rowsxcols] or [rowsxcols/stride], got '" + text + "'";
    return std::nullopt;
  }
  isa::TileView v;
  const auto buffer = isa::parse_buffer(s.substr(0, colon));
  if (!buffer) {
    error = "unknown buffer '" + std::string(s.substr(0, colon)) + "' in '" + text + "'";
    return std::nullopt;
  }
  v.buffer = *buffer;
  const auto dtype = numeric::parse_dtype(s.substr(colon + 1, at - colon - 1));
  if (!dtype) {
    error = "unknown dtype '" + std::string(s.substr(colon + 1, at - colon - 1)) + "' in '" + text +
            "'";
    return std::nullopt;
  }
  v.dtype = *dtype;
  const auto offset = parse_uint(s.substr(at + 1, open - at - 1));
  std::string_view dims = s.substr(open + 1, s.size() - open - 2);
  std::optional<std::uint64_t> stride = 0;
  if (const auto slash = dims.find('/'); slash != dims.npos) {
    stride = parse_uint(dims.substr(slash + 1));
    dims = dims.substr(0, slash);
  }
  const auto x = dims.find('x');
  const auto rows = x == dims.npos ? std::nullopt : parse_uint(dims.substr(0, x));
  const auto cols = x == dims.npos ? std::nullopt : parse_uint(dims.substr(x + 1));
  if (!offset || !rows || !cols || !stride || *rows > UINT32_MAX || *cols > UINT32_MAX ||
      *stride > UINT32_MAX) {
    error = "bad number in view '" + text + "'";
    return std::nullopt;
  }
  v.offset = *offset;
  v.rows = static_cast<std::uint32_t>(*rows);
  v.cols = static_cast<std::uint32_t>(*cols);
  v.row_stride = static_cast<std::uint32_t>(*stride);
  return v;
}

std::string format_shape(const std::vector<std::uint64_t>& shape) {
  std::string s;
  for (std::uint64_t d : shape) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

std::optional<std::vector<std::uint64_t>> parse_shape(std::string_view s) {
  // At most 2^56 elements, so that element and byte counts never wrap (the largest element is
  // 4 bytes).
  constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 56;
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 1;
  while (true) {
    const auto x = s.find('x');
    const auto d = parse_uint(s.substr(0, x));
    if (!d || *d == 0 || s.substr(0, 2) == "0x") return std::nullopt;
    if (__builtin_mul_overflow(elements, *d, &elements) || elements > kMaxElements)
      return std::nullopt;
    shape.push_back(*d);
    if (x == s.npos) return shape;
    s.remove_prefix(x + 1);
  }
}

const GeneratorSyntax* find_generator(isa::TensorInit::Kind kind) {
  for (const GeneratorSyntax& g : kGenerators)
    if (g.kind == kind) return &g;
  return nullptr;
}

const GeneratorSyntax* find_generator(std::string_view name) {
  for (const GeneratorSyntax& g : kGenerators)
    if (name == g.name) return &g;
  return nullptr;
}

bool is_plain_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c <= ' ' || c == '#' || c == '(' || c == ')' || c == ',' || c == '=' || c == 0x7f)
      return false;
  return true;
}

}  // namespace ascendsim::trace::syntax
