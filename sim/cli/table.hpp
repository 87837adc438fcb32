#pragma once
// A small text table: aligned columns for the console (numbers right-aligned, text left) and the
// same rows as CSV. Used by check, compare and sweep so their output looks alike.
#include <iosfwd>
#include <string>
#include <vector>

namespace ascendsim::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}

  // A row with fewer cells than the header is padded with empty cells; more is an error.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }

  // Columns separated by two spaces, a dashed rule under the header. A column is right-aligned
  // when at least half of its cells below the header read as numbers ("12", "-0.5", "1.2e+03",
  // "1.85x", "91%"); cells "", "-" and "n/a" do not count.
  void print(std::ostream& out) const;
  // RFC 4180: cells with a comma, quote or newline are quoted, quotes doubled; "\n" line ends.
  void write_csv(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string csv_cell(const std::string& text);

}  // namespace ascendsim::cli
