#!/usr/bin/env bash
# Ingest benchmark: durable publish throughput of the server, as a ratio to a bare Javalin POST route
# measured in the same run on the same machine (SPEC section 10: >= 50 %).
#
# Targets, each a child JVM with -Xmx256m on a free loopback port, one after another:
#   bare   events.bench.BareServer: the publish route answering 200 without doing anything (the ceiling)
#   h2     the server jar on embedded H2 in a fresh temp dir
#   pg     the server jar on PostgreSQL (127.0.0.1:5432, db test, user postgres) in a fresh schema
# Both server targets load bench/policies (EVENTS_POLICY_DIR): every publish is authorized by XACML.
#   h2-bypass, pg-bypass (not run by default) the same servers, published to with scope
#          altinn:events.publish.admin, which skips the policy decision: the difference is what authorization costs
#   discard, discard-handoff (not run by default) events.bench.DiscardingServer: the same HTTP API, authentication
#          and publish use case (authorization by scope alone) on a store that keeps nothing; with -handoff its
#          appends complete on other threads as the JDBC store's do: what the request path costs without storage
#   h2-store, pg-store (not run by default) events.bench.StoreBench: no server and no load generator, the JDBC event
#          store alone in one JVM (-Xmx256m), as many closed-loop appenders as connections, one event per append:
#          what storage costs by itself; it also prints the CPU per event of the store's writer thread, of its JVM
#          and of PostgreSQL's processes (the STORE lines at the end)
# The same closed-loop load (events.bench.LoadGenerator) runs against each; then a table is printed.
# When bare is among the targets it runs before the first other target and again after each one (bare-1, h2, bare-2,
# pg, bare-3): this machine's speed drifts by tens of percent within minutes, so each target is compared with the mean
# peak of the bare runs just before and just after it, not with one measured minutes earlier (BENCH_INTERLEAVE=0: bare
# once, where BENCH_TARGETS puts it).
#
# Environment (all optional):
#   BENCH_CONCURRENCY ("16 32 64 128": each target is measured at each; its peak is compared)
#   BENCH_DURATION seconds per run (15)  BENCH_WARMUP at most this many seconds of load before a target's first
#   run (300); the warm-up ends as soon as the rate stops rising (events.bench.SteadyState: on 2 cores the server's
#   JIT needs minutes under load)  BENCH_REWARMUP seconds before its other runs (5)
#   BENCH_TARGETS ("bare h2 pg"; also h2-bypass pg-bypass discard discard-handoff h2-store pg-store)  BENCH_BUILD=1 to rebuild even if the jars exist
#   BENCH_INTERLEAVE (1: bare before and after each other target, as above; 0: bare once)
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGDATABASE (test) PGPASSWORD
# Never run by CI. Only ever sends traffic to 127.0.0.1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONCURRENCY="${BENCH_CONCURRENCY:-16 32 64 128}"
REWARMUP="${BENCH_REWARMUP:-5}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-300}"
TARGETS="${BENCH_TARGETS:-bare h2 pg}"
INTERLEAVE="${BENCH_INTERLEAVE:-1}"
# The order of the runs: with bare interleaved, bare-1 T1 bare-2 T2 ... bare-N.
RUNS="$TARGETS"
if [[ "$INTERLEAVE" == 1 && " $TARGETS " == *" bare "* ]]; then
  RUNS="" n=1
  for t in $TARGETS; do
    [[ "$t" == bare ]] && continue
    RUNS+="bare-$n $t "
    n=$((n + 1))
  done
  RUNS+="bare-$n"
fi
PUBLISH_PATH="/events/api/v1/events"

log() { printf '[ingest] %s\n' "$*" >&2; }
# Shared by the benchmark scripts: PostgreSQL defaults, jar and class paths, WORK, CHILD_PIDS, PG_SCHEMA,
# cleanup on exit, build_bench, JWT_SECRET, mint, free_port, wait_ready, start_server.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- build and tokens ---------------------------------------------------------------------------------
NEEDS_SERVER=0
# (the discarding server needs no jar of its own, but its tokens are minted by the server jar)
[[ " $TARGETS " == *" h2"* || " $TARGETS " == *" pg"* || " $TARGETS " == *" discard"* ]] && NEEDS_SERVER=1
TOKEN="bench-no-server"
BYPASS_TOKEN="bench-no-server"
if [[ $NEEDS_SERVER == 1 ]]; then
  build_bench LoadGenerator server
  TOKEN="$(mint publish --org ttd --scope altinn:events.publish)"
  BYPASS_TOKEN="$(mint bypass --org ttd --scope altinn:events.publish.admin)"
