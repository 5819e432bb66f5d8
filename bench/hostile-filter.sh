#!/usr/bin/env bash
# Hostile-filter benchmark (issue "Delivery you can trust"): one subscriber's publish-ack -> push latency while
# events of another resource stream in (about 200 a second, sources BENCH_SOURCE_LENGTH characters long), first with
# no subscription on that resource, then with one whose CESQL filter is source LIKE '%%...%x' (BENCH_PERCENTS of
# them), evaluated on each of those events. The server jar on embedded H2 (-Xmx256m) with bench/delivery-policies;
# events.bench.HostileFilterBench with the receiver in a JVM of its own.
#
# Environment (all optional): BENCH_PROBES per round (100)  BENCH_PERCENTS (30)  BENCH_SOURCE_LENGTH (2000)
#   BENCH_BUILD=1 to rebuild  BENCH_SERVER_JAVA_OPTS
# Never run by CI. Only ever sends traffic to 127.0.0.1. Takes about a minute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[hostile-filter] %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

serve_h2_delivery HostileFilterBench
run_child hostile java -Xmx512m -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP" \
  events.bench.HostileFilterBench --base-url "http://127.0.0.1:$PORT" --token "$TOKEN" \
  --probes "${BENCH_PROBES:-100}" --percents "${BENCH_PERCENTS:-30}" --source-length "${BENCH_SOURCE_LENGTH:-2000}"
check_server "$SERVER_PID" h2
