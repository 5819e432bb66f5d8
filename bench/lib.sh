# Sourced by the benchmark scripts (after they define ROOT and log): a work directory removed on success (kept,
# with the children's logs, on failure), child processes stopped on exit, a PostgreSQL schema dropped on exit,
# the build (build_bench), the JWT secret servers sign with and tokens from it (mint), and helpers to find a free
# loopback port, to wait for a child's /health/ready, to run a benchmark child (run_child) and to check a server
# after a run (check_server).
# Uses psql with the PG* environment of the caller for drop_schema.

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
PGDATABASE="${PGDATABASE:-test}"
export PGHOST PGPORT PGUSER PGDATABASE

SERVER_JAR="${BENCH_SERVER_JAR:-$ROOT/events-server/target/events-server.jar}"
BENCH_CLASSES="$ROOT/events-bench/target/classes"
BENCH_CLASSPATH_FILE="$ROOT/events-bench/target/classpath.txt"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/events-bench.XXXXXX")"
CHILD_PIDS=()
PG_SCHEMA=""
# The secret every server started by start_server signs and checks tokens with (64 hex characters).
JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The key every server started by start_server seals webhook signing secrets with (nodes on one database share it).
SECRET_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"

# build_bench CLASS [server]: packages events-bench (with "server", events-server too) when BENCH_BUILD=1 or
# events.bench.CLASS, the benchmark classpath (written by the events-bench pom) or the server jar is missing; sets
# BENCH_CP. With "server", SERVER_JAR then names a copy in WORK: a rebuild while the children run must not change
# the classes under them.
build_bench() {
  local main="$1" server="${2:-}" modules=events-bench
  [[ "$server" == server ]] && modules=events-server,events-bench
  if [[ "${BENCH_BUILD:-0}" == 1 || ! -f "$BENCH_CLASSPATH_FILE" || ! -f "$BENCH_CLASSES/events/bench/$main.class" \
        || ( "$server" == server && ! -f "$SERVER_JAR" ) ]]; then
    log "building (mvn -q -B -DskipTests package -pl $modules -am)"
    mvn -q -B -DskipTests package -pl "$modules" -am
  fi
  BENCH_CP="$BENCH_CLASSES:$(cat "$BENCH_CLASSPATH_FILE")"
  if [[ "$server" == server ]]; then
    cp "$SERVER_JAR" "$WORK/events-server.jar"
    SERVER_JAR="$WORK/events-server.jar"
  fi
}

# mint NAME ARGS...: a token from the server jar's token command (ARGS: --org, --sub, --scope ...), signed with
# JWT_SECRET and valid for 4 hours; the command's output is kept in WORK/token-NAME.log.
mint() {
  local name="$1" token
  shift
  token="$(env EVENTS_JWT_SECRET="$JWT_SECRET" java -jar "$SERVER_JAR" token --ttl 4h "$@" \
    2>"$WORK/token-$name.log" | awk 'NF' | tail -n 1)"
  if [[ -z "$token" ]]; then
    log "the server printed no $name token:"; cat "$WORK/token-$name.log" >&2; return 1
  fi
  printf '%s' "$token"
}


