#pragma once
// Whether a rank that stopped answering has died: rank 0 can look at the processes of the
// ranks on its own node (a launcher's SIGTERM after a rank's death otherwise reads as a plain
// stop). Ranks on other nodes cannot be seen from here.
namespace capbench {

// True when no live process has this id (none at all, or a zombie waiting to be reaped).
bool process_is_gone(int pid);

}  // namespace capbench
