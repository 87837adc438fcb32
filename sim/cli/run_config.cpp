#include "sim/cli/run_config.hpp"

#include <filesystem>

#include "sim/config/load_hardware.hpp"

namespace ascendsim::cli {

namespace fs = std::filesystem;

void split_overrides(const std::vector<std::string>& all, std::vector<std::string>& hardware,
                     std::vector<std::string>& run) {
  for (const auto& s : all) (s.rfind("chip.", 0) == 0 ? hardware : run).push_back(s);
}

std::string resolve_relative(const std::string& config_file, const std::string& path) {
  if (fs::path(path).is_absolute()) return path;
  return (fs::path(config_file).parent_path() / path).lexically_normal().string();
}

RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<std::string> hw_sets, run_sets;
  split_overrides(overrides, hw_sets, run_sets);

  config::ConfigNode run = config::ConfigNode::load_file(path);
  for (const auto& s : run_sets) run.apply_override(s);
  const config::ConfigNode hw_key = run.child("hardware");
  const std::string hw_path = resolve_relative(path, hw_key.as_string());
  if (!fs::exists(hw_path)) hw_key.fail("a hardware file that exists (looked for " + hw_path + ")");

  config::ConfigNode hw_doc = config::ConfigNode::load_file(hw_path);
  for (const auto& s : hw_sets) hw_doc.apply_override(s);

  RunConfig rc{path,   fs::path(path).stem().string(), run, hw_path, hw_doc,
               config::load_hardware(hw_doc), "", false, false};
  rc.out_dir = "out/" + rc.name;
  if (auto out = run.optional_child("output")) {
    rc.out_dir = out->get_string("dir", rc.out_dir);
    rc.trace = out->get_bool("trace", false);
  }
  rc.timing_only = run.get_bool("timing_only", false);
  return rc;
}

}  // namespace ascendsim::cli
