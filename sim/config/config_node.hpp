#pragma once
// Strict, typed reading of a YAML document. Every read marks the key consumed; `finish()` then
// rejects whatever was not read, with a "did you mean" from the sibling keys the reader asked
// for. Errors carry file:line:col, the dotted key path, the expectation and the actual value:
//   configs/hw/ascend910b2.yaml:14:9: chip.aic.buffers.l0a: expected a byte size > 0, got "64k"
// Copies of a ConfigNode share one document and one consumed-set.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/numeric/dtype.hpp"

namespace YAML { class Node; }

namespace ascendsim::config {

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
};

class ConfigNode {
 public:
  static ConfigNode load_file(const std::string& path);  // ConfigError if unreadable / bad YAML
  static ConfigNode from_string(const std::string& yaml_text, const std::string& source_name);

  const std::string& path() const;    // dotted key path from the root, "" for the root
  std::string where() const;          // "file:line:col: path" for messages
  const std::string& file() const;    // the source file name
  bool is_map() const;
  bool is_sequence() const;
  bool is_scalar() const;
  bool has(const std::string& key) const;  // does not mark anything consumed

  // Required child; ConfigError "missing key" naming the parent's place if absent.
  ConfigNode child(const std::string& key) const;
  std::optional<ConfigNode> optional_child(const std::string& key) const;
  std::vector<std::string> keys() const;       // map keys in document order
  std::vector<ConfigNode> items() const;       // sequence elements ("path[3]")
  void mark_consumed() const;                  // a whole subtree taken as-is (e.g. kernel params)

  // Typed scalar reads of this node (consume it). Bounds are inclusive.
  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_int(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
  std::uint64_t as_uint(std::uint64_t min = 0, std::uint64_t max = UINT64_MAX) const;
  double as_double(double min = -1e308, double max = 1e308) const;
  std::uint64_t as_bytes() const;      // 512, "512B", "64KiB", "192MiB", "64GiB", "1.5KB" (SI)
  double as_frequency_hz() const;      // "1.8GHz", "1650MHz", or a bare number of Hz
  double as_bandwidth() const;         // bytes/s: "1.6TB/s", "784GB/s", "900GiB/s"
  numeric::DType as_dtype() const;
  std::string as_enum(const std::vector<std::string>& allowed) const;

  // Convenience: typed read of a child with a default when absent.
  std::string get_string(const std::string& key, const std::string& def) const;
  bool get_bool(const std::string& key, bool def) const;
  std::uint64_t get_uint(const std::string& key, std::uint64_t def,
                         std::uint64_t min = 0, std::uint64_t max = UINT64_MAX) const;
  double get_double(const std::string& key, double def, double min = -1e308,
                    double max = 1e308) const;

  // Throws ConfigError at this node: "<where>: expected <expectation>, got <actual value>".
  [[noreturn]] void fail(const std::string& expectation) const;

  // After all reads: ConfigError for the first key in document order not consumed, with a
  // "did you mean 'x'?" when a consumed or known sibling key is close (edit distance <= 2).
  void finish() const;

  // `--set a.b.c=value`: replace (or add, if the parent map exists) the scalar at a dotted path
  // before reading; `value` is parsed as YAML. ConfigError if the path does not exist and its
  // parent is not a map, or the assignment is malformed ("expected key.path=value").
  void apply_override(const std::string& assignment);

  // The document as YAML text, with overrides applied: the effective config written beside
  // each report.
  std::string dump() const;
  // This node alone as one line of flow-style YAML (`{name: gemm, m: 256, tile: {m: 128}}`).
  std::string dump_flow() const;

 private:
  struct Doc;
  ConfigNode(std::shared_ptr<Doc> doc, std::shared_ptr<YAML::Node> node, std::string path);
  std::optional<std::string> scalar_text() const;  // nullopt unless this node is a scalar
  std::string describe_actual() const;             // "\"64k\"", "a map", "a sequence", "null"
  std::string child_path(const std::string& key) const;
  std::shared_ptr<Doc> doc_;
  std::shared_ptr<YAML::Node> node_;
  std::string path_;
  // 0-based mark of the key whose value this node is (-1 for the root): where a value-less
  // `key:` is reported, since yaml-cpp places an empty value's mark on the following line.
  int key_line_ = -1;
  int key_column_ = -1;
};

}  // namespace ascendsim::config
