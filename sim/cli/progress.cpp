#include "sim/cli/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace ascendsim::cli {

Progress::Progress(std::uint64_t total) : total_(total) {
  if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() { stop(); }

void Progress::stop() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Progress::loop() {
  using namespace std::chrono;
  const auto start = steady_clock::now();
  std::unique_lock<std::mutex> lock(m_);
  if (cv_.wait_for(lock, seconds(1), [this] { return stop_; })) return;
  do {
    const double secs = duration<double>(steady_clock::now() - start).count();
    const std::uint64_t done = done_.load(std::memory_order_relaxed);
    std::fprintf(stderr, "\r[ascendsim] simulating: %5.1f%% of %llu instructions, %.1f s",
                 total_ ? 100.0 * double(done) / double(total_) : 100.0,
                 static_cast<unsigned long long>(total_), secs);
    printed_ = true;
  } while (!cv_.wait_for(lock, milliseconds(500), [this] { return stop_; }));
  if (printed_) std::fprintf(stderr, "\r%70s\r", "");
}

}  // namespace ascendsim::cli
