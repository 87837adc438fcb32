// Reading a sweep file (schema: the top of cmd_sweep.cpp) and naming its plot lines. Every check
// that needs only the file happens here, before any point runs; a figure no report knows is
// found after the points ran (cmd_sweep.cpp).
#include "sim/cli/sweep_file.hpp"

#include <algorithm>
#include <cctype>

#include "sim/cli/subprocess.hpp"
#include "sim/cli/sweep_plot.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::cli {
namespace {

const std::vector<std::string> kDefaultFigures{"cycles", "time_us", "tflops", "cube_utilization"};

const Axis& axis_named(const SweepFile& f, const std::string& key) {
  return *std::find_if(f.axes.begin(), f.axes.end(), [&](const Axis& a) { return a.key == key; });
}

void read_plot(const config::ConfigNode& p, SweepFile& f) {
  const auto axes = names_of(f.axes);
  if (const auto x = p.optional_child("x")) f.plot.x = x->as_enum(axes);
  if (const auto y = p.optional_child("y")) f.plot.y = y->as_enum(f.figures);
  if (const auto s = p.optional_child("series")) {
    f.plot.series = s->as_enum(axes);
    if (f.plot.series == f.plot.x) s->fail("an axis other than x (" + f.plot.x + ")");
  }
  f.plot.log_x = p.get_bool("log_x", false);
  f.plot.log_y = p.get_bool("log_y", false);
  if (f.plot.log_x)
    for (const auto& v : axis_named(f, f.plot.x).values)
      if (!(config::units::parse_double(v).value_or(0) > 0))
        p.child("log_x").fail("false: axis " + f.plot.x + " has the value " + v +
                              ", and a log scale needs positive numbers");
}

void read_heatmaps(const config::ConfigNode& list, SweepFile& f) {
  const auto axes = names_of(f.axes);
  std::vector<config::ConfigNode> value_nodes;
  for (const auto& item : list.items()) {
    if (!item.is_map()) item.fail("a map {x: AXIS, y: AXIS, value: FIGURE, log: BOOL}");
    HeatmapSpec h;
    h.x = item.child("x").as_enum(axes);
    const config::ConfigNode y = item.child("y"), value = item.child("value");
    h.y = y.as_enum(axes);
    if (h.y == h.x) y.fail("an axis other than x (" + h.x + ")");
    h.value = value.as_enum(f.figures);
    h.log = item.get_bool("log", false);
    for (std::size_t k = 0; k < f.heatmaps.size(); ++k)  // the file is named after the value
      if (heatmap_stem(f.heatmaps[k].value) == heatmap_stem(h.value))
        value.fail("a figure without a heat map yet (" + value_nodes[k].path() + " draws " +
                   heatmap_stem(h.value) + ".svg)");
    f.heatmaps.push_back(h);
    value_nodes.push_back(value);
  }
}

// A plot line's label; the labels are quoted in the message since they contain ", " themselves.
std::string read_line(const config::ConfigNode& node, const std::vector<std::string>& labels) {
  const std::string label = node.as_string();
  if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
    std::string quoted;
    for (const std::string& l : labels)
      quoted += (quoted.empty() ? "" : ", ") + config::units::quote(l);
    node.fail("one of the plot's lines " + quoted);
  }
  return label;
}

double read_positive(const config::ConfigNode& node) {
  const double v = node.as_double();
  if (!(v > 0)) node.fail("a number > 0");
  return v;
}

