#pragma once
// SIGINT and SIGTERM (a Slurm time limit): the first asks the run to stop after writing what
// it has, marked incomplete; a second exits at once.
namespace capbench {
void install_stop_handlers();
bool stop_requested();
int stop_signal();  // 0 when none arrived
}  // namespace capbench
