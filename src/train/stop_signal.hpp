// SIGTERM and SIGUSR1 (SLURM's warning before a time limit or preemption) ask training to stop
// at the end of the current epoch: the handler only sets a flag; the trainer checks it once per
// epoch, agrees on it across ranks, writes a checkpoint and exits with kExitCheckpointed.
#pragma once

namespace distgae {

// Installs the handlers (idempotent). Call before training starts.
void install_stop_signal_handlers();

// True once SIGTERM or SIGUSR1 has arrived in this process.
bool stop_requested();

// The signal that asked to stop (0 when none), for the log line.
int stop_signal_number();

}  // namespace distgae