void read_excludes(const config::ConfigNode& list, SweepFile& f) {
  const auto axes = names_of(f.axes);
  for (const auto& item : list.items()) {
    if (!item.is_map() || item.keys().empty())
      item.fail("a map {AXIS: VALUE or [VALUES], ...} naming the points to leave out");
    ExcludeSpec e;
    for (const std::string& key : item.keys()) {
      const config::ConfigNode node = item.child(key);
      const auto at = std::find(axes.begin(), axes.end(), key);
      if (at == axes.end()) {
        std::string known;
        for (const std::string& a : axes) known += (known.empty() ? "" : ", ") + a;
        throw config::ConfigError(node.where() + ": `" + key +
                                  "` is not an axis (the axes: " + known + ")");
      }
      const Axis& axis = f.axes[std::size_t(at - axes.begin())];
      std::vector<std::string> values;
      for (const auto& v : node.is_sequence() ? node.items() : std::vector{node}) {
        const std::string value = v.as_string();
        if (std::find(axis.values.begin(), axis.values.end(), value) == axis.values.end()) {
          std::string known;
          for (const std::string& a : axis.values) known += (known.empty() ? "" : ", ") + a;
          v.fail("a value of axis " + key + " (" + known + ")");
        }
        values.push_back(value);
      }
      e.axes.emplace_back(std::size_t(at - axes.begin()), values);
    }
    f.excludes.push_back(std::move(e));
  }
}

void read_fits(const config::ConfigNode& list, SweepFile& f) {
  const auto labels = plot_line_labels(f);
  for (const auto& item : list.items()) {
    for (const std::string& v : axis_named(f, f.plot.x).values)
      if (!config::units::parse_double(v))
        throw config::ConfigError(list.where() + ": a fit needs a numeric x axis, and the plot's " +
                                  "x axis " + f.plot.x + " has the value " +
                                  config::units::quote(v));
    if (!item.is_map()) item.fail("a map {line: LINE, from: X, to: X}");
    FitSpec fit;
    fit.line = read_line(item.child("line"), labels);
    if (const auto from = item.optional_child("from")) fit.from = read_positive(*from);
    if (const auto to = item.optional_child("to")) {
      fit.to = read_positive(*to);
      if (fit.from && *fit.from > *fit.to)
        to->fail("a number >= from (" + item.child("from").as_string() + ")");
    }
    f.fits.push_back(fit);
  }
}

bool is_identifier(const std::string& s) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), word);
}

void read_ratios(const config::ConfigNode& list, SweepFile& f) {
  const auto labels = plot_line_labels(f);
  std::vector<config::ConfigNode> name_nodes;
  for (const auto& item : list.items()) {
    if (!item.is_map())
      item.fail("a map {name: NAME, figure: FIGURE, numerator: LINE, denominator: LINE}");
    RatioSpec r;
    const config::ConfigNode name = item.child("name");
    r.name = name.as_string();
    if (!is_identifier(r.name))
      name.fail("an identifier (letters, digits and _, not starting with a digit)");
    for (std::size_t k = 0; k < f.ratios.size(); ++k)
      if (f.ratios[k].name == r.name)
        name.fail("a name no other ratio has (" + name_nodes[k].path() + " is " + r.name + ")");
    const auto figure = item.optional_child("figure");
    r.figure = figure ? figure->as_enum(f.figures) : f.plot.y;
    r.numerator = read_line(item.child("numerator"), labels);
    const config::ConfigNode denominator = item.child("denominator");
    r.denominator = read_line(denominator, labels);
    if (r.denominator == r.numerator)
      denominator.fail("a line other than the numerator (" + r.numerator + ")");
    f.ratios.push_back(r);
    name_nodes.push_back(name);
  }
}

