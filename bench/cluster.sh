#!/usr/bin/env bash
# Cluster benchmark (issue "Scale-out on PostgreSQL"; SPEC section 8): publish and delivery throughput with 1, 2
# and 3 server nodes on one PostgreSQL schema, and publish-ack -> webhook-received latency at half the peak.
#
# For each node count N of BENCH_NODES: a fresh schema (127.0.0.1:5432, db test, user postgres; dropped
# afterwards), N server jars (-Xmx256m each, on free loopback ports, started one after another, each loading
# bench/policies and bench/delivery-policies), then:
#   1. publish: events.bench.LoadGenerator, closed loop at BENCH_CONCURRENCY connections spread over the N nodes
#      (connection i to node i mod N), warm-up until the rate settles (at most BENCH_WARMUP s), BENCH_DURATION s;
#   2. delivery: events.bench.DeliveryBench with BENCH_SUBSCRIPTIONS subscriptions (created through node 1), each to
#      its own endpoint path of one sink, publishing through every node in turn: throughput (32 closed-loop
#      publishers, at most 2000 pushes outstanding, warm-up until settled), then latency (open loop at half that
#      peak, over at most 64 connections, 20 s measured). Every attempt to one endpoint comes from the node that
#      owns its partition, so with one subscription one node pushes everything; with several, the nodes share them.
# All nodes, PostgreSQL and the load generators share this machine's cores: the figures show what sharing one
# database costs and where the machine runs out, not what N machines would give.
#
# Environment (all optional): BENCH_NODES ("1 2 3")  BENCH_CONCURRENCY (64)  BENCH_DURATION (15)  BENCH_SUBSCRIPTIONS (8)
#   BENCH_WARMUP (300)  BENCH_BUILD=1 to rebuild  BENCH_SERVER_JAVA_OPTS  PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD
# Never run by CI. Only ever sends traffic to 127.0.0.1. Takes about 8 minutes per node count.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODES_LIST="${BENCH_NODES:-1 2 3}"
CONCURRENCY="${BENCH_CONCURRENCY:-64}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-300}"
SUBSCRIPTIONS="${BENCH_SUBSCRIPTIONS:-8}"

log() { printf '[cluster] %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_bench DeliveryBench server
BENCH_JAVA=(java -XX:+UseZGC -Xmx1g -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP")
export EVENTS_WEBHOOK_ALLOW_HTTP=true EVENTS_WEBHOOK_ALLOW_PRIVATE=true
TOKEN="$(mint bench --org ttd --scope "altinn:events.publish altinn:events.subscribe")"
POLICIES="$WORK/policies"
mkdir -p "$POLICIES"
cp "$ROOT"/bench/policies/*.xml "$ROOT"/bench/delivery-policies/*.xml "$POLICIES"/

declare -A FIG
for n in $NODES_LIST; do
  create_schema
  pids=()
  urls=()
  for i in $(seq 1 "$n"); do
    port="$(free_port)"
    name="pg-n$n-$i"
    log "$n nodes: starting node $i on 127.0.0.1:$port"
    start_server "$name" "$port" "$SERVER_JAR" "$POLICIES" existing-schema
    pids+=("$STARTED_PID")
    wait_ready "$STARTED_PID" "$port" "$name"
    urls+=("http://127.0.0.1:$port")
  done
  joined="$(IFS=,; echo "${urls[*]}")"
  publish_urls="$(printf '%s/events/api/v1/events,' "${urls[@]}")"

  SERVER_NAME="pg-n$n-1"
  run_child "n$n-publish" "${BENCH_JAVA[@]}" events.bench.LoadGenerator --url "${publish_urls%,}" --token "$TOKEN" \
    --concurrency "$CONCURRENCY" --settle "$WARMUP" --duration "$DURATION" --label "n$n"
  FIG[$n,publish]="$(sed -n 's/^RESULT label=[^ ]* .* rps=\([0-9.]*\) .*/\1/p' "$WORK/n$n-publish.result" | tail -n 1)"

  run_child "n$n-delivery" "${BENCH_JAVA[@]}" events.bench.DeliveryBench --url "${urls[0]}" --publish-urls "$joined" \
    --token "$TOKEN" --settle "$WARMUP" --duration "$DURATION" --subscriptions "$SUBSCRIPTIONS" \
    --phases throughput,latency --label "n$n"
  result="$WORK/n$n-delivery.result"
  fig() { sed -n "s/^RESULT name=n${n}_$1 value=\([0-9.]*\) .*/\1/p" "$result" | tail -n 1; }
  FIG[$n,deliveries]="$(fig throughput_deliveries)"
  FIG[$n,rate]="$(fig latency_rate)"
  FIG[$n,p50]="$(fig latency_p50)"
  FIG[$n,p99]="$(fig latency_p99)"
  FIG[$n,missing]="$(fig latency_missing)"
  FIG[$n,errors]="$(fig latency_errors)"

  for i in "${!pids[@]}"; do
    name="pg-n$n-$((i + 1))"
    check_server "${pids[$i]}" "$name"
    grep -h "dispatches new events now\|delivers to the endpoints of" "$WORK/$name.log" | sed "s/^/[$name] /" >&2 || true
  done
  for pid in "${pids[@]}"; do
    stop_child "$pid"
  done
  drop_schema
done

echo
echo "cluster: N nodes on one PostgreSQL schema, all on this machine (publish: $CONCURRENCY connections over the nodes;"
echo "delivery: $SUBSCRIPTIONS subscriptions, publishing through every node; latency: open loop at half the delivery peak)"
printf '%-6s %12s %8s %14s %8s %12s %8s %8s %8s %7s\n' nodes "publish/s" "vs 1" "deliveries/s" "vs 1" "latency ev/s" "p50 ms" "p99 ms" missing errors
first=""
for n in $NODES_LIST; do
  [[ -z "$first" ]] && first="$n"
  printf '%-6s %12.0f %7.0f%% %14.0f %7.0f%% %12.0f %8.2f %8.2f %8.0f %7.0f\n' "$n" "${FIG[$n,publish]}" \
    "$(echo "100 * ${FIG[$n,publish]} / ${FIG[$first,publish]}" | bc -l)" "${FIG[$n,deliveries]}" \
    "$(echo "100 * ${FIG[$n,deliveries]} / ${FIG[$first,deliveries]}" | bc -l)" "${FIG[$n,rate]}" \
    "${FIG[$n,p50]}" "${FIG[$n,p99]}" "${FIG[$n,missing]}" "${FIG[$n,errors]}"
done
