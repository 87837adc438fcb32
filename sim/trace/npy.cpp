// .npy parsing and writing. The header is a Python dict literal; this reads the subset NumPy
// writes ('descr' string, 'fortran_order' bool, 'shape' tuple of ints) with a small scanner.
#include "sim/trace/npy.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include "sim/config/config_node.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::trace {
namespace {

using config::ConfigError;
constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// Scanner over the header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderScanner {
 public:
  HeaderScanner(std::string text, std::string source)
      : s_(std::move(text)), src_(std::move(source)) {}

  NpyArray parse() {
    NpyArray a;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (!peek('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        a.descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        skip_space();
        if (s_.compare(i_, 5, "False") == 0)
          i_ += 5;
        else if (s_.compare(i_, 4, "True") == 0)
          fail("Fortran-order arrays are not supported");
        else
          fail("expected True or False for 'fortran_order'");
        have_order = true;
      } else if (key == "shape") {
        a.shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected header key '" + key + "'");
      }
      if (!peek('}')) expect(',');
    }
    if (!have_descr || !have_order || !have_shape)
      fail("header lacks 'descr', 'fortran_order' or 'shape'");
    return a;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw ConfigError(src_ + ": " + what); }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t')) ++i_;
  }
  bool peek(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("malformed header, expected '") + c + "'");
    ++i_;
  }
  std::string string_literal() {
    skip_space();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) fail("malformed header string");
    const char quote = s_[i_++];
    const std::size_t end = s_.find(quote, i_);
    if (end == std::string::npos) fail("unterminated header string");
    std::string v = s_.substr(i_, end - i_);
    i_ = end + 1;
    return v;
  }
  std::vector<std::uint64_t> tuple() {
    std::vector<std::uint64_t> dims;
    expect('(');
    while (!peek(')')) {
      skip_space();
      std::uint64_t v = 0;
      std::size_t digits = 0;
      for (; i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; ++i_, ++digits) {
        if (v > (UINT64_MAX - 9) / 10) fail("shape dimension too large");
        v = v * 10 + std::uint64_t(s_[i_] - '0');
      }
      if (digits == 0) fail("malformed shape");
      while (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 long suffix
      dims.push_back(v);
      if (!peek(')')) expect(',');
    }
    ++i_;
    return dims;
  }

  std::string s_, src_;
  std::size_t i_ = 0;
};

std::uint64_t read_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

}  // namespace

std::uint64_t NpyArray::elements() const {
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return n;
}

std::uint32_t npy_item_size(const std::string& descr) {
  if (descr == "|u1" || descr == "|i1" || descr == "<u1" || descr == "<i1") return 1;
  if (descr == "<f2" || descr == "<u2" || descr == "<i2") return 2;
  if (descr == "<f4" || descr == "<i4") return 4;
  if (descr == "<f8") return 8;
  return 0;
}

NpyArray parse_npy(const std::vector<std::uint8_t>& bytes, const std::string& source) {
  if (bytes.size() < kMagicSize + 4 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    throw ConfigError(source + ": not a .npy file (no \\x93NUMPY magic)");
  const int major = bytes[6];
  if (major < 1 || major > 3)
    throw ConfigError(source + ": .npy format version " + std::to_string(major) +
                      " is not supported (1.0 to 3.0 are)");
  const int len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < std::size_t(8 + len_bytes))
    throw ConfigError(source + ": truncated .npy header");
  const std::uint64_t header_len = read_le(bytes.data() + 8, len_bytes);
  const std::uint64_t data_start = 8 + len_bytes + header_len;
  if (data_start > bytes.size()) throw ConfigError(source + ": truncated .npy header");
  const std::string header(bytes.begin() + 8 + len_bytes, bytes.begin() + data_start);
  NpyArray a = HeaderScanner(header, source).parse();
  const std::uint32_t item = npy_item_size(a.descr);
  if (item == 0)
    throw ConfigError(source + ": dtype '" + a.descr +
                      "' is not supported (little-endian <f4 <f2 <f8 <i1 <u1 <i2 <u2 <i4 are)");
  std::uint64_t want = item;
  for (std::uint64_t d : a.shape)
    if (__builtin_mul_overflow(want, d, &want))
      throw ConfigError(source + ": shape " + shape_text(a.shape) + " is too large");
  const std::uint64_t have = bytes.size() - data_start;
  if (have != want)
    throw ConfigError(source + ": shape " + shape_text(a.shape) + " of " + a.descr + " needs " +
                      std::to_string(want) + " data bytes, the file holds " + std::to_string(have));
  a.data.assign(bytes.begin() + data_start, bytes.end());
  return a;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open .npy file");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  return parse_npy(bytes, path);
}

