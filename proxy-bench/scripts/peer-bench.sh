#!/usr/bin/env bash
# The peer comparison of issue 6: h2relay beside nghttpx, HAProxy and h2o, measured in one run on this machine.
#
# Starts the built-in origin and h2o (static files) as backends, each proxy in front of them on loopback with one
# worker thread (and two), and runs the same h2load scenarios against the backend directly and against every proxy,
# targets interleaved within each scenario, the whole matrix repeated round after round so machine drift hits
# everyone alike. Then opens ~10,000 idle HTTP/2 connections to each target for memory per connection. Writes a
# markdown section with medians and ratios (to nghttpx, to the direct backend) into docs/performance.md.
# Everything it starts is stopped on exit. docs/performance.md ("Against nghttpx, HAProxy and h2o") explains the
# columns.
#
# Usage: proxy-bench/scripts/peer-bench.sh [options]
#   --quick                1 round of 3 s runs, scenarios a, c, d5000 (and a against h2o), 1,000 idle connections,
#                          no two-worker group; prints the report, does not touch docs/ (smoke use, ~4 minutes)
#   --rounds N             rounds (default 3)
#   --duration S           measured seconds per run (default 5; h2load --warm-up-time 1 comes on top)
#   --scenarios "a b ..."  scenarios for the origin group (default "a b c d500 d5000 e f")
#   --groups "g ..."       origin-1w h2o-1w h2o-2w idle (default all four): the built-in origin or h2o (static
#                          files) as the backend, one or two worker threads per proxy, (g) idle connections
#   --idle-connections N   connections for (g) (default 9900: HAProxy needs two descriptors per maxconn and this
#                          sandbox caps a process at 20,000)
#   --targets "t ..."      which of direct h2relay nghttpx haproxy h2o (default all)
#   --variant NAME=OPTS    one more h2relay target, run with JAVA_OPTS=OPTS (repeatable): knobs measured in the run
#   --home NAME=DIR        one more h2relay target, from the checkout DIR (its launcher and jar; repeatable): code
#                          changes measured in the same run against a build of the commit before
#                          (variants and homes run in the origin one-worker group and (g) only)
#   --out DIR              keep the raw rows, logs and configs there (default: a temporary directory, removed)
#   --docs / --no-docs     write the section into docs/performance.md (default: on, off with --quick)
#   --profile NAME         record a JFR profile of the h2relay target NAME during its first (a) run, into --out
#                          (JFR settings "profile", or the .jfc file named by PEER_BENCH_JFR_SETTINGS, e.g. with
#                          1 ms method sampling for enough samples from one 10 s run)
# Needs: h2load, nghttpx, haproxy, h2o, openssl, python3 (installed from Debian packages when missing), a JDK 17.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPTS="$ROOT/proxy-bench/scripts"
COMMAND="proxy-bench/scripts/peer-bench.sh${*:+ $*}"
REVISION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
[ -z "$(git -C "$ROOT" status --porcelain -- proxy-core/src proxy-app/src 2>/dev/null)" ] || REVISION="$REVISION+changes"

ROUNDS=3 DURATION=5 WARMUP=1 IDLE_N=9900 DOCS=1 QUICK=0 KEEP=""
SCENARIOS="a b c d500 d5000 e f"
GROUPS_RUN="origin-1w h2o-1w h2o-2w idle"
TARGETS="direct h2relay nghttpx haproxy h2o"
PROFILE=""
declare -a VARIANTS=() HOMES=()
DOCS_SET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --groups) GROUPS_RUN=$2; shift ;;
    --idle-connections) IDLE_N=$2; shift ;;
    --targets) TARGETS=$2; shift ;;
    --variant) VARIANTS+=("$2"); shift ;;
    --home) HOMES+=("$2"); shift ;;
    --out) KEEP=$2; shift ;;
    --docs) DOCS=1; DOCS_SET=1 ;;
    --no-docs) DOCS=0; DOCS_SET=1 ;;
    --profile) PROFILE=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "peer-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  ROUNDS=1 DURATION=3 IDLE_N=1000
  SCENARIOS="a c d5000"
  GROUPS_RUN="origin-1w h2o-1w idle"
  [ "$DOCS_SET" = 1 ] || DOCS=0
fi

