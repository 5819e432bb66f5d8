#!/usr/bin/env bash
# Stuck-endpoint benchmark (issue "Delivery you can trust"): memory and isolation while an endpoint never answers.
#
# The server jar on embedded H2 (-Xmx256m, as every benchmark server) with bench/delivery-policies, and
# events.bench.StuckEndpointBench in a JVM of its own: one subscription's endpoint accepts every push and never
# answers (the server's attempt timeout is BENCH_TIMEOUT), another's answers at once. BENCH_BACKLOG events of about
# BENCH_SIZE bytes are published for the stuck one (8 publishers); the server's heap in use (jcmd GC.heap_info) and
# resident set are sampled every 200 ms; then BENCH_PROBES small events for the healthy one, one every 100 ms, each
# timed from its publisher's 200 to its push.
#
# Environment (all optional): BENCH_BACKLOG (5000)  BENCH_SIZE (250000)  BENCH_PROBES (50)  BENCH_TIMEOUT (30s)
#   BENCH_BUILD=1 to rebuild  BENCH_SERVER_JAVA_OPTS
# Never run by CI. Only ever sends traffic to 127.0.0.1. Takes about 3 minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[stuck] %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

export EVENTS_WEBHOOK_TIMEOUT="${BENCH_TIMEOUT:-30s}"
serve_h2_delivery StuckEndpointBench
run_child stuck java -Xmx512m -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP" \
  events.bench.StuckEndpointBench --base-url "http://127.0.0.1:$PORT" --token "$TOKEN" --server-pid "$SERVER_PID" \
  --backlog "${BENCH_BACKLOG:-5000}" --size "${BENCH_SIZE:-250000}" --probes "${BENCH_PROBES:-50}"
check_server "$SERVER_PID" h2
