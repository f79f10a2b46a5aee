# shellcheck shell=bash disable=SC2154
# Sourced by the Slurm tests: a real, private Slurm on this machine (munged, slurmctld and
# slurmd as root), each on paths and ports inside "$work". Call start_private_slurm NAME after
# setting `work` (a fresh directory) and `kill_wait` (seconds, Slurm's KillWait); it exports
# SLURM_CONF and sets `node`. stop_private_slurm stops the daemons. Skips (exit 77) only where
# the daemons cannot start here, with the reason printed. (`work` and `kill_wait` are the
# caller's, hence SC2154 off.)
skip_code=77

skip() {
  echo "${test_name}: SKIPPED: $*"
  exit "${skip_code}"
}

stop_daemon() {
  local pidfile="$1" pid
  [[ -s "${pidfile}" ]] || return 0
  pid="$(cat "${pidfile}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  kill "${pid}" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "${pid}" 2>/dev/null || true
}

# Stops the slurmctld or slurmd of this configuration, found by its command line rather than
# its pid file (a daemon that died leaves a pid file whose number may be another's by now).
stop_slurm_daemon() {
  local pid
  for pid in $(pgrep -f "^$1 -f ${SLURM_CONF:-/nonexistent}( |\$)" 2>/dev/null); do
    kill "${pid}" 2>/dev/null || continue
    for _ in $(seq 1 50); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "${pid}" 2>/dev/null || true
  done
}

stop_private_slurm() {
  stop_slurm_daemon slurmd
  stop_slurm_daemon slurmctld
  stop_daemon "${work}/munge/munged.pid"
}

start_private_slurm() {
  test_name="$1"
  for tool in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "${tool}" >/dev/null 2>&1 ||
      skip "'${tool}' not found (Debian: apt-get install slurm-wlm munge slurm-wlm-basic-plugins)"
  done
  [[ "$(id -u)" == 0 ]] || skip "slurmd must run as root to launch job steps; this test runs as $(id -un)"
  mkdir -p "${work}/state" "${work}/spool" "${work}/munge" "${work}/out" "${work}/tmp"

  dd if=/dev/urandom of="${work}/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "${work}/munge/munge.key"
  local socket="${work}/munge/munge.socket"
  munged --force --socket="${socket}" --key-file="${work}/munge/munge.key" \
    --pid-file="${work}/munge/munged.pid" --log-file="${work}/munged.log" \
    --seed-file="${work}/munge/munged.seed" >/dev/null 2>&1 ||
    skip "munged would not start: $(tail -n 3 "${work}/munged.log" 2>/dev/null | tr '\n' ' ')"

  node="$(hostname -s)"
  node_hw="$(timeout 30 slurmd -C 2>/dev/null | head -n 1)" || true
  [[ "${node_hw}" == NodeName=* ]] || skip "slurmd -C could not describe this node"
  node_hw="${node_hw#NodeName=* }"
  export SLURM_CONF="${work}/slurm.conf"

  # A clash on a port, or a daemon that dies after it has forked, must neither hang the test
  # (each sinfo against a missing controller waits ~9 s) nor pass silently: each try is bounded,
  # names what went wrong, and the next try takes other ports.
  local try why=""
  for try in 1 2 3; do
    pick_free_ports || skip "no two free TCP ports below the ephemeral range here"
    write_slurm_conf
    echo "${test_name}: starting slurmctld and slurmd on ports ${port_base}/$((port_base + 1)) (try ${try})"
    if why="$(start_slurm_daemons)"; then
      echo "${test_name}: private Slurm up: node ${node} (${node_hw}), ports ${port_base}/$((port_base + 1)), KillWait ${kill_wait} s"
      return 0
    fi
    echo "${test_name}: try ${try}: ${why}"
    stop_slurm_daemon slurmd
    stop_slurm_daemon slurmctld
    rm -rf "${work:?}/state" "${work:?}/spool"
    mkdir -p "${work}/state" "${work}/spool"
  done
  skip "the Slurm daemons would not stay up in three tries: ${why}"
}

# Two consecutive TCP ports that nothing on this machine uses, below the kernel's ephemeral
# range (where outgoing connections, MPI's among them, take their ports). Sets port_base.
pick_free_ports() {
  local ephemeral_low
  ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  local span=$((ephemeral_low - 20002)) _
  ((span > 2)) || return 1
  for _ in $(seq 1 50); do
    port_base=$((20000 + (RANDOM * 32768 + RANDOM) % span))
    if [[ -z "$(ss -Htan "( sport = :${port_base} or sport = :$((port_base + 1)) )" 2>/dev/null)" ]]; then
      return 0
    fi
  done
  return 1
}

write_slurm_conf() {
  cat >"${SLURM_CONF}" <<CONF
ClusterName=capbenchtest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${port_base}
SlurmdPort=$((port_base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${work}/munge/munge.socket
StateSaveLocation=${work}/state
SlurmdSpoolDir=${work}/spool
SlurmctldPidFile=${work}/slurmctld.pid
SlurmdPidFile=${work}/slurmd.pid
SlurmctldLogFile=${work}/slurmctld.log
SlurmdLogFile=${work}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
ReturnToService=2
MinJobAge=600
InactiveLimit=0
KillWait=${kill_wait}
TmpFS=${work}/tmp
Waittime=0
NodeName=${node} NodeAddr=127.0.0.1 ${node_hw} State=UNKNOWN
PartitionName=capbench Nodes=${node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
}

# Is the daemon started with this configuration (its command line names SLURM_CONF) alive?
daemon_alive() {
  pgrep -f "^$1 -f ${SLURM_CONF}( |\$)" >/dev/null 2>&1
}

# Starts slurmctld and slurmd and waits, at most 30 s, for the node to be idle. On failure
# prints why (which daemon, the tail of its log) and returns 1.
start_slurm_daemons() {
  if ! slurmctld -f "${SLURM_CONF}" >/dev/null 2>&1; then
    echo "slurmctld would not start: $(tail -n 3 "${work}/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  if ! slurmd -f "${SLURM_CONF}" -N "${node}" >/dev/null 2>&1; then
    echo "slurmd would not start: $(tail -n 3 "${work}/slurmd.log" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  local state="" deadline=$((SECONDS + 30)) daemon
  while ((SECONDS < deadline)); do
    for daemon in slurmctld slurmd; do
      daemon_alive "${daemon}" ||
        { echo "${daemon} exited after it started: $(tail -n 3 "${work}/${daemon}.log" 2>/dev/null | tr '\n' ' ')"; return 1; }
    done
    state="$(timeout 5 sinfo -h -n "${node}" -o %t 2>/dev/null || true)"
    [[ "${state}" == idle* ]] && return 0
    sleep 0.5
  done
  echo "node ${node} not idle after 30 s (state '${state}'): $(tail -n 3 "${work}/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  return 1
}

# The job's state (RUNNING, CANCELLED, ...), empty when unknown.
job_state() {
  timeout 15 scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1
}