log() { printf '%s peer-bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---- peers from the distribution ------------------------------------------------------------------------------------
need=()
for pair in h2load:nghttp2-client nghttpx:nghttp2-proxy haproxy:haproxy h2o:h2o openssl:openssl python3:python3; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ -n "$KEEP" ]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/peer-bench.XXXXXX); fi
declare -a STARTED=()
cleanup() {
  local p
  for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${STARTED[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  [ -n "$KEEP" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- h2relay build --------------------------------------------------------------------------------------------------
# The launcher builds the jar when it is missing or stale; build it here, once, so no start races a build.
if [ ! -f "$ROOT/proxy-app/target/h2relay.jar" ] || [ -n "$(find "$ROOT/proxy-core/src/main" "$ROOT/proxy-app/src/main" \
    -newer "$ROOT/proxy-app/target/h2relay.jar" -print -quit)" ]; then
  log "building proxy-app/target/h2relay.jar"
  (cd "$ROOT" && { mvn -B -q -o -pl proxy-app -am package -DskipTests || mvn -B -q -pl proxy-app -am package -DskipTests; })
fi

# ---- test data ------------------------------------------------------------------------------------------------------
mkdir -p "$WORK/www/bytes" "$WORK/logs" "$WORK/conf"
for n in 1024 65536 1048576; do head -c $n /dev/urandom > "$WORK/www/bytes/$n"; done
head -c 65536 /dev/urandom > "$WORK/body64k"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$WORK/conf/key.pem" -out "$WORK/conf/cert.pem" 2>/dev/null
cat "$WORK/conf/cert.pem" "$WORK/conf/key.pem" > "$WORK/conf/haproxy.pem"

# ---- processes ------------------------------------------------------------------------------------------------------
NEXT_PORT=${PEER_BENCH_PORT:-19300}
port() { # -> a free loopback port in PORT
  while (exec 3<>"/dev/tcp/127.0.0.1/$NEXT_PORT") 2>/dev/null; do NEXT_PORT=$((NEXT_PORT + 1)); done
  PORT=$NEXT_PORT; NEXT_PORT=$((NEXT_PORT + 1))
}
wait_port() { # port pid name
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { log "$3 exited; its log:"; tail -20 "$WORK/logs/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  log "$3 did not listen on $1"; exit 1
}
launch() { # name command... (stdout and stderr to logs/name.log) -> PID
  local name=$1; shift
  "$@" > "$WORK/logs/$name.log" 2>&1 < /dev/null &
  PID=$!
  STARTED+=("$PID")
}

declare -A T_PORT T_TLS T_PID
# T_PORT[group/target] etc.; the direct target of a group is its backend.

ORIGIN_JAR="$ROOT/proxy-app/target/h2relay.jar"
port; ORIGIN_PORT=$PORT
launch origin java -XX:+UseG1GC -jar "$ORIGIN_JAR" origin --listen "127.0.0.1:$ORIGIN_PORT" --log-level WARN
ORIGIN_PID=$PID
port; H2O_PORT=$PORT
cat > "$WORK/conf/h2o-static.conf" <<EOF
user: $(id -un)
num-threads: 1
max-connections: 19000
http2-idle-timeout: 600
access-log: /dev/null
listen:
  host: 127.0.0.1
  port: $H2O_PORT
hosts:
  default:
    paths:
      /:
        file.dir: $WORK/www
EOF
launch h2o-static h2o -c "$WORK/conf/h2o-static.conf"
H2O_PID=$PID
wait_port "$ORIGIN_PORT" "$ORIGIN_PID" origin
wait_port "$H2O_PORT" "$H2O_PID" h2o-static

dispatcher_opts() { # workers -> Pekko pools at that many threads (the TCP workers share the default dispatcher)
  local w=$1 d
  for d in default-dispatcher internal-dispatcher; do
    printf -- '-Dpekko.actor.%s.fork-join-executor.parallelism-min=%s -Dpekko.actor.%s.fork-join-executor.parallelism-max=%s ' \
      "$d" "$w" "$d" "$w"
  done
}

start_proxy() { # group target kind workers backend-port
  local group=$1 target=$2 kind=$3 w=$4 bport=$5 name="$1.$2" tls_port=""
  port; local p=$PORT
  case "$kind" in
    h2relay:*)
      local spec=${kind#h2relay:} home="$ROOT" opts=""
      case "$spec" in
        home=*) home=${spec#home=} ;;
        opts=*) opts=${spec#opts=} ;;
      esac
      local how=(--listen "127.0.0.1:$p" --upstream "h2c://127.0.0.1:$bport")
      # A TLS listener when this build has them (a tls section under the listener defaults of its reference.conf).
      # (grep -c, not -q: with pipefail, unzip killed by SIGPIPE would make the test false.)
      if [ "$group" != h2o-2w ] && [ "$group" != idle ] && [ "$(unzip -p "$home/proxy-app/target/h2relay.jar" \
          reference.conf 2>/dev/null | grep -Ec '^\s*tls\s*\{')" != 0 ]; then
        port; tls_port=$PORT
        cat > "$WORK/conf/$name.conf" <<EOF
h2relay {
  listeners {
    plain { address = "127.0.0.1:$p" }
    secure {
      address = "127.0.0.1:$tls_port"
      tls { certificates = [{ certificate-chain = "$WORK/conf/cert.pem", private-key = "$WORK/conf/key.pem" }] }
    }
  }
  clusters { backend { endpoints = ["h2c://127.0.0.1:$bport"] } }
  routes { all { cluster = backend } }
}
EOF
        how=(--config "$WORK/conf/$name.conf")
      fi
      JAVA_OPTS="$(dispatcher_opts "$w") $opts" launch "$name" "$home/h2relay" serve "${how[@]}" --log-level WARN
      ;;
    nghttpx)
      local fe=(-f "127.0.0.1,$p;no-tls") tlsargs=()
      if [ "$group" != h2o-2w ] && [ "$group" != idle ]; then
        port; tls_port=$PORT
        fe+=(-f "127.0.0.1,$tls_port"); tlsargs=("$WORK/conf/key.pem" "$WORK/conf/cert.pem")
      else
        fe+=(--frontend-no-tls)
      fi
      # --conf=/dev/null: Debian's /etc/nghttpx/nghttpx.conf would add a frontend and syslog logging.
      launch "$name" nghttpx --conf=/dev/null -n "$w" "${fe[@]}" -b "127.0.0.1,$bport;;proto=h2" \
        --accesslog-file=/dev/null --errorlog-file="$WORK/logs/$name.err" --frontend-http2-read-timeout=10m \
        --frontend-read-timeout=10m --frontend-keep-alive-timeout=10m "${tlsargs[@]}"
      ;;
    haproxy)
      local tlsbind=""
      if [ "$group" != h2o-2w ] && [ "$group" != idle ]; then
        port; tls_port=$PORT
        tlsbind="  bind 127.0.0.1:$tls_port ssl crt $WORK/conf/haproxy.pem alpn h2"
      fi
      # maxconn 9950: HAProxy wants two descriptors per connection plus a few, and a process gets 20,000 here.
      cat > "$WORK/conf/$name.cfg" <<EOF
global
  nbthread $w
  maxconn 9950
defaults
  mode http
  timeout connect 5s
  timeout client 10m
  timeout server 10m
  timeout http-keep-alive 10m
frontend fe
  bind 127.0.0.1:$p proto h2
$tlsbind
  default_backend be
backend be
  server s1 127.0.0.1:$bport proto h2
EOF
      launch "$name" haproxy -f "$WORK/conf/$name.cfg" -db
      ;;
    h2o)
      local tlslisten=""
      if [ "$group" != h2o-2w ] && [ "$group" != idle ]; then
        port; tls_port=$PORT
        # h2o 2.2 takes one listen mapping per level: the TLS one goes on the host.
        tlslisten="    listen:
      host: 127.0.0.1
      port: $tls_port
      ssl:
        certificate-file: $WORK/conf/cert.pem
        key-file: $WORK/conf/key.pem"
      fi
      cat > "$WORK/conf/$name.conf" <<EOF
user: $(id -un)
num-threads: $w
max-connections: 19000
http2-idle-timeout: 600
access-log: /dev/null
listen:
  host: 127.0.0.1
  port: $p
hosts:
  default:
$tlslisten
    paths:
      /:
        proxy.reverse.url: http://127.0.0.1:$bport/
EOF
      launch "$name" h2o -c "$WORK/conf/$name.conf"
      ;;
  esac
  T_PORT[$group/$target]=$p
  T_TLS[$group/$target]=$tls_port
  T_PID[$group/$target]=$PID
}

# Targets per group: direct (the backend), then the proxies, then h2relay variants.
declare -A G_TARGETS G_BACKEND G_WORKERS
G_BACKEND[origin-1w]=$ORIGIN_PORT; G_WORKERS[origin-1w]=1
G_BACKEND[h2o-1w]=$H2O_PORT;       G_WORKERS[h2o-1w]=1
G_BACKEND[h2o-2w]=$H2O_PORT;       G_WORKERS[h2o-2w]=2
declare -A KIND=([h2relay]=h2relay:default [nghttpx]=nghttpx [haproxy]=haproxy [h2o]=h2o)
EXTRA=()
for v in "${VARIANTS[@]}"; do KIND["h2relay+${v%%=*}"]="h2relay:opts=${v#*=}"; EXTRA+=("h2relay+${v%%=*}"); done
for h in "${HOMES[@]}"; do KIND["h2relay+${h%%=*}"]="h2relay:home=${h#*=}"; EXTRA+=("h2relay+${h%%=*}"); done

ACTIVE_GROUPS=()
for g in origin-1w h2o-1w h2o-2w; do case " $GROUPS_RUN " in *" $g "*) ACTIVE_GROUPS+=("$g") ;; esac; done
START_GROUPS=("${ACTIVE_GROUPS[@]}")
for group in "${START_GROUPS[@]}"; do
  list=()
  extras=(); [ "$group" = origin-1w ] && extras=("${EXTRA[@]}")
  for t in $TARGETS "${extras[@]}"; do
    [ "$group" = h2o-2w ] && [ "$t" = direct ] && continue
    # h2o 2.2 speaks HTTP/1.1 to backends and the built-in origin only h2c: no h2o row in front of it.
    if [ "$group" = origin-1w ] && [ "$t" = h2o ]; then list+=("$t"); continue; fi
    if [ "$t" = direct ]; then
      T_PORT[$group/direct]=${G_BACKEND[$group]}
      T_PID[$group/direct]=$([ "$group" = h2o-1w ] && echo "$H2O_PID" || echo "$ORIGIN_PID")
      T_TLS[$group/direct]=""
    else
      start_proxy "$group" "$t" "${KIND[$t]}" "${G_WORKERS[$group]}" "${G_BACKEND[$group]}"
    fi
    list+=("$t")
  done
  G_TARGETS[$group]="${list[*]}"
done
for key in "${!T_PID[@]}"; do
  wait_port "${T_PORT[$key]}" "${T_PID[$key]}" "${key/\//.}"
  [ -z "${T_TLS[$key]}" ] || wait_port "${T_TLS[$key]}" "${T_PID[$key]}" "${key/\//.}"
done
log "all targets listening (work directory $WORK)"

# ---- measuring ------------------------------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
tree() { # pid -> the pid and all its descendants
  local p=$1 c
  echo "$p"
  for c in $(pgrep -P "$p" || true); do tree "$c"; done
}
cpu_ticks() {
  local total=0 p
  for p in $(tree "$1"); do
    [ -r "/proc/$p/stat" ] && total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$p/stat") ))
  done
  echo "$total"
}
status_kb() { # pid field -> the sum of the field over the process tree, in kB
  local total=0 p v
  for p in $(tree "$1"); do
    v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null || true)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}