Axis read_axis(const std::string& key, const config::ConfigNode& node) {
  Axis axis{key, {key}, {}, {}, node};
  config::ConfigNode list = node;
  if (node.is_map()) {
    axis.paths.clear();
    const config::ConfigNode paths = node.child("set");
    for (const auto& item : paths.items()) axis.paths.push_back(item.as_string());
    if (axis.paths.empty()) paths.fail("a list of at least one key path");
    list = node.child("values");
  }
  for (const auto& item : list.items()) {
    std::vector<std::string> parts;
    if (item.is_sequence() && node.is_map())
      for (const auto& part : item.items()) parts.push_back(part.as_string());
    else if (item.is_scalar())
      parts.assign(axis.paths.size(), item.as_string());
    if (parts.size() != axis.paths.size())
      item.fail(node.is_map() ? "a value, or a list of " + std::to_string(axis.paths.size()) +
                                    " values (one per path of `set`)"
                              : std::string("a single value (each is passed as --set path=value)"));
    std::string label;
    for (std::size_t p = 0; p < parts.size(); ++p)
      if (p == 0 || item.is_sequence()) label += (p ? "/" : "") + parts[p];
    axis.values.push_back(label);
    axis.assigned.push_back(parts);
  }
  if (axis.values.empty()) list.fail("a list of at least one value");
  return axis;
}

}  // namespace

SweepFile read_sweep(const std::string& path) {
  const config::ConfigNode root = config::ConfigNode::load_file(path);
  const config::ConfigNode s = root.child("sweep");
  SweepFile f;
  f.run_node = s.child("run");
  f.run_path = run_file_at(path, *f.run_node);
  f.set_nodes = read_sets(s, f.sets);
  const config::ConfigNode axes = s.child("axes");
  for (const std::string& key : axes.keys()) f.axes.push_back(read_axis(key, axes.child(key)));
  if (f.axes.empty()) axes.fail("a map of at least one axis (key.path: [values...])");
  read_field_list(s, "figures", kDefaultFigures, f.figures, f.figure_nodes);
  f.plot.x = f.axes[0].key;
  f.plot.y = f.figures[0];
  if (f.axes.size() > 1) f.plot.series = f.axes[1].key;
  if (const auto plot = s.optional_child("plot")) read_plot(*plot, f);
  if (f.plot.series == f.plot.x) f.plot.series.clear();
  if (const auto heatmaps = s.optional_child("heatmaps")) read_heatmaps(*heatmaps, f);
  if (const auto exclude = s.optional_child("exclude")) read_excludes(*exclude, f);
  if (const auto fits = s.optional_child("fits")) read_fits(*fits, f);
  if (const auto ratios = s.optional_child("ratios")) read_ratios(*ratios, f);
  f.timing_only = s.get_bool("timing_only", false);
  root.finish();
  return f;
}

std::size_t point_count(const SweepFile& f) {
  std::size_t count = 1;
  for (const auto& a : f.axes) count *= a.values.size();
  return count;
}

std::vector<std::string> point_values(const SweepFile& f, std::size_t index) {
  const std::vector<std::size_t> choice = point_choice(f, index);
  std::vector<std::string> values;
  for (std::size_t a = 0; a < f.axes.size(); ++a) values.push_back(f.axes[a].values[choice[a]]);
  return values;
}

bool point_excluded(const SweepFile& f, const std::vector<std::string>& values) {
  for (const ExcludeSpec& e : f.excludes)
    if (std::all_of(e.axes.begin(), e.axes.end(), [&](const auto& axis_values) {
          const auto& [axis, listed] = axis_values;
          return std::find(listed.begin(), listed.end(), values[axis]) != listed.end();
        }))
      return true;
  return false;
}

std::string plot_line_label(const SweepFile& f, const std::vector<std::string>& values) {
  std::string label;
  auto add = [&](std::size_t a) {
    label += (label.empty() ? "" : ", ") + f.axes[a].key + "=" + values[a];
  };
  for (std::size_t a = 0; a < f.axes.size(); ++a)
    if (f.axes[a].key == f.plot.series && f.axes[a].key != f.plot.x) add(a);
  for (std::size_t a = 0; a < f.axes.size(); ++a)
    if (f.axes[a].key != f.plot.series && f.axes[a].key != f.plot.x) add(a);
  return label.empty() ? f.plot.y : label;
}

std::vector<std::string> plot_line_labels(const SweepFile& f) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < point_count(f); ++i) {
    const std::string label = plot_line_label(f, point_values(f, i));
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  }
  return labels;
}

}  // namespace ascendsim::cli
