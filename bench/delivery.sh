#!/usr/bin/env bash
# Delivery benchmark: push delivery of the server to a webhook receiver (issue "Subscriptions and reliable push
# delivery"; SPEC section 10: publish-ack -> webhook-received p99 < 50 ms at half the peak rate, matching cost flat in
# the number of non-matching subscriptions).
#
# Targets, one after another: h2 (the server jar on embedded H2 in a fresh temp dir) and pg (on PostgreSQL,
# 127.0.0.1:5432, db test, user postgres, in a fresh schema dropped afterwards). Every server is a child JVM with
# -Xmx256m on a free loopback port, with EVENTS_WEBHOOK_ALLOW_HTTP and EVENTS_WEBHOOK_ALLOW_PRIVATE (the receiver is
# http on 127.0.0.1). For each target:
#   1. events.bench.DeliveryBench against the server loading bench/delivery-policies (ttd publishes to and subscribes
#      to urn:altinn:resource:bench-delivery and bench-fanout), with the webhook receiver (events.bench.WebhookSink)
#      in the benchmark's own JVM:
#        throughput  closed-loop publishing to BENCH_SUBSCRIPTIONS subscriptions (each its own receiver path; the
#                    engine sends at most 16 requests at a time per endpoint URL), held back while more than
#                    BENCH_MAX_BACKLOG pushes are outstanding: deliveries/s received during the measured seconds;
#        ceiling     a bare OkHttp client in the benchmark's JVM POSTing the same push (body, headers, a signature
#                    computed the same way) straight to the same receiver paths with 16 threads per subscription;
#        latency     open-loop publishing at half the peak event rate of the throughput phase over at most
#                    BENCH_LATENCY_CONNECTIONS connections (publishes due while all are busy wait in the client's
#                    queue and their round trip counts from when they were due); per push the
#                    receiver's nanoTime minus the nanoTime of the publisher's 200 (same JVM; 0 if the push came first);
#        fan-out     BENCH_FANOUT subscriptions on one resource (receiver paths /f/0 ...), one event published, timed
#                    until every push arrived; one untimed round, then BENCH_FANOUT_ROUNDS.
#   2. Matching cost: for each count of BENCH_MATCH_COUNTS, a fresh database seeded with that many active subscriptions
#      on 1000 resources no published event concerns (events.bench.SubscriptionSeeder, through the JDBC adapter, before
#      the server starts), then the server loading bench/policies (as bench/ingest.sh) under the closed-loop load of
#      events.bench.LoadGenerator at BENCH_MATCH_CONCURRENCY connections: warm-up until the rate stops rising (at
#      most BENCH_MATCH_WARMUP seconds), then BENCH_MATCH_ROUNDS runs of BENCH_DURATION seconds.
# Then a table is printed.
#
# Environment (all optional):
#   BENCH_TARGETS ("h2 pg")  BENCH_DURATION seconds per measured run (15)  BENCH_WARMUP at most this many seconds of
#   publishing before the throughput phase measures (300); the warm-up ends as soon as the delivery rate stops rising
#   (events.bench.SteadyState: on 2 cores the server's JIT needs minutes under load)  BENCH_CONCURRENCY publishers of the
#   throughput phase (32)  BENCH_SUBSCRIPTIONS of the throughput and latency phases (1)  BENCH_MAX_BACKLOG (2000)
#   BENCH_LATENCY_DURATION seconds measured at half the peak (20, after 5 s unmeasured)  BENCH_RATE events/s of the
#   latency phase instead of half the peak  BENCH_LATENCY_CONNECTIONS (64)  BENCH_FANOUT (1000)  BENCH_FANOUT_ROUNDS (5)
#   BENCH_PHASES of the delivery benchmark (throughput,ceiling,latency,fanout; latency needs throughput or BENCH_RATE)
#   BENCH_SERVER_JAVA_OPTS more JVM options for the servers  BENCH_SERVER_JAR another build of the server to measure
#   (for example an older commit's, built in a worktree) with this benchmark  BENCH_SINK_ACCEPT_QUEUE connections the
#   receiver's kernel may hold before it takes them (0: the JDK's default of 50, as most Java receivers have)
#   BENCH_MATCH_COUNTS ("100 100000"; empty to skip)  BENCH_MATCH_CONCURRENCY (64)  BENCH_MATCH_WARMUP (300)
#   BENCH_MATCH_ROUNDS (2)  BENCH_DELIVERY=0 to run the matching cost only
#   BENCH_BUILD=1 to rebuild even if the jars exist
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGDATABASE (test) PGPASSWORD
# Never run by CI. Only ever sends traffic to 127.0.0.1. Takes about 6 minutes for h2 and 8 for pg (seeding 100 000
# subscriptions takes 2 to 4 minutes of that).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGETS="${BENCH_TARGETS:-h2 pg}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-300}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
SUBSCRIPTIONS="${BENCH_SUBSCRIPTIONS:-1}"
MAX_BACKLOG="${BENCH_MAX_BACKLOG:-2000}"
LATENCY_DURATION="${BENCH_LATENCY_DURATION:-20}"
RATE="${BENCH_RATE:-0}"
LATENCY_CONNECTIONS="${BENCH_LATENCY_CONNECTIONS:-64}"
FANOUT="${BENCH_FANOUT:-1000}"
FANOUT_ROUNDS="${BENCH_FANOUT_ROUNDS:-5}"
PHASES="${BENCH_PHASES:-throughput,ceiling,latency,fanout}"
SINK_ACCEPT_QUEUE="${BENCH_SINK_ACCEPT_QUEUE:-0}"
MATCH_COUNTS="${BENCH_MATCH_COUNTS-100 100000}"
MATCH_CONCURRENCY="${BENCH_MATCH_CONCURRENCY:-64}"
MATCH_WARMUP="${BENCH_MATCH_WARMUP:-300}"
MATCH_ROUNDS="${BENCH_MATCH_ROUNDS:-2}"
DELIVERY="${BENCH_DELIVERY:-1}"
PUBLISH_PATH="/events/api/v1/events"