reset_peak() { local p; for p in $(tree "$1"); do echo 5 > "/proc/$p/clear_refs" 2>/dev/null || true; done; }

scenario_args() { # scenario -> h2load arguments after the URL base is known; sets ARGS and URLPATH
  case "$1" in
    a|f)   ARGS=(-c 100 -m 10);                       URLPATH=/bytes/1024 ;;
    b)     ARGS=(-c 10 -m 10);                        URLPATH=/bytes/65536 ;;
    c)     ARGS=(-c 4 -m 2);                          URLPATH=/bytes/1048576 ;;
    d500)  ARGS=(-c 10 -m 10 --rps 50);               URLPATH=/bytes/1024 ;;
    d5000) ARGS=(-c 50 -m 10 --rps 100);              URLPATH=/bytes/1024 ;;
    e)     ARGS=(-c 10 -m 10 -d "$WORK/body64k");     URLPATH=/sha256 ;;
  esac
}

RAW="$WORK/raw.tsv"
printf 'round\tgroup\tscenario\ttarget\trps\tmbps\tmean\tp50\tp99\trequests\terrors\tcpu\trss\tnote\n' > "$RAW"

run() { # round group scenario target
  local round=$1 group=$2 sc=$3 t=$4 key="$2/$4" scheme=http port
  if [ -z "${T_PORT[$key]:-}" ]; then
    printf '%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\tn/a\n' "$round" "$group" "$sc" "$t" >> "$RAW"
    return 0
  fi
  port=${T_PORT[$key]}
  if [ "$sc" = f ]; then
    port=${T_TLS[$key]:-}
    scheme=https
    if [ -z "$port" ]; then
      [ "$t" = direct ] && return 0
      printf '%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\tnot-run\n' "$round" "$group" "$sc" "$t" >> "$RAW"
      return 0
    fi
  fi
  scenario_args "$sc"
  local pid=${T_PID[$key]} tag="$round.$group.$sc.$t"
  local out="$WORK/logs/h2load.$tag.out" reqlog="$WORK/logs/h2load.$tag.log"
  h2load -t 1 "${ARGS[@]}" -D "$DURATION" --warm-up-time "$WARMUP" --log-file="$reqlog" \
    "$scheme://127.0.0.1:$port$URLPATH" > "$out" 2>&1 &
  local hp=$!
  sleep "$WARMUP"
  reset_peak "$pid"
  local c0 t0 c1 t1
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  wait "$hp" || true
  c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  local rss; rss=$(status_kb "$pid" VmHWM)
  local fig; fig=$(python3 "$SCRIPTS/peer_bench.py" h2load "$out" "$reqlog")
  rm -f "$reqlog"
  local rps mbps mean p50 p99 n errors
  IFS=$'\t' read -r rps mbps mean p50 p99 n errors <<<"$fig"
  if [ "$sc" = e ]; then mbps=$(awk -v r="$rps" 'BEGIN { printf "%.2f", r * 65536 / 1e6 }'); fi
  # CPU seconds per 1000 requests: the target's CPU rate over the measured window divided by the request rate.
  local cpu; cpu=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v a="$t0" -v b="$t1" -v r="$rps" \
    'BEGIN { if (r > 0 && b > a) printf "%.4f", d / hz / (b - a) / r * 1000; else print "-" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$round" "$group" "$sc" "$t" "$rps" "$mbps" \
    "$mean" "$p50" "$p99" "$n" "$errors" "$cpu" "$rss" >> "$RAW"
  log "round $round $group $sc $t: $rps req/s, p99 $p99 ms, $cpu CPU s/1000 req, errors $errors"
}