stop_child() {
  local pid="$1"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

drop_schema() {
  if [[ -n "$PG_SCHEMA" ]]; then
    psql -q -X -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS \"$PG_SCHEMA\" CASCADE" >/dev/null 2>&1 \
      || log "could not drop schema $PG_SCHEMA"
    PG_SCHEMA=""
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in ${CHILD_PIDS[@]+"${CHILD_PIDS[@]}"}; do
    stop_child "$pid"
  done
  drop_schema
  if [[ $status -ne 0 && -d "$WORK" ]]; then
    log "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_ready PID PORT NAME: until GET /health/ready answers 200, the child dies, or 120 s pass.
wait_ready() {
  local pid="$1" port="$2" name="$3"
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; its log:"
      tail -n 40 "$WORK/$name.log" >&2 || true
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  log "$name not ready after 120 s; its log:"
  tail -n 40 "$WORK/$name.log" >&2 || true
  return 1
}


# create_schema: a fresh PostgreSQL schema, named in PG_SCHEMA (dropped by drop_schema and on exit), for a script
# that fills it before it starts a server on it (start_server ... existing-schema).
create_schema() {
  PG_SCHEMA="bench_$(date +%s)_$$"
  psql -q -X -v ON_ERROR_STOP=1 -c "CREATE SCHEMA \"$PG_SCHEMA\"" >/dev/null
}

# start_server NAME PORT JAR POLICY_DIR [existing-schema]: the server JAR as a child JVM (-Xmx256m) in $WORK/NAME
# with the policies of POLICY_DIR, the secret JWT_SECRET and the key SECRET_KEY, on embedded H2 (NAME h2...; its
# data in $WORK/NAME/data) or on a fresh PostgreSQL schema (NAME pg...: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD;
# with existing-schema, on the schema create_schema made instead), listening on PORT. Sets STARTED_PID.
# BENCH_SERVER_JAVA_OPTS: more JVM options for the server (a profiler, a flight recording, another collector).
start_server() {
  local name="$1" port="$2" jar="$3" policies="$4" schema="${5:-}"
  mkdir -p "$WORK/$name"
  case "$name" in
    h2*)
      (cd "$WORK/$name" && exec env -u EVENTS_DB_URL -u EVENTS_DB_USER -u EVENTS_DB_PASSWORD -u EVENTS_DATA_DIR \
        EVENTS_PORT="$port" EVENTS_JWT_SECRET="$JWT_SECRET" EVENTS_SECRET_KEY="$SECRET_KEY" EVENTS_POLICY_DIR="$policies" \
        java -Xmx256m ${BENCH_SERVER_JAVA_OPTS:-} -jar "$jar") >"$WORK/$name.log" 2>&1 &
      ;;
    pg*)
      if [[ "$schema" != existing-schema ]]; then
        create_schema
      elif [[ -z "$PG_SCHEMA" ]]; then
        log "start_server $name existing-schema: no schema (create_schema first)"; return 1
      fi
      local password=()
      [[ -n "${PGPASSWORD:-}" ]] && password=(EVENTS_DB_PASSWORD="$PGPASSWORD")
      (cd "$WORK/$name" && exec env -u EVENTS_DATA_DIR -u EVENTS_DB_PASSWORD \
        EVENTS_PORT="$port" EVENTS_JWT_SECRET="$JWT_SECRET" EVENTS_SECRET_KEY="$SECRET_KEY" EVENTS_POLICY_DIR="$policies" \
        EVENTS_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?currentSchema=$PG_SCHEMA" \
        EVENTS_DB_USER="$PGUSER" ${password[@]+"${password[@]}"} \
        java -Xmx256m ${BENCH_SERVER_JAVA_OPTS:-} -jar "$jar") >"$WORK/$name.log" 2>&1 &
      ;;
    *)
      log "unknown server target $name"; return 1 ;;
  esac
  STARTED_PID=$!
  CHILD_PIDS+=("$STARTED_PID")
}

# run_child NAME CMD...: runs a benchmark child in the background (so that a signal to this script cleans up at
# once), its output in $WORK/NAME.result; shows the output, and the server's log (SERVER_NAME) if it failed.
run_child() {
  local name="$1" child
  shift
  "$@" >"$WORK/$name.result" 2>&1 &
  child=$!
  CHILD_PIDS+=("$child")
  if ! wait "$child"; then
    log "$name failed:"; cat "$WORK/$name.result" >&2
    log "the server's log (last 60 lines):"; tail -n 60 "$WORK/${SERVER_NAME:-server}.log" >&2 || true
    exit 1
  fi
  cat "$WORK/$name.result" >&2
}

# check_server PID NAME: stops the script if the server NAME (log $WORK/NAME.log) has exited; shows any errors it
# logged, and how many warnings.
check_server() {
  local pid="$1" name="$2"
  if ! kill -0 "$pid" 2>/dev/null; then
    log "$name exited during the run; its log:"; tail -n 60 "$WORK/$name.log" >&2 || true
    exit 1
  fi
  if grep -q ' ERROR ' "$WORK/$name.log"; then
    log "$name logged errors:"; grep -A5 ' ERROR ' "$WORK/$name.log" | head -n 40 >&2 || true
  fi
  if grep -q ' WARN ' "$WORK/$name.log"; then
    log "$name logged $(grep -c ' WARN ' "$WORK/$name.log") warnings, the first:"
    grep ' WARN ' "$WORK/$name.log" | head -n 5 >&2 || true
  fi
}

# serve_h2_delivery CLASS: for a small delivery benchmark events.bench.CLASS: builds it, mints TOKEN (ttd, publish
# and subscribe), starts the server jar on H2 with bench/delivery-policies and webhooks to loopback allowed, and
# waits until it is ready. Sets TOKEN, PORT and SERVER_PID.
serve_h2_delivery() {
  build_bench "$1" server
  export EVENTS_WEBHOOK_ALLOW_HTTP=true EVENTS_WEBHOOK_ALLOW_PRIVATE=true
  TOKEN="$(mint bench --org ttd --scope "altinn:events.publish altinn:events.subscribe")"
  SERVER_NAME=h2
  PORT="$(free_port)"
  log "h2: starting on 127.0.0.1:$PORT"
  start_server h2 "$PORT" "$SERVER_JAR" "$ROOT/bench/delivery-policies"
  SERVER_PID="$STARTED_PID"
  wait_ready "$SERVER_PID" "$PORT" h2
}
