#pragma once
// A thread beside the runner that does not depend on the main thread making progress. A case
// can block where no deadline reaches (a blocking MPI or NCCL collective waiting for a dead
// peer, a kernel that never ends); MPI progress then stops with it. The watchdog:
//  - ends this rank when the armed phase outlives its limit (rank 0 first writes the results
//    file, marked incomplete, through `on_stuck`), so the launcher tears the job down;
//  - on every rank, within one tick of a stop signal, runs `at_stop`: what must be undone
//    before mpirun's SIGKILL (1 s after its SIGTERM) whatever the main thread is doing, such
//    as the storage phases' files;
//  - on rank 0, marks the results file incomplete shortly after a stop signal if the main
//    thread has not done so (it may be inside a long measurement), through `on_stop`;
//  - on every rank, ends the process kStopExit after a stop signal if the main thread has not
//    ended it by then (`before_exit` first, e.g. to let a results write finish). mpirun sends
//    SIGKILL 1 s after its SIGTERM, but Slurm waits KillWait (30 s by default) after scancel
//    or a time limit: without this, ranks stuck in a measurement would outlive the job's end.
// It never calls MPI (the runner initialises MPI_THREAD_FUNNELED).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace capbench {

class Watchdog {
 public:
  Watchdog(std::function<void(const std::string& phase, double limit_s)> on_stuck,
           std::function<void(int signal)> on_stop);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void arm(std::string phase, double limit_s);
  // Run on a thread of its own as soon as the watchdog sees a stop signal.
  void set_at_stop(std::function<void()> f);
  // Called on the watchdog thread just before it ends the process after a stop signal.
  void set_before_exit(std::function<void()> f);
  void disarm();

 private:
  void loop();
  std::function<void(const std::string&, double)> on_stuck_;
  std::function<void(int)> on_stop_;
  std::function<void()> at_stop_, before_exit_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool quit_ = false, armed_ = false, stop_handled_ = false;
  std::string phase_;
  double limit_s_ = 0;
  std::chrono::steady_clock::time_point until_{}, stop_seen_{};
  std::thread at_stop_thread_;  // declared before thread_, which may start it at once
  std::thread thread_;
};

}  // namespace capbench
