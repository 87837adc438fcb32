// Console and CSV rendering of Table (see table.hpp).
#include "sim/cli/table.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "sim/config/units.hpp"

namespace ascendsim::cli {
namespace {

bool looks_numeric(std::string text) {
  if (!text.empty() && (text.back() == 'x' || text.back() == '%')) text.pop_back();
  return config::units::parse_double(text).has_value();
}

}  // namespace

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() > header_.size())
    throw std::logic_error("Table::add_row: more cells than columns");
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const {
  const std::size_t n = header_.size();
  std::vector<std::size_t> width(n);
  std::vector<bool> right(n, true);
  for (std::size_t c = 0; c < n; ++c) {
    width[c] = header_[c].size();
    std::size_t cells = 0, numbers = 0;
    for (const auto& row : rows_) {
      width[c] = std::max(width[c], row[c].size());
      if (row[c].empty() || row[c] == "-" || row[c] == "n/a") continue;
      ++cells;
      if (looks_numeric(row[c])) ++numbers;
    }
    right[c] = numbers > 0 && 2 * numbers >= cells;
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < n; ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      if (c) text += "  ";
      text += right[c] ? pad + cells[c] : cells[c] + (c + 1 < n ? pad : "");
    }
    out << text << "\n";
  };
  line(header_);
  std::vector<std::string> rule(n);
  for (std::size_t c = 0; c < n; ++c) rule[c] = std::string(width[c], '-');
  line(rule);
  for (const auto& row : rows_) line(row);
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

void Table::write_csv(std::ostream& out) const {
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) out << (c ? "," : "") << csv_cell(cells[c]);
    out << "\n";
  };
  line(header_);
  for (const auto& row : rows_) line(row);
}

}  // namespace ascendsim::cli