group_scenarios() {
  case "$1" in
    origin-1w) echo "$SCENARIOS" ;;
    h2o-1w) if [ "$QUICK" = 1 ]; then echo "a"; else echo "a b c f"; fi ;;
    h2o-2w) echo "a c" ;;
  esac
}
# JIT warm-up, not measured: every proxy's first connections, and for JVMs the time C2 needs to compile the hot paths
# (on a busy 2-core machine it was still compiling after 40 s of load; 25 s takes most of it).
log "warm-up"
for g in "${ACTIVE_GROUPS[@]}"; do
  for t in ${G_TARGETS[$g]}; do
    [ -n "${T_PORT[$g/$t]:-}" ] || continue
    secs=2; case "$t" in h2relay*) secs=${PEER_BENCH_JVM_WARMUP:-25} ;; direct) [ "$g" = h2o-1w ] || secs=10 ;; esac
    base="http://127.0.0.1:${T_PORT[$g/$t]}"
    h2load -t 1 -c 100 -m 10 -D "$secs" "$base/bytes/1024" > /dev/null 2>&1 || true
    h2load -t 1 -c 4 -m 2 -D 2 "$base/bytes/1048576" > /dev/null 2>&1 || true
    [ "$g" = origin-1w ] && { h2load -t 1 -c 10 -m 10 -D 2 -d "$WORK/body64k" "$base/sha256" > /dev/null 2>&1 || true; }
  done
