// Document state, navigation, locations and the unused-key check of ConfigNode. Typed scalar
// reads live in config_read.cpp.
//
// Invariants: every ConfigNode of one document shares one Doc. Paths are the identity of a
// value: "chip.aic.buffers.l1", sequence elements "chip.aiv.vector.dtypes[2]". `visited` holds
// the paths a reader navigated into, `consumed` the paths read as values (or taken whole by
// mark_consumed); finish() needs every key to be consumed or to be a visited collection whose
// own keys are. YAML nodes are read through const references only, because non-const
// yaml-cpp subscripts insert keys and assignment rewrites shared node data; the one write is
// the final assignment of apply_override.
#include "sim/config/config_node.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/config/units.hpp"

namespace ascendsim::config {
namespace {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  if (node.IsNull()) return "null";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a sequence";
  return units::quote(node.Scalar());
}

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool is_within(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

// "file:line:col: path: " for an error at `mark` (no path part at the root).
std::string at(const std::string& file, const YAML::Mark& mark, const std::string& path) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
         ": " + (path.empty() ? "" : path + ": ");
}

// Rejects a key that appears twice in one map: yaml-cpp keeps both and lookups see only the
// first, so the second would silently do nothing. Also rejects what configs never need and a
// strict reader cannot account for: keys that are not plain scalars, and aliases (`*name`),
// whose re-use of one node would be walked again at every use (a nested alias chain grows
// exponentially). An alias shows up as a second visit of the same node (same mark).
void check_duplicate_keys(const YAML::Node& node, const std::string& path,
                          const std::string& file,
                          std::set<std::pair<int, int>>& visited) {
  if ((node.IsMap() || node.IsSequence()) &&
      !visited.emplace(node.Mark().line, node.Mark().column).second)
    throw ConfigError(at(file, node.Mark(), path) +
                      "YAML aliases (*name) are not supported in configs");
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar())
        throw ConfigError(at(file, it->first.Mark(), path) +
                          "keys must be plain names, not lists or maps");
      const std::string key = it->first.Scalar();
      const YAML::Mark mark = it->first.Mark();
      auto [prior, inserted] = first_line.emplace(key, mark.line + 1);
      if (!inserted)
        throw ConfigError(at(file, mark, join(path, key)) + "duplicate key (first at line " +
                          std::to_string(prior->second) + ")");
      check_duplicate_keys(it->second, join(path, key), file, visited);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      check_duplicate_keys(node[i], path + "[" + std::to_string(i) + "]", file, visited);
  }
}

}  // namespace

struct ConfigNode::Doc {
  std::string file;
  YAML::Node root;
  std::set<std::string> visited;
  std::set<std::string> consumed;
  std::map<std::string, std::vector<std::string>> asked;  // map path -> keys readers asked for
  std::vector<std::string> overridden;                    // paths set by --set, in order

  // "file:line:col" from a 0-based mark, or "--set a.b" inside an overridden subtree.
  std::string location(const std::string& path, int line, int column) const {
    for (auto it = overridden.rbegin(); it != overridden.rend(); ++it)
      if (is_within(path, *it)) return "--set " + *it;
    if (line < 0) return file;
    return file + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1);
  }

  // The closest candidate key to a misspelt one: keys absent from the map first (they are
  // what the author probably meant), then by distance, then in the order they were asked.
  static std::optional<std::string> suggest(const std::string& key,
                                            const std::vector<std::string>& candidates,
                                            const YAML::Node& map) {
    std::optional<std::string> best;
    std::pair<bool, int> best_rank{true, 3};
    for (const std::string& candidate : candidates) {
      if (candidate == key) continue;
      const int distance = units::edit_distance(key, candidate);
      if (distance > 2 || distance >= int(key.size())) continue;
      const std::pair<bool, int> rank{bool(map[candidate]), distance};
      if (!best || rank < best_rank) best = candidate, best_rank = rank;
    }
    return best;
  }

  void check_consumed(const YAML::Node& node, const std::string& path) const {
    if (consumed.count(path)) return;
    auto descend = [&](const YAML::Node& child, const std::string& child_path) {
      if (consumed.count(child_path)) return true;
      if (!visited.count(child_path)) return false;
      if (child.IsMap() || child.IsSequence()) check_consumed(child, child_path);
      return child.IsMap() || child.IsSequence() || child.IsNull();
    };
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        const std::string child_path = join(path, key);
        if (descend(it->second, child_path)) continue;
        const YAML::Mark mark = it->first.Mark();
        std::string message =
            location(child_path, mark.line, mark.column) + ": " + child_path + ": unknown key";
        const auto known = asked.find(path);
        const auto hint = known == asked.end() ? std::nullopt : suggest(key, known->second, node);
        if (hint) message += " (did you mean '" + *hint + "'?)";
        throw ConfigError(message);
      }
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string child_path = path + "[" + std::to_string(i) + "]";
        if (descend(node[i], child_path)) continue;
        const YAML::Mark mark = node[i].Mark();
        throw ConfigError(location(child_path, mark.line, mark.column) + ": " + child_path +
                          ": unused value");
      }
    }
  }
};

ConfigNode::ConfigNode(std::shared_ptr<Doc> doc, std::shared_ptr<YAML::Node> node, std::string path)
    : doc_(std::move(doc)), node_(std::move(node)), path_(std::move(path)) {}

ConfigNode ConfigNode::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read file");
  std::ostringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path);
}

