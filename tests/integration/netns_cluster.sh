# shellcheck shell=bash
# A cluster of "nodes" on one machine, for tests that need real host boundaries (sourced).
# Each node is a network namespace with one veth link to a bridge in a namespace of its own,
# an address in a private /24 and its own host name (a UTS namespace entered by the rsh agent).
# mpirun runs inside node 0; Open MPI's rsh launcher starts orted on the others through
# the agent, and every MPI byte between nodes crosses a veth link (TCP, btl_tcp_if_include).
#
#   cluster_up NODES            sets CLUSTER_PREFIX, CLUSTER_SUBNET, CLUSTER_HOSTS[], CLUSTER_NS[]
#   cluster_mpirun ARGS...      mpirun across the cluster (hostfile, agent and MCA settings added)
#   cluster_down                removes every namespace, link and bridge it made (also on EXIT)
#
# Needs root, ip netns, unshare; the caller checks cluster_supported first (skip code 77).
# CLUSTER_NAME_PREFIX (default "fab") starts the names, so that concurrent users tell theirs apart.

cluster_supported() {
  [[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (network namespaces)"; return 1; }
  if ! command -v ip >/dev/null || ! command -v unshare >/dev/null; then
    echo "SKIP: needs ip and unshare"
    return 1
  fi
  local probe="fabprobe$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "SKIP: cannot create network namespaces here"
    return 1
  fi
  ip netns del "$probe"
}

cluster_down() {
  local ns
  for ns in "${CLUSTER_NS[@]}" "${CLUSTER_PREFIX:-none}br"; do
    # Processes still inside (a killed test's orted) would keep the namespace's links alive.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  [[ -n ${CLUSTER_DIR:-} ]] && rm -rf "$CLUSTER_DIR"
  CLUSTER_NS=()
}

cluster_up() {
  local nodes=$1 i
  # Unique per test run: the pid picks the names and the /24.
  CLUSTER_PREFIX="${CLUSTER_NAME_PREFIX:-fab}$(( $$ % 100000 ))"
  CLUSTER_SUBNET="10.$(( 100 + $$ % 100 )).$(( ($$ / 100) % 250 )).0/24"
  local net=${CLUSTER_SUBNET%.0/24}
  CLUSTER_DIR=$(mktemp -d "/tmp/${CLUSTER_PREFIX}-cluster.XXXXXX")
  CLUSTER_NS=()
  CLUSTER_HOSTS=()
  CLUSTER_ADDRS=()
  local br="${CLUSTER_PREFIX}br"
  ip netns add "$br"
  ip -n "$br" link add br0 type bridge
  ip -n "$br" link set br0 up
  ip -n "$br" link set lo up
  for ((i = 0; i < nodes; i++)); do
    local ns="${CLUSTER_PREFIX}n$i"
    ip netns add "$ns"
    CLUSTER_NS+=("$ns")
    CLUSTER_HOSTS+=("${CLUSTER_PREFIX}-node$i")
    CLUSTER_ADDRS+=("$net.$((i + 1))")
    # One veth pair: eth0 inside the node, p$i on the bridge.
    ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$br"
    ip -n "$br" link set "p$i" master br0 up
    ip -n "$ns" addr add "$net.$((i + 1))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
  local map="$CLUSTER_DIR/nodes"
  : >"$map"
  for ((i = 0; i < nodes; i++)); do
    echo "${CLUSTER_HOSTS[$i]} ${CLUSTER_NS[$i]} ${CLUSTER_ADDRS[$i]}" >>"$map"
  done
  # The agent Open MPI runs as ssh (`agent [options] HOST COMMAND...`): it enters HOST's
  # namespaces and names the new UTS namespace after HOST's host name.
  cat >"$CLUSTER_DIR/agent" <<EOF
#!/bin/bash
while [[ \$1 == -* ]]; do shift; done
host=\$1; shift
read -r name ns _ < <(awk -v h="\$host" '\$1 == h || \$3 == h' "$map")
[[ -n \$ns ]] || { echo "netns agent: unknown host \$host" >&2; exit 1; }
# As ssh does, the rest is one command line for a shell.
exec ip netns exec "\$ns" unshare --uts bash -c "hostname \$name; \$*"
EOF
  chmod +x "$CLUSTER_DIR/agent"
  CLUSTER_AGENT="$CLUSTER_DIR/agent"
}

# cluster_hostfile SLOTS: every node with SLOTS slots, by address (mpirun resolves no names).
cluster_hostfile() {
  local slots=$1 f="$CLUSTER_DIR/hostfile.$1" i
  : >"$f"
  for ((i = 0; i < ${#CLUSTER_HOSTS[@]}; i++)); do echo "${CLUSTER_ADDRS[$i]} slots=$slots" >>"$f"; done
  echo "$f"
}

# cluster_mpirun SLOTS ARGS...: mpirun in node 0 (its own host name), over the cluster's links.
cluster_mpirun() {
  local slots=$1
  shift
  local hostfile
  hostfile=$(cluster_hostfile "$slots")
  # shellcheck disable=SC2016  # expanded by the inner bash
  ip netns exec "${CLUSTER_NS[0]}" unshare --uts bash -c 'hostname "$0"; exec "$@"' "${CLUSTER_HOSTS[0]}" \
    env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun --hostfile "$hostfile" --oversubscribe \
    --mca plm_rsh_agent "$CLUSTER_AGENT" --mca plm_rsh_no_tree_spawn 1 \
    --mca oob_tcp_if_include "$CLUSTER_SUBNET" --mca btl_tcp_if_include "$CLUSTER_SUBNET" \
    --mca btl "${CLUSTER_BTL:-tcp,self,vader}" --mca pml ob1 --bind-to none "$@"
}

# cluster_slow_node NODE RATE: a token-bucket rate limit on NODE's link, both directions.
cluster_slow_node() {
  local i=$1 rate=$2
  tc -n "${CLUSTER_NS[$i]}" qdisc add dev eth0 root tbf rate "$rate" burst 64kb latency 200ms
  tc -n "${CLUSTER_PREFIX}br" qdisc add dev "p$i" root tbf rate "$rate" burst 64kb latency 200ms
}
