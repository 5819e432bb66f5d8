#!/usr/bin/env bash
# Poll benchmark: latency of one poll page of 1000 events that needs a policy decision per event, over HTTP
# (issue target: under 100 ms on the development machine).
#
# Targets, each the server jar as a child JVM with -Xmx256m on a free loopback port, one after another:
#   h2     on embedded H2 in a fresh temp dir
#   pg     on PostgreSQL (127.0.0.1:5432, db test, user postgres) in a fresh schema, dropped at the end
# Both load bench/poll-policies (EVENTS_POLICY_DIR): urn:altinn:resource:bench-poll, whose Deny rule for party 666
# makes every decision depend on the event's party, and urn:altinn:resource:bench-poll-all, which reads no
# attribute of the event (the ceiling: one cached decision covers a page).
# events.bench.PollBench publishes the same 20 000 events (1000 parties) to each resource, then, after a warmup,
# times polls of one 1000-event page as digdir: warm (decisions cached), cold (after a PUT of the same policy,
# which drops the node's decision cache), cold with the policy already compiled, and the ceiling resource; then a
# table is printed.
#
# Environment (all optional):
#   BENCH_WARMUP seconds of untimed rounds before measuring (30)  BENCH_ROUNDS measured rounds (100: 100 cold,
#   100 cold-compiled, 200 warm and 200 ceiling polls)  BENCH_EVENTS per resource (20000)
#   BENCH_ACCEPT_ENCODING of the polls (unset: the client asks for gzip, as OkHttp does by default, and the server
#   compresses each page; "identity" for uncompressed pages)
#   BENCH_TARGETS ("h2 pg")  BENCH_BUILD=1 to rebuild even if the jars exist
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGDATABASE (test) PGPASSWORD
# Never run by CI. Only ever sends traffic to 127.0.0.1. Takes about a minute and a half per target.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WARMUP="${BENCH_WARMUP:-30}"
ROUNDS="${BENCH_ROUNDS:-100}"
EVENTS="${BENCH_EVENTS:-20000}"
TARGETS="${BENCH_TARGETS:-h2 pg}"
ACCEPT_ENCODING="${BENCH_ACCEPT_ENCODING:-}"
POLICY_DIR="$ROOT/bench/poll-policies"
POLICY="$POLICY_DIR/urn:altinn:resource:bench-poll.xml"

log() { printf '[poll] %s\n' "$*" >&2; }
# Shared by the benchmark scripts: PostgreSQL defaults, jar and class paths, WORK, CHILD_PIDS, PG_SCHEMA,
# cleanup on exit, build_bench, JWT_SECRET, mint, free_port, wait_ready, start_server.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- build and tokens ---------------------------------------------------------------------------------
build_bench PollBench server
PUBLISH_TOKEN="$(mint publish --org ttd --scope altinn:events.publish)"
SUBSCRIBE_TOKEN="$(mint subscribe --org digdir --scope altinn:events.subscribe)"
ADMIN_TOKEN="$(mint admin --sub poll-bench-admin --scope altinn:events.admin)"

# --- targets ------------------------------------------------------------------------------------------
RESULTS=()
for name in $TARGETS; do
  port="$(free_port)"
  log "$name: starting on 127.0.0.1:$port"
  start_server "$name" "$port" "$SERVER_JAR" "$POLICY_DIR"
  pid="$STARTED_PID"
  wait_ready "$pid" "$port" "$name"
  log "$name: publishing ${EVENTS} events to each resource, ${WARMUP}s warmup, $ROUNDS rounds"
  # The bench's logback.xml by name: the server jar on the classpath carries another one.
  SERVER_NAME="$name"
  run_child "$name-poll" java -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP" events.bench.PollBench \
    --url "http://127.0.0.1:$port" --publish-token "$PUBLISH_TOKEN" --subscribe-token "$SUBSCRIBE_TOKEN" \
    --admin-token "$ADMIN_TOKEN" --policy "$POLICY" --events "$EVENTS" --warmup "$WARMUP" --rounds "$ROUNDS" \
    --label "$name" ${ACCEPT_ENCODING:+--accept-encoding "$ACCEPT_ENCODING"}
  while IFS= read -r line; do RESULTS+=("$line"); done < <(grep '^RESULT ' "$WORK/$name-poll.result")
  check_server "$pid" "$name"
  stop_child "$pid"
  if [[ "$name" == pg ]]; then
    drop_schema
  fi
done

# --- table --------------------------------------------------------------------------------------------
# RESULT name=<target>_<scenario>_<figure> value=<v> unit=<u>; the values as printed there (3 decimals).
printf '%s\n' "${RESULTS[@]}" | awk -v w="$WARMUP" -v enc="${ACCEPT_ENCODING:-gzip (client default)}" '
  BEGIN {
    title["warm"] = "warm (1000 decisions cached)"
    title["cold"] = "cold (policy compile + 1000 evaluations)"
    title["cold-compiled"] = "cold, policy compiled (999 evaluations)"
    title["ceiling"] = "ceiling (1 cached decision, bench-poll-all)"
  }
  {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    split(v["name"], part, "_"); key = part[1] "_" part[2]
    fig[key, part[3]] = v["value"]
    if (!(key in seen)) { seen[key] = 1; order[++n] = key; tgt[key] = part[1]; scn[key] = part[2] }
  }
  END {
    printf "\npoll: one 1000-event page (1000 parties) as digdir, Accept-Encoding %s, %s s warmup per target\n", enc, w
    printf "%-8s %-46s %10s %8s %8s %8s %8s\n", "target", "scenario", "median ms", "p90 ms", "p99 ms", "max ms", "samples"
    for (k = 1; k <= n; k++) {
      key = order[k]
      printf "%-8s %-46s %10s %8s %8s %8s %8s\n", tgt[key], title[scn[key]], fig[key, "p50"], fig[key, "p90"],
        fig[key, "p99"], fig[key, "max"], fig[key, "samples"]
    }
  }'