else
  build_bench LoadGenerator
fi

# --- targets ------------------------------------------------------------------------------------------
# start_target NAME PORT: starts the child, records its pid in STARTED_PID.
start_target() {
  local name="$1" port="$2"
  case "$name" in
    bare|bare-*)
      java -Xmx256m -cp "$BENCH_CP" events.bench.BareServer "$port" >"$WORK/$name.log" 2>&1 &
      ;;
    discard)
      EVENTS_JWT_SECRET="$JWT_SECRET" java -Xmx256m -cp "$BENCH_CP" events.bench.DiscardingServer "$port" inline \
        >"$WORK/$name.log" 2>&1 &
      ;;
    discard-handoff)
      EVENTS_JWT_SECRET="$JWT_SECRET" java -Xmx256m -cp "$BENCH_CP" events.bench.DiscardingServer "$port" handoff \
        >"$WORK/$name.log" 2>&1 &
      ;;
    h2|h2-bypass|pg|pg-bypass)
      start_server "$name" "$port" "$SERVER_JAR" "$ROOT/bench/policies"
      return
      ;;
    *)
      log "unknown target $name"; return 1 ;;
  esac
  STARTED_PID=$!
  CHILD_PIDS+=("$STARTED_PID")
}

# run_store NAME: the store-alone target NAME (h2-store or pg-store); its output in WORK/NAME.result.
run_store() {
  local name="$1" where=()
  if [[ "$name" == h2-store ]]; then
    where=(--h2 "$WORK/$name/data")
  else
    create_schema
    where=(--url "jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?currentSchema=$PG_SCHEMA" --user "$PGUSER")
    [[ -n "${PGPASSWORD:-}" ]] && where+=(--password "$PGPASSWORD")
  fi
  local label="$name"
  [[ "$(wc -w <<<"$CONCURRENCY")" -eq 1 ]] && label="$name@${CONCURRENCY// /}"
  log "$name: the event store alone, warm-up until the rate settles (at most ${WARMUP}s), then ${DURATION}s at each" \
    "concurrency of '$CONCURRENCY'"
  java -Xmx256m -cp "$BENCH_CP" events.bench.StoreBench "${where[@]}" --concurrency "$CONCURRENCY" \
    --settle "$WARMUP" --rewarmup "$REWARMUP" --duration "$DURATION" --label "$label" \
    >"$WORK/$name.result" 2>"$WORK/$name.log" &
  local bench_pid=$!
  CHILD_PIDS+=("$bench_pid")
  if ! wait "$bench_pid"; then
    log "$name failed:"; cat "$WORK/$name.result" >&2; tail -n 40 "$WORK/$name.log" >&2; exit 1
  fi
  [[ "$name" == pg-store ]] && drop_schema
  cat "$WORK/$name.result" >&2
}

