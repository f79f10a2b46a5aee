# shellcheck shell=bash disable=SC2034
# Sourced by tests that stop a run with SIGTERM to mpirun. What they assert is capbench's part:
# every rank ends promptly. Open MPI 4.1's mpirun itself now and then stays up after its last
# child has gone (in its own teardown, not traced; seen twice in about 300 such stops on this
# machine); that is told apart, said, and ended, rather than waited on for ever.
#
#   wait_for_launcher_end PID RANK_PATTERN LIMIT_S
# Sets `ranks_ended_at` to $SECONDS when the last rank was seen gone.
# PID: the launcher (mpirun); RANK_PATTERN: a pgrep -f pattern matching this test's capbench
# ranks and not the launcher ("^/path/capbench run --suite ..."). Returns 0 with `launcher_rc`
# set to the launcher's exit status (137 when it had to be killed after the ranks had ended);
# returns 1, with `launcher_left` naming what still ran, when a rank outlived LIMIT_S. (The
# variables are the caller's, hence SC2034 off.)
wait_for_launcher_end() {
  local pid="$1" pattern="$2" limit_s="$3" deadline
  launcher_left=""
  deadline=$((SECONDS + limit_s))
  while pgrep -f "$pattern" >/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if pgrep -f "$pattern" >/dev/null; then
    launcher_left="$(pgrep -a -f "$pattern" | head -8)"
    return 1
  fi
  ranks_ended_at=$SECONDS
  # Every rank has ended: the launcher has 10 s more to notice.
  timeout 10 tail --pid="$pid" -f /dev/null
  if kill -0 "$pid" 2>/dev/null; then
    echo "NOTE: mpirun (pid $pid) was still running 10 s after its last capbench rank ended: Open MPI's" \
      "launcher hang, not capbench's; killed" >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    launcher_rc=137
    return 0
  fi
  wait "$pid"
  launcher_rc=$?
  return 0
}