done

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$PROFILE" ] && [ -n "${T_PID[origin-1w/$PROFILE]:-}" ]; then
  jcmd "${T_PID[origin-1w/$PROFILE]}" JFR.start name=peer settings="${PEER_BENCH_JFR_SETTINGS:-profile}" filename="$WORK/$PROFILE.jfr" \
    duration=$((DURATION + WARMUP + 2))s > /dev/null 2>&1 || log "could not start JFR on $PROFILE"
  run 0 origin-1w a "$PROFILE"
  sleep 3
  log "profile: $WORK/$PROFILE.jfr"
  sed -i '/^0\t/d' "$RAW"
fi
for round in $(seq "$ROUNDS"); do
  for g in "${ACTIVE_GROUPS[@]}"; do
    for sc in $(group_scenarios "$g"); do
      # Rotate the order each round, so no target always runs right after the same neighbour.
      read -r -a order <<<"${G_TARGETS[$g]}"
      n=${#order[@]}; shift_by=$(( (round - 1) % n ))
      for i in $(seq 0 $((n - 1))); do
        run "$round" "$g" "$sc" "${order[$(( (i + shift_by) % n ))]}"
      done
    done
  done
done

# ---- (g) idle connections -------------------------------------------------------------------------------------------
# Fresh processes (one worker, h2o static files behind), so the RSS growth is the connections' and not memory kept
# from the load runs. JVMs get a full GC before each reading; their live heap is reported beside RSS.
IDLE="$WORK/idle.tsv"
printf 'target\tconnections\tanswered\trss_before_kb\trss_open_kb\theap_before_kb\theap_open_kb\n' > "$IDLE"
heap_kb() { # pid -> used heap after a full GC, in kB ("-" for a process that is no JVM)
  # Only for JVMs: jcmd attaches by sending SIGQUIT, which tells nghttpx to shut down gracefully.
  if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ] && jcmd "$1" GC.run > /dev/null 2>&1; then
    jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.*heap .*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1
  else
    echo "-"
  fi
}
stop() { # pid
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
case " $GROUPS_RUN " in
  *" idle "*)
    for t in $TARGETS "${EXTRA[@]}"; do
      if [ "$t" = direct ]; then
        port; p=$PORT
        sed "s/port: $H2O_PORT/port: $p/" "$WORK/conf/h2o-static.conf" > "$WORK/conf/idle.h2o-static.conf"
        launch idle.direct h2o -c "$WORK/conf/idle.h2o-static.conf"
        T_PORT[idle/direct]=$p; T_PID[idle/direct]=$PID
      else
        start_proxy idle "$t" "${KIND[$t]}" 1 "$H2O_PORT"
      fi
      key="idle/$t"; pid=${T_PID[$key]}
      wait_port "${T_PORT[$key]}" "$pid" "idle.$t"
      h2load -t 1 -c 10 -m 10 -n 20000 "http://127.0.0.1:${T_PORT[$key]}/bytes/1024" > /dev/null 2>&1 || true
      heap0=$(heap_kb "$pid"); sleep 1
      before=$(status_kb "$pid" VmRSS)
      rm -f "$WORK/idle.ready"
      python3 "$SCRIPTS/peer_bench.py" idle 127.0.0.1 "${T_PORT[$key]}" "$IDLE_N" "$WORK/idle.ready" \
        > "$WORK/logs/idle.$t.client.log" 2>&1 &
      ip=$!
      for _ in $(seq 1200); do [ -f "$WORK/idle.ready" ] && break; kill -0 "$ip" 2>/dev/null || break; sleep 0.1; done
      sleep 2
      heap1=$(heap_kb "$pid"); sleep 1
      after=$(status_kb "$pid" VmRSS)
      read -r answered _ < "$WORK/idle.ready" 2>/dev/null || answered=0
      kill "$ip" 2>/dev/null || true; wait "$ip" 2>/dev/null || true
      stop "$pid"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$IDLE_N" "$answered" "$before" "$after" "$heap0" "$heap1" >> "$IDLE"
      log "idle $t: $answered of $IDLE_N answered, RSS $before -> $after kB, live heap $heap0 -> $heap1 kB"
    done
    ;;