RESULTS=()
STORE_LINES=()
for name in $RUNS; do
  if [[ "$name" == *-store ]]; then
    run_store "$name"
    while IFS= read -r line; do RESULTS+=("$line"); done < <(grep '^RESULT ' "$WORK/$name.result")
    while IFS= read -r line; do STORE_LINES+=("$line"); done < <(grep '^STORE ' "$WORK/$name.result")
    continue
  fi
  port="$(free_port)"
  log "$name: starting on 127.0.0.1:$port"
  start_target "$name" "$port"
  pid="$STARTED_PID"
  wait_ready "$pid" "$port" "$name"
  token="$TOKEN"
  [[ "$name" == *-bypass ]] && token="$BYPASS_TOKEN"
  # One load generator JVM measures every concurrency in turn (its own JIT warms once); one concurrency keeps the
  # label it would have with several.
  label="$name"
  [[ "$(wc -w <<<"$CONCURRENCY")" -eq 1 ]] && label="$name@${CONCURRENCY// /}"
  log "$name: warm-up until the rate settles (at most ${WARMUP}s), then ${DURATION}s at each concurrency of" \
    "'$CONCURRENCY' (${REWARMUP}s warm-up before each later one)"
  # In the background and waited for, so that a signal to this script cleans up at once.
  java -cp "$BENCH_CP" events.bench.LoadGenerator --url "http://127.0.0.1:$port$PUBLISH_PATH" \
    --token "$token" --concurrency "$CONCURRENCY" --settle "$WARMUP" --rewarmup "$REWARMUP" \
    --duration "$DURATION" --label "$label" >"$WORK/$name.result" 2>&1 &
  load_pid=$!
  CHILD_PIDS+=("$load_pid")
  if ! wait "$load_pid"; then
    log "$name: the load generator failed:"; cat "$WORK/$name.result" >&2; exit 1
  fi
  cat "$WORK/$name.result" >&2
  while IFS= read -r line; do RESULTS+=("$line"); done < <(grep '^RESULT ' "$WORK/$name.result")
  stop_child "$pid"
  if [[ "$name" == pg* ]]; then
    drop_schema
  fi
done

# --- table --------------------------------------------------------------------------------------------
# Each target's ceiling: the mean peak of the nearest bare runs before and after it in run order (either alone at
# the ends; none: n/a).
printf '%s\n' "${RESULTS[@]}" | awk -v d="$DURATION" '
  function isbare(name) { return name ~ /^bare(-[0-9]+)?$/ }
  {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    n++; run[n] = v["label"]; rps[n] = v["rps"]; p50[n] = v["p50ms"]; p99[n] = v["p99ms"]; err[n] = v["errors"]
    split(v["label"], lc, "@"); target = lc[1]
    if (!(target in best) || rps[n] + 0 > rps[best[target]] + 0) best[target] = n
    if (!(target in seen)) { seen[target] = 1; order[++t] = target }
  }
  END {
    printf "\ningest: every run (%s s each)\n", d
    printf "%-20s %10s %9s %9s %8s\n", "target@conc", "req/s", "p50 ms", "p99 ms", "errors"
    for (i = 1; i <= n; i++) printf "%-20s %10s %9s %9s %8s\n", run[i], rps[i], p50[i], p99[i], err[i]
    printf "\ningest: peak of each target (its run with the most req/s), against the bare runs on either side\n"
    printf "%-20s %10s %9s %9s %8s %14s %14s\n", "target@conc", "req/s", "p50 ms", "p99 ms", "errors", "bare around", \
      "ratio to bare"
    for (k = 1; k <= t; k++) {
      i = best[order[k]]
      if (isbare(order[k])) {
        printf "%-20s %10s %9s %9s %8s %14s %14s\n", run[i], rps[i], p50[i], p99[i], err[i], "", "ceiling"
        continue
      }
      sum = 0; count = 0
      for (j = k - 1; j >= 1; j--) if (isbare(order[j])) { sum += rps[best[order[j]]]; count++; break }
      for (j = k + 1; j <= t; j++) if (isbare(order[j])) { sum += rps[best[order[j]]]; count++; break }
      ceiling = (count > 0) ? sum / count : 0
      ratio = (ceiling > 0) ? sprintf("%.0f %%", 100 * rps[i] / ceiling) : "n/a"
      printf "%-20s %10s %9s %9s %8s %14s %14s\n", run[i], rps[i], p50[i], p99[i], err[i], \
        (ceiling > 0) ? sprintf("%.0f", ceiling) : "n/a", ratio
    }
  }'

if [[ ${#STORE_LINES[@]} -gt 0 ]]; then
  printf '%s\n' "${STORE_LINES[@]}" | awk '
    BEGIN {
      printf "\ningest: CPU per event of the store-alone runs (microseconds)\n"
      printf "%-16s %12s %10s %12s\n", "target@conc", "writer", "its JVM", "postgres"
    }
    {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%-16s %12s %10s %12s\n", v["label"], v["writer_us"], v["process_us"], v["postgres_us"]
    }'
fi
