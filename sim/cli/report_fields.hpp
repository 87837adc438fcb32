#pragma once
// Reading figures out of report.json by dotted path, and comparing them with expectations
// (goldens, `ascendsim check`). Used by check, compare and sweep.
//
// Paths: "cycles", "hbm.read_bytes", "check.passed", "model.cycles_rel_error",
// "flops.by_dtype.bf16", "pipes[3].busy_cycles". Keys that themselves contain dots (the
// `stalls` keys "aic.m") are found too: at each object the longest run of segments that is a
// key wins, so "stalls.aic.m.memory" works. A path that runs into null (`model` of a run
// without a model, a hit rate with no accesses) finds null: the field exists, it has no value
// in this run. A path naming something that is not there is an error whose message lists
// what is there, with a "did you mean".
//
// Comparison rules (docs: tests/regression/README.md): a number matches when
// |actual - value| <= abs_tol or |actual - value| <= rel_tol * |value| (both 0: exactly equal);
// a bool or string matches when equal; an expected null matches only null. The expected text
// is read as the type the report field has, so `value: 1` against a bool field is a bad golden,
// not a miss.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ascendsim::cli {

using Json = nlohmann::ordered_json;

struct FieldLookup {
  bool found = false;
  Json value;         // the field's value (may be null) when found
  std::string error;  // when not found: "report.json has no field 'hbm.reed_bytes': ..."
};

FieldLookup find_field(const Json& report, const std::string& path);

// The values of `fields` in each of several reports (compare variants, sweep points): values[r][f]
// is null where report r is missing or lacks field f. unknown[f] is the lookup error when no
// report that exists has field f (a misspelt path, most likely), "" otherwise.
struct FieldGrid {
  std::vector<std::vector<Json>> values;
  std::vector<std::string> unknown;
};
FieldGrid collect_fields(const std::vector<std::optional<Json>>& reports,
                         const std::vector<std::string>& fields);

// DIR/report.json parsed; nullopt if it is missing or not JSON (a run that failed early).
std::optional<Json> load_report(const std::string& dir);

// A value as report.json prints it: integers as integers, doubles with up to 9 significant
// digits and a '.', strings unquoted, bools true/false; null -> `null_text`. For CSV and goldens.
std::string field_text(const Json& value, const std::string& null_text = "");
// A short form for console tables: doubles with 4 significant digits, the rest as field_text;
// null -> "n/a". Objects and arrays print as compact JSON.
std::string field_display(const Json& value);

struct Expectation {
  std::string field;     // dotted path
  std::string text;      // the expected value as written in YAML ("0.91", "true", "gemm")
  bool is_null = false;  // `value: null` (or `~`, or empty)
  double abs_tol = 0.0;
  double rel_tol = 0.0;
  std::string why;  // the justification of the tolerance, shown on a miss
};

struct FieldVerdict {
  bool ok = false;
  std::string actual;  // the actual value as field_text prints it ("null" for null)
  // Non-empty: the expectation cannot be compared with the field (wrong type, a map or list):
  // the golden file is wrong, not the run.
  std::string bad_expectation;
};

FieldVerdict compare_field(const Expectation& e, const Json& actual);

// "exact", "abs 0.005", "rel 0.01", "abs 0.005 or rel 0.01"; "-" for a non-number.
std::string tolerance_text(const Expectation& e, const Json& actual);

}  // namespace ascendsim::cli
