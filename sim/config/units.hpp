#pragma once
// Text helpers of the config layer: parsing scalar YAML text into numbers, with and without
// units, and the edit distance behind "did you mean". Parsers accept the whole string or
// nothing (std::nullopt); they never throw. The caller turns nullopt into a ConfigError that
// names the key, so the error text lives in one place (ConfigNode).
//
// Accepted spellings (no whitespace inside a number; one optional space before a unit):
//   integers    -12, 42, 0x1F; integral floats such as 1e6 or 2.0 (|value| <= 2^53)
//   bytes       512, 512B, 64KiB, 192MiB, 64GiB, 1TiB (binary); 1KB = 1000, MB, GB, TB (SI);
//               fractions allowed when the result is a whole number of bytes (1.5KiB)
//   frequency   Hz: 1e9, 1650MHz, 1.8GHz, 100kHz, 5Hz
//   bandwidth   B/s: 1.6TB/s = 1.6e12, 784GB/s, 900GiB/s, 10MB/s, 1KiB/s, 12B/s, bare number
// Unit suffixes are case-sensitive: "64k" or "64kb" are rejected rather than guessed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ascendsim::config::units {

std::optional<std::int64_t> parse_int(std::string_view text);
std::optional<std::uint64_t> parse_uint(std::string_view text);  // rejects a leading '-'
std::optional<double> parse_double(std::string_view text);       // finite values only
std::optional<std::uint64_t> parse_bytes(std::string_view text);
std::optional<double> parse_frequency_hz(std::string_view text);
std::optional<double> parse_bandwidth(std::string_view text);  // bytes per second

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// adjacent characters each cost 1 ("lb0" is 1 away from "l0b").
int edit_distance(std::string_view a, std::string_view b);

// `"text"` with backslash escapes for '"' and '\', for quoting values in messages.
std::string quote(std::string_view text);

}  // namespace ascendsim::config::units
