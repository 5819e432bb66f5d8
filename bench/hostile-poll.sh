#!/usr/bin/env bash
# Hostile-poll benchmark (security issue: one poll made expensive by a caller with no grant). Before the fix, a
# poll with subject=/party/1337 by a caller the policy grants nothing read the whole table (2.5 s over 1 000 000
# events on H2, 4 ms for a permitted caller), and type=%a%a%a%a%a%a%a%a%x ran H2's backtracking LIKE (6.26 s over
# one row with a long type). Now one poll examines at most 10 000 events (of the subject, by an index), types are
# matched by a linear matcher, and a pattern may hold at most 8 %. This shows how the first page (after=0) costs
# such a caller as the store grows, against what a permitted caller pays for the same page.
#
# Targets, each the server jar as a child JVM with -Xmx256m on a free loopback port, one after another:
#   h2     on embedded H2 in a fresh temp dir (the default)
#   pg     on PostgreSQL (127.0.0.1:5432, db test, user postgres) in a fresh schema, dropped at the end
# Both load bench/poll-policies (EVENTS_POLICY_DIR): on urn:altinn:resource:bench-poll ttd publishes and digdir
# may see every party but 666; a token of org "nogrant" (subscribe scope) is permitted nothing.
# events.bench.HostilePollBench first checks that type=%a%a%a%a%a%a%a%a%x (9 %) is refused with 400 and prints
# the answer, publishes one event whose type is BENCH_LONG_TYPE characters "a" (so that it is among the first
# events a poll examines), then publishes in stages up to each of BENCH_SIZES events (500 per request, from
# BENCH_PUBLISHERS concurrent publishers; every BENCH_HOT_EVERY-th event about /party/1337, the others over 1000
# other parties: with 8, /party/1337 holds 12 500 events at 10^5 already, more than one poll may examine). At
# each size, after BENCH_WARMUP untimed rounds, BENCH_POLLS rounds of one timed poll each, interleaved, all
# after=0&size=BENCH_PAGE_SIZE:
#   (a) subject=/party/1337 by nogrant (200, no events)   (b) the same by digdir (a full page: the ceiling)
#   (c) type=%a%a%a%a%a%a%a%x (8 %) by nogrant            (d) no filter by nogrant
# and prints p50/p99/max per scenario per size, (a)/(b) at each size, and each scenario at the largest size
# against the smallest (flatness); then a table of every target.
# RESULT name=<scenario>_<size>_<p50|p99|max> value=<v> unit=ms target=<target>, plus ratio_* lines (unit=ratio)
# and type-9-percent_status (unit=http-status).
#
# Environment (all optional):
#   BENCH_SIZES events, growing ("100000,1000000")  BENCH_POLLS timed polls per scenario per size (50)
#   BENCH_WARMUP untimed rounds per size (5)  BENCH_PAGE_SIZE (50, the API's default)  BENCH_HOT_EVERY (8)
#   BENCH_PUBLISHERS (4)  BENCH_LONG_TYPE characters (1024, the most a type may have)  BENCH_TARGETS ("h2"; "h2 pg" for both)
#   BENCH_BUILD=1 to rebuild even if the jars exist  BENCH_SERVER_JAVA_OPTS
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGDATABASE (test) PGPASSWORD
# Never run by CI. Only ever sends traffic to 127.0.0.1. Loading is most of the time: about 3 to 5 minutes per
# target for the default sizes on a 2-core machine (10^6 events over HTTP), the polls well under a minute; the
# H2 database takes about 1 GB of disk in the temp dir while it runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZES="${BENCH_SIZES:-100000,1000000}"
POLLS="${BENCH_POLLS:-50}"
WARMUP="${BENCH_WARMUP:-5}"
PAGE_SIZE="${BENCH_PAGE_SIZE:-50}"
HOT_EVERY="${BENCH_HOT_EVERY:-8}"
PUBLISHERS="${BENCH_PUBLISHERS:-4}"
LONG_TYPE="${BENCH_LONG_TYPE:-1024}"
TARGETS="${BENCH_TARGETS:-h2}"
POLICY_DIR="$ROOT/bench/poll-policies"

