#include "train/stop_signal.hpp"

#include <csignal>

namespace distgae {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void record_stop_signal(int signal_number) {
  g_stop_signal = signal_number;
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = record_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: an interrupted read or MPI progress call resumes instead of failing.
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool stop_requested() {
  return g_stop_signal != 0;
}

int stop_signal_number() {
  return static_cast<int>(g_stop_signal);
}

}  // namespace distgae
