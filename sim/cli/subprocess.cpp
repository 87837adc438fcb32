// fork/exec of children with their output in a log file, and a bounded pool of them.
//
// Invariants: everything a child needs (argv pointers, the log descriptor, the message written
// if exec fails) is prepared before fork(), so the child only calls async-signal-safe functions
// (dup2, chdir, execv/execvp, write, _exit). Log descriptors are O_CLOEXEC in the parent, so a
// child never inherits another child's log. The pool waits with waitpid(-1): the commands
// start no other children while a pool runs, and a pid it did not start is ignored.
#include "sim/cli/subprocess.hpp"

#include "sim/cli/options.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "sim/cli/exit_codes.hpp"
#include "sim/cli/run_pipeline.hpp"

namespace ascendsim::cli {
namespace {

std::string code_meaning(int code) {
  switch (code) {
    case kExitOk:
      return "ok";
    case kExitCheckFailed:
      return "check failed";
    case kExitBadInput:
      return "bad input";
    case kExitSimError:
      return "simulation error";
    case 126:
      return "could not start";
    case 127:
      return "could not execute";
    default:
      return "unexpected";
  }
}

pid_t spawn(const ChildJob& job) {
  if (job.argv.empty()) throw std::logic_error("spawn: empty argv");
  const int log = ::open(job.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0)
    throw std::runtime_error("cannot write " + job.log_path + ": " + std::strerror(errno));
  std::vector<char*> argv;
  for (const auto& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string exec_failed = "ascendsim: cannot execute " + job.argv[0] + "\n";
  const std::string chdir_failed = "ascendsim: cannot enter " + job.cwd + "\n";
  const bool search_path = job.argv[0].find('/') == std::string::npos;

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    if (!job.cwd.empty() && ::chdir(job.cwd.c_str()) != 0) {
      (void)!::write(2, chdir_failed.data(), chdir_failed.size());
      ::_exit(126);
    }
    if (search_path)
      ::execvp(argv[0], argv.data());
    else
      ::execv(argv[0], argv.data());
    (void)!::write(2, exec_failed.data(), exec_failed.size());
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

ChildStatus status_of(int raw) {
  ChildStatus s;
  if (WIFEXITED(raw)) {
    s.exit_code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
    s.exit_code = 128 + s.signal;
  }
  return s;
}

// Waits for one of our children; returns its pid and status.
std::pair<pid_t, ChildStatus> wait_any() {
  int raw = 0;
  pid_t pid;
  do pid = ::waitpid(-1, &raw, 0);
  while (pid < 0 && errno == EINTR);
  if (pid < 0) throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  return {pid, status_of(raw)};
}

void draw_bar(std::size_t done, std::size_t total, const std::string& unit) {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total ? done * kWidth / total : kWidth;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
            << done << "/" << total << " " << unit << std::flush;
}

}  // namespace

std::string ChildStatus::describe() const {
  if (signal) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code) + " (" + code_meaning(exit_code) + ")";
}

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "/proc/self/exe" : p.string();
}

std::optional<std::string> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

unsigned default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

ChildStatus run_child(const ChildJob& job) {
  const pid_t pid = spawn(job);
  int raw = 0;
  pid_t got;
  do got = ::waitpid(pid, &raw, 0);
  while (got < 0 && errno == EINTR);
  if (got < 0) throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  return status_of(raw);
}

std::vector<ChildStatus> run_children(
    const std::vector<ChildJob>& jobs, unsigned workers, const std::string& unit,
    const std::function<void(std::size_t, const ChildStatus&)>& on_done) {
  std::vector<ChildStatus> results(jobs.size());
  const bool bar = ::isatty(STDERR_FILENO) && !jobs.empty();
  if (workers == 0) workers = 1;
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0;
  if (bar) draw_bar(0, jobs.size(), unit);
  while (done < jobs.size()) {
    while (running.size() < workers && next < jobs.size()) {
      running[spawn(jobs[next])] = next;
      ++next;
    }
    const auto [pid, status] = wait_any();
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const std::size_t index = it->second;
    running.erase(it);
    results[index] = status;
    ++done;
    if (bar) draw_bar(done, jobs.size(), unit);
    if (on_done) on_done(index, status);
  }
  if (bar) std::cerr << "\n";
  return results;
}

int exit_code_of(const ChildStatus& status) {
  if (status.signal == 0 && status.exit_code >= kExitOk && status.exit_code <= kExitSimError)
    return status.exit_code;
  return kExitSimError;
}

int worst_exit(int a, int b) { return a > b ? a : b; }  // the codes are ordered by severity

std::string log_tail(const std::string& path, int lines, const std::string& indent) {
  std::ifstream in(path);
  if (!in) return "";
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    last.push_back(line);
    if (int(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& line : last) out += indent + line + "\n";
  return out;
}

ChildJob run_job(const std::string& run_path, const std::vector<std::string>& sets,
                 const std::string& out_dir, bool timing_only) {
  namespace fs = std::filesystem;
  fs::create_directories(out_dir);
  fs::remove(fs::path(out_dir) / "report.json");
  ChildJob job;
  job.argv = {self_executable(), "run", run_path};
  for (const auto& s : sets) {
    job.argv.push_back("--set");
    job.argv.push_back(s);
  }
  job.argv.insert(job.argv.end(), {"--out", out_dir, "--quiet"});
  if (timing_only) job.argv.push_back("--timing-only");
  job.log_path = (fs::path(out_dir) / "log.txt").string();
  return job;
}

std::optional<FanOutOptions> parse_fan_out(const Args& args, const std::string& command,
                                           const std::string& description, const std::string& unit,
                                           const std::string& example, std::ostream& out) {
  namespace po = boost::program_options;
  FanOutOptions o;
  o.jobs = default_jobs();
  po::options_description desc(description + "\n\noptions");
  desc.add_options()("help,h", "this help")(
      "out", po::value<std::string>(&o.out_dir),
      ("output directory (default: out/" + command + "/<file stem>)").c_str())(
      "jobs,j", po::value<unsigned>(&o.jobs),
      (unit + "s run at once, each its own process (default: hardware threads)").c_str())(
      "set", po::value<std::vector<std::string>>(&o.sets)->composing(),
      ("override a field in every " + unit + ", after the file's overrides; repeatable").c_str())(
      "timing-only", po::bool_switch(&o.timing_only),
      ("run every " + unit + " timing-only").c_str());
  if (!parse_command_line(args, desc, o.file, "the " + command + " file", out,
                          "\nexample: " + example + "\n"))
    return std::nullopt;
  if (o.jobs == 0) throw po::error("-j must be at least 1");
  if (o.out_dir.empty())
    o.out_dir = "out/" + command + "/" + std::filesystem::path(o.file).stem().string();
  return o;
}

std::string run_file_at(const std::string& file, const config::ConfigNode& run_key) {
  const std::string path = resolve_relative(file, run_key.as_string());
  if (!std::filesystem::is_regular_file(path))
    run_key.fail("a run file that exists (looked for " + path + ")");
  return path;
}

std::vector<config::ConfigNode> read_sets(const config::ConfigNode& parent,
                                          std::vector<std::string>& sets) {
  std::vector<config::ConfigNode> nodes;
  if (const auto set = parent.optional_child("set"))
    for (const auto& item : set->items()) {
      sets.push_back(item.as_string());
      nodes.push_back(item);
    }
  return nodes;
}

void read_field_list(const config::ConfigNode& parent, const std::string& key,
                     const std::vector<std::string>& defaults, std::vector<std::string>& fields,
                     std::vector<config::ConfigNode>& nodes) {
  const auto list = parent.optional_child(key);
  if (!list) {
    fields = defaults;
    return;
  }
  for (const auto& item : list->items()) {
    fields.push_back(item.as_string());
    nodes.push_back(item);
  }
  if (fields.empty()) list->fail("a list of at least one report field");
}

std::string failure_text(const std::string& label, const ChildStatus& status,
                         const std::string& log_path) {
  if (exit_code_of(status) == kExitCheckFailed)
    return label + ": " + status.describe() + " (" + log_path + ")\n";
  return label + ": " + status.describe() + "; " + log_path + " ends:\n" + log_tail(log_path, 8);
}

void precheck_run(const std::string& run_path, const std::vector<std::string>& sets) {
  const RunConfig rc = load_run_config(run_path, sets);
  (void)kernel_for_run(rc);
}

}  // namespace ascendsim::cli
