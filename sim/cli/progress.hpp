#pragma once
// A progress line on stderr for runs longer than a second, only when stderr is a terminal.
// The simulation thread bumps an atomic counter per finished instruction; a helper thread
// prints from it twice a second. Nothing is printed for short runs or when piped.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace ascendsim::cli {

class Progress {
 public:
  explicit Progress(std::uint64_t total);
  ~Progress();
  std::atomic<std::uint64_t>* counter() { return &done_; }
  void stop();

 private:
  void loop();
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  bool stop_ = false;
  bool printed_ = false;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace ascendsim::cli