log() { printf '[hostile-poll] %s\n' "$*" >&2; }
# Shared by the benchmark scripts: PostgreSQL defaults, jar and class paths, WORK, CHILD_PIDS, PG_SCHEMA,
# cleanup on exit, build_bench, JWT_SECRET, mint, free_port, wait_ready, start_server, run_child, check_server.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- build and tokens ---------------------------------------------------------------------------------
build_bench HostilePollBench server
PUBLISH_TOKEN="$(mint publish --org ttd --scope altinn:events.publish)"
PERMITTED_TOKEN="$(mint permitted --org digdir --scope altinn:events.subscribe)"
NOGRANT_TOKEN="$(mint nogrant --org nogrant --scope altinn:events.subscribe)"

# --- targets ------------------------------------------------------------------------------------------
RESULTS=()
for name in $TARGETS; do
  port="$(free_port)"
  log "$name: starting on 127.0.0.1:$port"
  start_server "$name" "$port" "$SERVER_JAR" "$POLICY_DIR"
  pid="$STARTED_PID"
  wait_ready "$pid" "$port" "$name"
  log "$name: sizes $SIZES, $PUBLISHERS publishers, $WARMUP warmup and $POLLS timed rounds per size"
  SERVER_NAME="$name"
  # The bench's logback.xml by name: the server jar on the classpath carries another one. Progress goes to
  # stderr, which run_child keeps in the result file: shown once the child ends, so tail -f it meanwhile.
  log "$name: the child's output, as it runs: $WORK/$name-hostile-poll.result"
  run_child "$name-hostile-poll" java -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP" \
    events.bench.HostilePollBench --url "http://127.0.0.1:$port" --publish-token "$PUBLISH_TOKEN" \
    --permitted-token "$PERMITTED_TOKEN" --nogrant-token "$NOGRANT_TOKEN" --sizes "$SIZES" --polls "$POLLS" \
    --warmup "$WARMUP" --page-size "$PAGE_SIZE" --hot-every "$HOT_EVERY" --publishers "$PUBLISHERS" \
    --long-type "$LONG_TYPE" --label "$name"
  while IFS= read -r line; do RESULTS+=("$line"); done < <(grep '^RESULT ' "$WORK/$name-hostile-poll.result")
  check_server "$pid" "$name"
  stop_child "$pid"
  if [[ "$name" == pg ]]; then
    drop_schema
  fi
done

# --- table --------------------------------------------------------------------------------------------
# RESULT name=<scenario>_<size>_<figure> value=<v> unit=ms target=<target>; values as printed there (3 decimals).
printf '%s\n' "${RESULTS[@]}" | awk -v page="$PAGE_SIZE" -v polls="$POLLS" '
  BEGIN {
    title["subject-nogrant"] = "(a) subject=/party/1337, no grant"
    title["subject-permitted"] = "(b) subject=/party/1337, digdir (ceiling)"
    title["type-nogrant"] = "(c) type=%a%a%a%a%a%a%a%x (8 %), no grant"
    title["unfiltered-nogrant"] = "(d) no filter, no grant"
  }
  {
    delete v
    for (i = 2; i <= NF; i++) { eq = index($i, "="); v[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
    n = split(v["name"], part, "_")
    if (v["unit"] != "ms" || n != 3) { other[++m] = v["target"] ": " v["name"] " = " v["value"] " " v["unit"]; next }
    key = v["target"] SUBSEP part[2] SUBSEP part[1]
    fig[key, part[3]] = v["value"]
    if (!(key in seen)) { seen[key] = 1; order[++k] = key }
  }
  END {
    printf "\nhostile-poll: first page (after=0&size=%s), %s timed polls per scenario and size\n", page, polls
    printf "%-8s %10s %-46s %10s %9s %9s\n", "target", "events", "scenario", "p50 ms", "p99 ms", "max ms"
    for (i = 1; i <= k; i++) {
      split(order[i], kp, SUBSEP)
      printf "%-8s %10s %-46s %10s %9s %9s\n", kp[1], kp[2], title[kp[3]], fig[order[i], "p50"],
        fig[order[i], "p99"], fig[order[i], "max"]
    }
    for (i = 1; i <= m; i++) print other[i]
  }'
