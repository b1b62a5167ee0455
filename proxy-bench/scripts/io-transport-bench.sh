#!/usr/bin/env bash
# Chooses the socket layer by measurement (DESIGN.md, "Performance habits"): the thinnest HTTP/1.1 keep-alive
# responder (io.h2relay.io.Http1Responder, proxy-core test tree) on each transport and knob variant, loaded with
# h2load on loopback, variants interleaved round by round. Prints one line per run: req/s from h2load and the
# server's CPU seconds (utime+stime from /proc/PID/stat, children included) over the measured run only.
#
# Usage: proxy-bench/scripts/io-transport-bench.sh [ROUNDS] [REQUESTS] [VARIANT...]
# Needs: h2load (Debian nghttp2-client); nginx (Debian nginx-light) for the nginx row, skipped when missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${1:-3}
REQUESTS=${2:-1000000}
shift $(( $# > 2 ? 2 : $# ))
PORT=18480
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
mvn -B -q -pl proxy-core test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp" >/dev/null
CP="$ROOT/proxy-core/target/test-classes:$ROOT/proxy-core/target/classes:$(cat "$WORK/cp")"

# One dispatcher sizing for every JVM variant: 2 threads each for Pekko's default and internal pools (2 cores).
POOLS="-Dpekko.actor.default-dispatcher.fork-join-executor.parallelism-min=2
 -Dpekko.actor.default-dispatcher.fork-join-executor.parallelism-max=2
 -Dpekko.actor.internal-dispatcher.fork-join-executor.parallelism-min=2
 -Dpekko.actor.internal-dispatcher.fork-join-executor.parallelism-max=2"
JVM="-Xms1g -Xmx1g -XX:+UseG1GC -Dpekko.loglevel=WARNING"
T64="-Dpekko.actor.default-dispatcher.throughput=64 -Dpekko.actor.internal-dispatcher.throughput=64"

declare -A MODE KNOBS
MODE[classic]=classic;            KNOBS[classic]=""
MODE[classic-t64]=classic;        KNOBS[classic-t64]="$T64"
MODE[classic-onepool]=classic;    KNOBS[classic-onepool]="-Dpekko.io.tcp.worker-dispatcher=pekko.actor.default-dispatcher"
MODE[classic-onepool-t64]=classic; KNOBS[classic-onepool-t64]="-Dpekko.io.tcp.worker-dispatcher=pekko.actor.default-dispatcher $T64"
MODE[classic-dbuf16k]=classic;    KNOBS[classic-dbuf16k]="-Dpekko.io.tcp.direct-buffer-size=16KiB"
MODE[streams]=streams;            KNOBS[streams]=""
MODE[streams-onepool]=streams;    KNOBS[streams-onepool]="-Dpekko.io.tcp.worker-dispatcher=pekko.actor.default-dispatcher"
MODE[streams-t64]=streams;        KNOBS[streams-t64]="$T64"
MODE[streams-coalesce0]=streams;  KNOBS[streams-coalesce0]="-Dpekko.stream.materializer.io.tcp.coalesce-writes=0"
MODE[netty]=netty;                KNOBS[netty]=""
MODE[nginx]=nginx;                KNOBS[nginx]=""
VARIANTS=("$@")
if [ ${#VARIANTS[@]} -eq 0 ]; then
  VARIANTS=(classic classic-t64 classic-onepool classic-onepool-t64 classic-dbuf16k
            streams streams-t64 streams-onepool streams-coalesce0 netty nginx)
fi

start_server() { # variant -> sets PID
  local v=$1
  rm -f "$WORK/server.log" # the background redirect truncates it late: never read the previous server's line
  if [ "${MODE[$v]}" = nginx ]; then
    command -v nginx >/dev/null || return 1
    local body; body=$(head -c 1024 /dev/zero | tr '\0' x)
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  server {
    listen 127.0.0.1:$PORT;
    location / { default_type application/octet-stream; return 200 "$body"; }
  }
}
CONF
    nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" > "$WORK/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.1; done
    return 1
  fi
  # shellcheck disable=SC2086
  java $JVM $POOLS ${KNOBS[$v]} -cp "$CP" io.h2relay.io.Http1Responder "${MODE[$v]}" $PORT > "$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do grep -qs listening "$WORK/server.log" && return 0; sleep 0.1; done
  cat "$WORK/server.log" >&2
  return 1
}

cpu_ticks() { # pid and its children
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    [ -r /proc/$p/stat ] && total=$(( total + $(awk '{print $14 + $15}' /proc/$p/stat) ))
  done
  echo $total
}

load() { # requests -> h2load output
  h2load --h1 -t 1 -c 100 -m 10 -n "$1" "http://127.0.0.1:$PORT/" 2>&1
}

HZ=$(getconf CLK_TCK)
printf '%-5s %-18s %10s %8s %9s %s\n' round variant req/s cpu_s us/req failed
for round in $(seq "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do
    if ! start_server "$v"; then echo "$round $v: server did not start" >&2; kill "${PID:-0}" 2>/dev/null || true; continue; fi
    load $(( REQUESTS / 4 )) > /dev/null   # JIT warm-up and connection set-up, not measured
    c0=$(cpu_ticks "$PID")
    out=$(load "$REQUESTS")
    c1=$(cpu_ticks "$PID")
    kill "$PID"; wait "$PID" 2>/dev/null || true
    rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")
    failed=$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' <<<"$out")
    cpu=$(awk -v t=$(( c1 - c0 )) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
    us=$(awk -v t=$(( c1 - c0 )) -v hz="$HZ" -v n="$REQUESTS" 'BEGIN { printf "%.2f", t / hz / n * 1e6 }')
    printf '%-5s %-18s %10s %8s %9s %s\n' "$round" "$v" "$rps" "$cpu" "$us" "$failed" | tee -a "$WORK/rows"
    if [ "${failed:-1}" != 0 ]; then grep -iE "error|fail|refused|reset" <<<"$out" | head -5 >&2; fi
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
printf '%-18s %14s %16s\n' variant median_req/s median_us/req
for v in "${VARIANTS[@]}"; do
  ok=$(awk -v v="$v" '$2 == v && $6 == 0' "$WORK/rows")
  [ -n "$ok" ] || continue
  printf '%-18s %14s %16s\n' "$v" "$(awk '{ print $3 }' <<<"$ok" | median)" "$(awk '{ print $5 }' <<<"$ok" | median)"
done