esac
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ---------------------------------------------------------------------------------------------------------
others=$(ps -eo pid=,pcpu=,comm= | awk '$2 > 20 && $3 !~ /^(h2load|java|nghttpx|haproxy|h2o|python3)$/' | wc -l)
python3 - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
  "date": "$(date -u +%Y-%m-%d\ %H:%M\ UTC)",
  "host": "$(hostname)",
  "nproc": "$(nproc)",
  "cpu": "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo | tr -s ' ')",
  "mem": "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)",
  "rounds": "$ROUNDS", "duration": "$DURATION", "warmup": "$WARMUP",
  "load_start": "$LOAD_START", "load_end": "$LOAD_END",
  "versions": "h2relay $REVISION on $(java -version 2>&1 | head -1 | tr -d '"'), $(h2load --version | head -1), $(nghttpx --version | head -1), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(h2o --version | head -1)",
  "command": "$COMMAND",
  "shared_note": "${PEER_BENCH_SHARED_NOTE:-}",
}, open(sys.argv[1], "w"))
EOF
python3 "$SCRIPTS/peer_bench.py" report "$RAW" "$IDLE" "$WORK/meta.json" > "$WORK/report.md"
cat "$WORK/report.md"
if [ "$DOCS" = 1 ]; then
  python3 "$SCRIPTS/peer_bench.py" splice "$ROOT/docs/performance.md" "$WORK/report.md"
  log "wrote the section into docs/performance.md"
fi
