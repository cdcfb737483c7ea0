#!/bin/sh
# Forms the Redis Cluster of the compose profile `cluster`, once: three primaries with one replica
# each, from the six nodes given as host:port (docker-compose.yml, service redis-cluster-init).
#
# Idempotent, so every `docker compose --profile cluster up` may run it:
# - fresh nodes (each knows only itself): `redis-cli --cluster create`;
# - a cluster that already exists (the nodes' volumes keep nodes.conf): nothing, once it is healthy;
# - a cluster that exists but does not become healthy: exit 1 and say how to start afresh. The
#   usual cause is `docker compose down` and `up`, which keep the volumes but may give the nodes
#   other IPs (the cluster bus knows its peers by IP). CLUSTER MEET at the new addresses does not
#   reliably repair that (stale gossip puts the old addresses back), so this does not try.
# POSIX sh: it runs in redis:7.4-alpine (busybox) and, in the tests, under dash.
set -eu

if [ "$#" -lt 6 ]; then
  echo "usage: $0 host:port ... (six nodes or more: primaries plus one replica each)" >&2
  exit 64
fi

cli() {
  node=$1
  shift
  redis-cli -h "${node%:*}" -p "${node##*:}" "$@"
}

# One field of CLUSTER INFO (cluster_state, cluster_known_nodes, ...) as NODE reports it.
info_field() {
  cli "$1" cluster info | tr -d '\r' | sed -n "s/^$2://p"
}

# Healthy: every node reports cluster_state:ok and has a live link to every node it knows. Just
# after a restart a node still says ok while it cannot reach its peers (it notices only after
# cluster-node-timeout), so the links are checked too.
all_ok() {
  for node in "$@"; do
    [ "$(info_field "$node" cluster_state)" = ok ] || return 1
    cli "$node" cluster nodes | tr -d '\r' | awk '$8 != "connected" || $3 ~ /fail|handshake|noaddr/ { bad = 1 } END { exit bad }' || return 1
  done
}

# wait_ok SECONDS NODE...: until all_ok.
wait_ok() {
  left=$1
  shift
  while [ "$left" -gt 0 ]; do
    all_ok "$@" && return 0
    sleep 1
    left=$((left - 1))
  done
  all_ok "$@"
}

# How many of the nodes already know another node (are part of some cluster).
joined=0
for node in "$@"; do
  known=$(info_field "$node" cluster_known_nodes)
  if [ "${known:-1}" -gt 1 ]; then joined=$((joined + 1)); fi
done

if [ "$joined" -eq 0 ]; then
  echo "creating the cluster: $*"
  redis-cli --cluster create "$@" --cluster-replicas 1 --cluster-yes
  wait_ok 30 "$@"
  echo "cluster created"
  exit 0
fi

# Restarted nodes find each other again within seconds when their addresses did not change.
if wait_ok 30 "$@"; then
  echo "cluster already exists ($joined of $# nodes joined, all linked, cluster_state:ok): nothing to do"
  exit 0
fi

cat >&2 <<'EOF_HELP'
The cluster exists (the nodes' volumes hold it) but did not become healthy within 30 s: a node is
down, or the nodes cannot reach each other at the addresses in their nodes.conf. The latter happens
when `docker compose down` and `up` gave the nodes other IPs: the cluster bus uses IPs, not names.
The cluster holds the frame path's short-lived state (generation streams, registry, rate buckets,
tickets); with REDIS_QUEUE_URL set, no queued job. To start it afresh, remove its six volumes and
bring the profile up again:
  docker compose --profile cluster rm -sf redis-node-1 redis-node-2 redis-node-3 redis-node-4 redis-node-5 redis-node-6
  docker volume rm <project>_redis-node-1-data ... <project>_redis-node-6-data   (docker volume ls)
  docker compose --profile cluster up -d
EOF_HELP
for node in "$@"; do
  echo "--- CLUSTER NODES of $node" >&2
  cli "$node" cluster nodes >&2 || true
done
exit 1
