#!/usr/bin/env bash
# Authorization benchmark: XACML decisions per second of events-authz-xacml's XacmlAuthorizer, in process (no HTTP,
# no database), on the example policy (issue target: a cached decision well under 10 µs).
#
# One JVM (-Xmx256m) runs events.bench.AuthzBench, which loads the policy into an in-memory policy store, warms
# up, and measures one after another:
#   uncached  every request has a never-seen party, so each decision is a Balana evaluation (1 and 2 threads)
#   cached    the same 100 requests again and again, all cached (1 and 2 threads)
#   batch     one decide call with a poll page of 1000 events: cold (fresh authorizer) and warm (same page again)
# It checks every answer against the policy, then prints a table and one "RESULT name=... value=... unit=..."
# line per figure.
#
# Environment (all optional):
#   BENCH_DURATION seconds per measurement (10)  BENCH_WARMUP seconds before the first (10)
#   BENCH_BATCH_REPETITIONS (200)  BENCH_POLICY (examples/policies/urn:altinn:resource:ttd-svc.xml; the file name
#   is the resource URN; the policy must behave like the example)  BENCH_BUILD=1 to rebuild even if built
# Never run by CI. Takes about 4 x BENCH_DURATION + BENCH_WARMUP + 10 seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-10}"
REPETITIONS="${BENCH_BATCH_REPETITIONS:-200}"
POLICY="${BENCH_POLICY:-examples/policies/urn:altinn:resource:ttd-svc.xml}"

BENCH_CLASSES="$ROOT/events-bench/target/classes"
BENCH_CLASSPATH_FILE="$ROOT/events-bench/target/classpath.txt"

log() { printf '[authz] %s\n' "$*" >&2; }

# --- build --------------------------------------------------------------------------------------------
# classpath.txt is written by the events-bench pom (maven-dependency-plugin build-classpath, package phase).
if [[ "${BENCH_BUILD:-0}" == 1 || ! -f "$BENCH_CLASSPATH_FILE" || ! -f "$BENCH_CLASSES/events/bench/AuthzBench.class" ]] \
    || ! grep -q 'events-authz-xacml' "$BENCH_CLASSPATH_FILE" || ! grep -q 'events-testkit' "$BENCH_CLASSPATH_FILE"; then
  log "building (mvn -q -B -DskipTests package -pl events-bench -am)"
  mvn -q -B -DskipTests package -pl events-bench -am
fi
BENCH_CP="$BENCH_CLASSES:$(cat "$BENCH_CLASSPATH_FILE")"

if [[ ! -f "$POLICY" ]]; then
  log "no policy file $POLICY"; exit 1
fi

# --- run ----------------------------------------------------------------------------------------------
log "policy $POLICY: ${WARMUP}s warmup, then 4 measurements of ${DURATION}s and $REPETITIONS batch repetitions"
# exec: the JVM takes this script's place, so a signal to the script reaches it; nothing is left to clean up.
# The bench's logback.xml by name: the server jar on the classpath carries another one.
exec java -Xmx256m -Dlogback.configurationFile="$BENCH_CLASSES/logback.xml" -cp "$BENCH_CP" events.bench.AuthzBench --policy "$POLICY" --seconds "$DURATION" \
  --warmup "$WARMUP" --batch-repetitions "$REPETITIONS"