ConfigNode ConfigNode::from_string(const std::string& yaml_text, const std::string& source_name) {
  auto doc = std::make_shared<Doc>();
  doc->file = source_name;
  try {
    doc->root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
  std::set<std::pair<int, int>> visited;
  check_duplicate_keys(doc->root, "", source_name, visited);
  if (doc->root.IsNull()) doc->root = YAML::Node(YAML::NodeType::Map);  // empty document
  auto root = std::make_shared<YAML::Node>(doc->root);
  return ConfigNode(doc, root, "");
}

const std::string& ConfigNode::path() const { return path_; }
const std::string& ConfigNode::file() const { return doc_->file; }
bool ConfigNode::is_map() const { return node_->IsMap(); }
bool ConfigNode::is_sequence() const { return node_->IsSequence(); }
bool ConfigNode::is_scalar() const { return node_->IsScalar(); }

std::string ConfigNode::where() const {
  int line = key_line_, column = key_column_;
  const YAML::Node& node = *node_;
  if (!node.IsNull() && !node.Mark().is_null())
    line = node.Mark().line, column = node.Mark().column;
  std::string place = doc_->location(path_, line, column);
  return path_.empty() ? place : place + ": " + path_;
}

std::string ConfigNode::child_path(const std::string& key) const { return join(path_, key); }

bool ConfigNode::has(const std::string& key) const {
  const YAML::Node& node = *node_;
  if (!node.IsMap() && !node.IsNull()) fail("a map");  // null reads as an empty map
  auto& asked = doc_->asked[path_];
  if (std::find(asked.begin(), asked.end(), key) == asked.end()) asked.push_back(key);
  return node.IsMap() && node[key];
}

std::optional<ConfigNode> ConfigNode::optional_child(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const YAML::Node& node = *node_;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.Scalar() != key) continue;
    ConfigNode child(doc_, std::make_shared<YAML::Node>(it->second), child_path(key));
    child.key_line_ = it->first.Mark().line;
    child.key_column_ = it->first.Mark().column;
    doc_->visited.insert(child.path_);
    return child;
  }
  return std::nullopt;
}

ConfigNode ConfigNode::child(const std::string& key) const {
  auto found = optional_child(key);
  if (!found) throw ConfigError(where() + ": missing key '" + key + "'");
  return *found;
}

std::vector<std::string> ConfigNode::keys() const {
  const YAML::Node& node = *node_;
  if (!node.IsMap() && !node.IsNull()) fail("a map");
  std::vector<std::string> out;
  if (node.IsMap())
    for (auto it = node.begin(); it != node.end(); ++it) out.push_back(it->first.Scalar());
  return out;
}

std::vector<ConfigNode> ConfigNode::items() const {
  const YAML::Node& node = *node_;
  if (!node.IsSequence() && !node.IsNull()) fail("a sequence");  // null reads as empty
  std::vector<ConfigNode> out;
  if (node.IsNull()) return out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    ConfigNode item(doc_, std::make_shared<YAML::Node>(node[i]),
                    path_ + "[" + std::to_string(i) + "]");
    doc_->visited.insert(item.path_);
    out.push_back(std::move(item));
  }
  return out;
}

void ConfigNode::mark_consumed() const { doc_->consumed.insert(path_); }

std::optional<std::string> ConfigNode::scalar_text() const {
  if (!node_->IsScalar()) return std::nullopt;
  return node_->Scalar();
}

std::string ConfigNode::describe_actual() const { return describe(*node_); }

void ConfigNode::fail(const std::string& expectation) const {
  throw ConfigError(where() + ": expected " + expectation + ", got " + describe_actual());
}

void ConfigNode::finish() const { doc_->check_consumed(*node_, path_); }

void ConfigNode::apply_override(const std::string& assignment) {
  const std::string setting = "--set " + assignment;
  const auto eq = assignment.find('=');
  std::string key_path = assignment.substr(0, eq);
  key_path.erase(0, key_path.find_first_not_of(" \t"));
  key_path.erase(key_path.find_last_not_of(" \t") + 1);
  std::vector<std::string> segments;
  std::istringstream in(key_path);
  for (std::string segment; std::getline(in, segment, '.');) segments.push_back(segment);
  const bool malformed = eq == std::string::npos || key_path.empty() || key_path.back() == '.' ||
                         std::find(segments.begin(), segments.end(), "") != segments.end();
  if (malformed) throw ConfigError(setting + ": expected key.path=value");
  const std::string full_path = join(path_, key_path);

  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError(setting + ": value is not valid YAML: " + e.msg);
  }

  // Walk to the parent map without modifying anything, so a failed --set leaves no trace.
  YAML::Node parent(*node_);
  std::string parent_path = path_;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    const YAML::Node& current = parent;
    if (!current.IsMap())
      throw ConfigError(setting + ": " + (parent_path.empty() ? "<root>" : parent_path) +
                        ": expected a map, got " + describe(current));
    const std::string next_path = join(parent_path, segments[i]);
    if (!current[segments[i]]) {
      std::string message = setting + ": " + next_path + ": no such key";
      std::vector<std::string> siblings;
      for (auto it = current.begin(); it != current.end(); ++it)
        siblings.push_back(it->first.Scalar());
      if (auto hint = Doc::suggest(segments[i], siblings, current))
        message += " (did you mean '" + *hint + "'?)";
      throw ConfigError(message);
    }
    parent.reset(current[segments[i]]);
    parent_path = next_path;
  }
  if (!parent.IsMap() && !parent.IsNull())
    throw ConfigError(setting + ": " + (parent_path.empty() ? "<root>" : parent_path) +
                      ": expected a map, got " + describe(parent));
  parent[segments.back()] = value;  // replaces in place, or appends a new key
  doc_->overridden.push_back(full_path);
}

std::string ConfigNode::dump() const {
  YAML::Emitter out;
  out << doc_->root;
  return std::string(out.c_str()) + "\n";
}

std::string ConfigNode::dump_flow() const {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << *node_;
  return out.c_str();
}

}  // namespace ascendsim::config