std::vector<std::uint8_t> serialize_npy(const NpyArray& a) {
  std::string header = "{'descr': '" + a.descr +
                       "', 'fortran_order': False, 'shape': " + shape_text(a.shape) + ", }";
  // Pad with spaces so magic + version + length + header (ending in '\n') fills 64-B blocks.
  auto padded = [&](std::size_t prefix) { return (prefix + header.size() + 1 + 63) / 64 * 64; };
  const bool v1 = padded(10) - 10 <= 0xFFFF;  // 1.0 stores the header length in 16 bits
  const std::size_t prefix = v1 ? 10 : 12;
  const std::size_t total = padded(prefix);
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  std::vector<std::uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(v1 ? 1 : 2);
  out.push_back(0);
  for (std::size_t i = 0; i < prefix - 8; ++i)
    out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

void write_npy(const std::string& path, const NpyArray& a) {
  const std::vector<std::uint8_t> bytes = serialize_npy(a);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw ConfigError(path + ": cannot write .npy file");
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw ConfigError(path + ": error writing .npy file");
}

std::string npy_descr(numeric::DType t) {
  using numeric::DType;
  switch (t) {
    case DType::fp32:
      return "<f4";
    case DType::fp16:
      return "<f2";
    case DType::bf16:
      return "<u2";
    case DType::int8:
      return "|i1";
    case DType::int16:
      return "<i2";
    case DType::int32:
      return "<i4";
    default:
      return "|u1";  // uint8, and raw codes / packed bytes of the narrow formats
  }
}

std::vector<std::uint64_t> npy_shape(numeric::DType t, const std::vector<std::uint64_t>& shape) {
  if (!numeric::is_packed(t)) return shape;
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return {numeric::dtype_bytes(t, n)};
}

NpyArray tensor_to_npy(numeric::DType t, const std::vector<std::uint64_t>& shape,
                       const std::vector<std::uint8_t>& data) {
  NpyArray a;
  a.descr = npy_descr(t);
  a.shape = npy_shape(t, shape);
  a.data = data;
  return a;
}

std::vector<std::uint8_t> tensor_from_npy(const NpyArray& a, numeric::DType t,
                                          const std::vector<std::uint64_t>& shape,
                                          const std::string& source) {
  const std::string dt(numeric::dtype_name(t));
  // Float values wider than the tensor's type (<f8 for any type, <f4 for a narrower float
  // type) are rounded into it, as NumPy's astype does.
  const bool f8 = a.descr == "<f8";
  const bool f4 = a.descr == "<f4" && t != numeric::DType::fp32 && numeric::is_float(t);
  if (f8 || f4) {
    if (a.shape != shape)
      throw ConfigError(source + ": shape " + shape_text(a.shape) + " does not match the " + dt +
                        " tensor's " + shape_text(shape));
    std::uint64_t n = a.elements();
    std::vector<std::uint8_t> out(numeric::dtype_bytes(t, n), 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      double x;
      if (f8) {
        std::memcpy(&x, a.data.data() + i * 8, 8);  // host is little-endian (static_assert'ed in numeric)
      } else {
        float v;
        std::memcpy(&v, a.data.data() + i * 4, 4);
        x = v;
      }
      numeric::store_element(t, out.data(), i, x);
    }
    return out;
  }
  const std::string want = npy_descr(t);
  const bool same = a.descr == want || (want[0] == '|' && a.descr == "<" + want.substr(1));
  if (!same)
    throw ConfigError(source + ": holds " + a.descr + " data, a " + dt + " tensor is stored as " +
                      want + " (or <f8 values" + (numeric::is_float(t) && t != numeric::DType::fp32 ? ", or <f4" : "") + ")");
  const std::vector<std::uint64_t> expected = npy_shape(t, shape);
  if (a.shape != expected)
    throw ConfigError(source + ": shape " + shape_text(a.shape) + " does not match the " + dt +
                      " tensor's " + shape_text(expected));
  return a.data;
}

}  // namespace ascendsim::trace