log() { printf '[delivery] %s\n' "$*" >&2; }
# Shared by the benchmark scripts: PostgreSQL defaults, jar and class paths, WORK, CHILD_PIDS, PG_SCHEMA,
# cleanup on exit, build_bench, JWT_SECRET, mint, free_port, wait_ready, start_server, create_schema, run_child,
# check_server.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- build and token ----------------------------------------------------------------------------------
build_bench DeliveryBench server
# The bench's logback.xml by name: the server jar on the classpath carries another one. ZGC: the receiver takes
# each push's time in this JVM, and G1's young-collection pauses here (up to 63 ms seen) would be counted as the
# server's latency; ZGC pauses for well under a millisecond.
BENCH_JAVA=(java -XX:+UseZGC -Xmx1g -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP")

# Inherited by the server children (start_server passes the caller's environment on).
export EVENTS_WEBHOOK_ALLOW_HTTP=true EVENTS_WEBHOOK_ALLOW_PRIVATE=true

TOKEN="$(mint bench --org ttd --scope "altinn:events.publish altinn:events.subscribe")"

RESULTS=()
for target in $TARGETS; do
  case "$target" in
    h2|pg) ;;
    *) log "unknown target $target (h2, pg)"; exit 1 ;;
  esac

  # --- 1. throughput, ceiling, latency, fan-out ---------------------------------------------------------
  if [[ "$DELIVERY" == 1 ]]; then
    SERVER_NAME="$target"
    port="$(free_port)"
    log "$target: starting on 127.0.0.1:$port"
    start_server "$target" "$port" "$SERVER_JAR" "$ROOT/bench/delivery-policies"
    pid="$STARTED_PID"
    wait_ready "$pid" "$port" "$target"
    run_child "$target-delivery" "${BENCH_JAVA[@]}" events.bench.DeliveryBench --url "http://127.0.0.1:$port" \
      --token "$TOKEN" --subscriptions "$SUBSCRIPTIONS" --concurrency "$CONCURRENCY" --max-backlog "$MAX_BACKLOG" \
      --settle "$WARMUP" --duration "$DURATION" --latency-duration "$LATENCY_DURATION" --rate "$RATE" \
      --latency-connections "$LATENCY_CONNECTIONS" \
      --fanout "$FANOUT" --fanout-rounds "$FANOUT_ROUNDS" --phases "$PHASES" --label "$target" \
      --sink-accept-queue "$SINK_ACCEPT_QUEUE"
    while IFS= read -r line; do RESULTS+=("$line"); done < <(grep '^RESULT ' "$WORK/$target-delivery.result")
    check_server "$pid" "$SERVER_NAME"
    stop_child "$pid"
    [[ "$target" == pg ]] && drop_schema
  fi

  # --- 2. matching cost: N active subscriptions on other resources ------------------------------------------
  for count in $MATCH_COUNTS; do
    SERVER_NAME="$target-subs$count"
    port="$(free_port)"
    log "$SERVER_NAME: seeding $count active subscriptions on other resources"
    mkdir -p "$WORK/$SERVER_NAME"
    if [[ "$target" == h2 ]]; then
      # start_server runs the H2 server in $WORK/NAME, whose data directory defaults to ./data.
      seed_where=(--h2-dir "$WORK/$SERVER_NAME/data")
    else
      create_schema
      seed_where=(--db-url "jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?currentSchema=$PG_SCHEMA" --db-user "$PGUSER")
      [[ -n "${PGPASSWORD:-}" ]] && seed_where+=(--db-password "$PGPASSWORD")
    fi
    run_child "$SERVER_NAME-seed" "${BENCH_JAVA[@]}" -Xmx256m events.bench.SubscriptionSeeder "${seed_where[@]}" \
      --count "$count"
    log "$SERVER_NAME: starting on 127.0.0.1:$port"
    start_server "$SERVER_NAME" "$port" "$SERVER_JAR" "$ROOT/bench/policies" existing-schema
    pid="$STARTED_PID"
    wait_ready "$pid" "$port" "$SERVER_NAME"
    warmup=(--settle "$MATCH_WARMUP")
    for round in $(seq 1 "$MATCH_ROUNDS"); do
      log "$SERVER_NAME: warm-up (${warmup[*]}) + ${DURATION}s load at concurrency $MATCH_CONCURRENCY (run $round)"
      run_child "$SERVER_NAME-load$round" "${BENCH_JAVA[@]}" events.bench.LoadGenerator \
        --url "http://127.0.0.1:$port$PUBLISH_PATH" --token "$TOKEN" --concurrency "$MATCH_CONCURRENCY" \
        "${warmup[@]}" --duration "$DURATION" --label "$target@$count#$round"
      RESULTS+=("$(grep '^RESULT ' "$WORK/$SERVER_NAME-load$round.result" | tail -n 1)")
      warmup=(--warmup 5)
    done
    check_server "$pid" "$SERVER_NAME"
    stop_child "$pid"
    [[ "$target" == pg ]] && drop_schema
  done
