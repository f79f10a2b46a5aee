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

stop_private_slurm() {
  stop_daemon "${work}/slurmd.pid"
  stop_daemon "${work}/slurmctld.pid"
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
  local node_hw
  node_hw="$(slurmd -C 2>/dev/null | head -n 1)" || true
  [[ "${node_hw}" == NodeName=* ]] || skip "slurmd -C could not describe this node"
  node_hw="${node_hw#NodeName=* }"
  # Ports: well away from Slurm's defaults (6817/6818), different per test process.
  port_base=$((20000 + ($$ % 20000) * 2))
  cat >"${work}/slurm.conf" <<CONF
ClusterName=capbenchtest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${port_base}
SlurmdPort=$((port_base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${socket}
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
  export SLURM_CONF="${work}/slurm.conf"

  slurmctld -f "${SLURM_CONF}" >/dev/null 2>&1 ||
    skip "slurmctld would not start: $(tail -n 3 "${work}/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
  slurmd -f "${SLURM_CONF}" -N "${node}" >/dev/null 2>&1 ||
    skip "slurmd would not start: $(tail -n 3 "${work}/slurmd.log" 2>/dev/null | tr '\n' ' ')"

  local state=""
  for _ in $(seq 1 60); do
    state="$(sinfo -h -n "${node}" -o %t 2>/dev/null || true)"
    [[ "${state}" == idle* ]] && break
    sleep 0.5
  done
  [[ "${state}" == idle* ]] ||
    skip "node ${node} never became idle (state '${state}'): $(tail -n 3 "${work}/slurmd.log" | tr '\n' ' ')"
  echo "${test_name}: private Slurm up: node ${node} (${node_hw}), ports ${port_base}/$((port_base + 1)), KillWait ${kill_wait} s"
}

# The job's state (RUNNING, CANCELLED, ...), empty when unknown.
job_state() {
  scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1
}