done

# --- table --------------------------------------------------------------------------------------------
# DeliveryBench: RESULT name=<target>_<phase>_<figure> value=<v> unit=<u>
# LoadGenerator: RESULT label=<target>@<count>#<run> requests=<n> rps=<r> p50ms=<x> p99ms=<y> errors=<e>
printf '%s\n' "${RESULTS[@]}" | awk -v d="$DURATION" -v c="$CONCURRENCY" -v mc="$MATCH_CONCURRENCY" \
    -v lat="$LATENCY_DURATION" '
  function add(t) { if (!(t in seen)) { seen[t] = 1; order[++nt] = t } }
  function n0(x) { return x == "" ? "n/a" : sprintf("%.0f", x) }
  function has(t, f) { return (t, f) in fig }
  function any(f,   i) { for (i = 1; i <= nt; i++) if (has(order[i], f)) return 1; return 0 }
  $2 ~ /^name=/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    n = v["name"]; t = substr(n, 1, index(n, "_") - 1)
    fig[t, substr(n, index(n, "_") + 1)] = v["value"]
    add(t)
    next
  }
  $2 ~ /^label=/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    split(v["label"], a, "@"); t = a[1]; split(a[2], b, "#"); cnt = b[1]
    add(t)
    if (!((t, cnt) in runs)) { mcount[t, ++mn[t]] = cnt; runs[t, cnt] = v["rps"]; p99[t, cnt] = v["p99ms"] }
    else { runs[t, cnt] = runs[t, cnt] " / " v["rps"]; p99[t, cnt] = p99[t, cnt] " / " v["p99ms"] }
    sum[t, cnt] += v["rps"]; k[t, cnt]++; err[t, cnt] += v["errors"]; loads++
  }
  END {
    if (any("throughput_deliveries")) {
    printf "\ndelivery: throughput (%s s measured; %s publishers, held back by the backlog bound)\n", d, c
    printf "against a bare OkHttp client posting the same push to the same receiver paths\n"
    printf "%-7s %6s %13s %10s %10s %7s %9s %11s\n", "target", "paths", "deliveries/s", "events/s", "ceiling/s",
      "ratio", "backlog", "drained in"
    for (i = 1; i <= nt; i++) {
      t = order[i]; if (!has(t, "throughput_deliveries")) continue
      printf "%-7s %6s %13s %10s %10s %6.1f%% %9s %9.2f s\n", t, n0(fig[t, "throughput_lanes"]),
        n0(fig[t, "throughput_deliveries"]), n0(fig[t, "throughput_published"]), n0(fig[t, "ceiling_deliveries"]),
        fig[t, "ceiling_ratio"], n0(fig[t, "throughput_backlog"]), fig[t, "throughput_drain"]
    }
    }
    if (any("latency_p99")) {
    printf "\ndelivery: publish-ack -> webhook-received at half the peak event rate (open loop, %s s measured;", lat
    printf " target p99 < 50 ms)\n"
    printf "%-7s %9s %7s %7s %8s %8s %8s %8s %7s\n", "target", "events/s", "events", "pushes", "p50 ms", "p99 ms",
      "max ms", "missing", "errors"
    for (i = 1; i <= nt; i++) {
      t = order[i]; if (!has(t, "latency_p99")) continue
      printf "%-7s %9s %7s %7s %8.2f %8.2f %8.2f %8s %7s\n", t, n0(fig[t, "latency_rate"]),
        n0(fig[t, "latency_events"]), n0(fig[t, "latency_pushes"]), fig[t, "latency_p50"], fig[t, "latency_p99"],
        fig[t, "latency_max"], n0(fig[t, "latency_missing"]), n0(fig[t, "latency_errors"])
    }
    }
    if (any("fanout_median")) {
    printf "\ndelivery: fan-out of one event, publish sent -> last push received\n"
    printf "%-7s %13s %6s %10s %8s %16s %18s\n", "target", "subscriptions", "rounds", "median ms", "max ms",
      "from ack, median", "first push, median"
    for (i = 1; i <= nt; i++) {
      t = order[i]; if (!has(t, "fanout_median")) continue
      printf "%-7s %13s %6s %10.1f %8.1f %16.1f %18.1f\n", t, n0(fig[t, "fanout_subscriptions"]),
        n0(fig[t, "fanout_rounds"]), fig[t, "fanout_median"], fig[t, "fanout_max"], fig[t, "fanout_ackmedian"],
        fig[t, "fanout_firstmedian"]
    }
    }
    if (loads) {
    printf "\ndelivery: publish throughput with N active subscriptions on other resources (%s connections,", mc
    printf " %s s per run; target: within 10 %%)\n", d
    printf "%-7s %13s %20s %8s %18s %7s %9s\n", "target", "subscriptions", "req/s per run", "mean", "p99 ms per run",
      "errors", "vs first"
    for (i = 1; i <= nt; i++) {
      t = order[i]
      for (j = 1; j <= mn[t]; j++) {
        cnt = mcount[t, j]; mean = sum[t, cnt] / k[t, cnt]
        if (j == 1) base = mean
        printf "%-7s %13s %20s %8.0f %18s %7s %8.1f%%\n", t, cnt, runs[t, cnt], mean, p99[t, cnt], err[t, cnt],
          100 * mean / base
      }
    }
    }
  }'
