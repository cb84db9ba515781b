#!/usr/bin/env bash
# The side-by-side benchmark, one scenario after another on the same broker:
#   (a) a bare Kafka Streams exactly-once read-modify-write (the baseline, in tools/benchmark),
#   (c) the whole choreography at its highest sustainable rate (found by stepping the offered rate up),
#   (d) the whole choreography at half that rate, then the invariant checks over every order (c) and (d) placed,
#   (b) the engine alone (ORDERFLOW_ENGINE_MODE=direct, no workers), last, so that the workers' consumer groups
#       can be moved past its orders afterwards;
# exit 1 if any check failed. Figures as JSON and an SVG chart in docs/benchmarks/. It (re)starts the system in $ORDERFLOW_RUN_DIR and stops it at the end.
#   scripts/benchmark.sh [--quick] [--jfr] [options]     (--help lists them; docs/benchmarks.md explains)
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

quick=0 jfr=0 keep=0 write=1
records=1000000 keys=100000 latency_rate=2000 latency_seconds=30
engine_orders=20000
start_rate=25 step_seconds=30 refinements=1 max_rate=5000
duration=60 settle=PT2M
out_dir=docs/benchmarks
usage() {
  cat <<USAGE
scripts/benchmark.sh [options]        about 10 minutes with the defaults; --quick about 2 (smoke check only)
  --quick                   small sizes: figures only show that every step works
  --jfr                     record Java Flight Recorder in the Orderflow processes during (c); print the top frames
  --baseline-records N      preloaded records for the baseline's throughput ($records)
  --baseline-keys N         keys they are spread over ($keys)
  --latency-rate N          baseline and engine latency: records (commands)/s from a paced producer ($latency_rate)
  --latency-seconds N       ... for this long, the first 5 s dropped ($latency_seconds)
  --engine-orders N         engine alone: place commands in the burst, each followed by 4 more ($engine_orders)
  --start-rate N            rate search: first offered rate, orders/s ($start_rate)
  --step-seconds N          rate search: seconds per step ($step_seconds)
  --refinements N           rate search: bisections after the first unsustained step ($refinements)
  --max-rate N              rate search: never offer more, orders/s ($max_rate)
  --duration N              seconds of (c) and of (d) ($duration)
  --settle ISO-DURATION     how long the final checks wait for trailing mails and audit rows ($settle)
  --out-dir DIR             where the run's JSON and SVG go ($out_dir)
  --no-write                print the figures only (for runs on a busy machine)
  --keep-running            leave the system running at the end
USAGE
}
args="$*"
while (($#)); do
  case $1 in
    --quick) quick=1 records=200000 latency_rate=500 latency_seconds=12 engine_orders=2000
             start_rate=4 step_seconds=10 refinements=0 duration=20 settle=PT1M ;;
    --jfr) jfr=1 ;;
    --baseline-records) records=$2; shift ;;
    --baseline-keys) keys=$2; shift ;;
    --latency-rate) latency_rate=$2; shift ;;
    --latency-seconds) latency_seconds=$2; shift ;;
    --engine-orders) engine_orders=$2; shift ;;
    --start-rate) start_rate=$2; shift ;;
    --step-seconds) step_seconds=$2; shift ;;
    --refinements) refinements=$2; shift ;;
    --max-rate) max_rate=$2; shift ;;
    --duration) duration=$2; shift ;;
    --settle) settle=$2; shift ;;
    --out-dir) out_dir=$2; shift ;;
    --no-write) write=0 ;;
    --keep-running) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (scripts/benchmark.sh --help)" ;;
  esac
  shift
done

since_ms=$(($(date +%s) * 1000))
run="b$((since_ms / 1000))"
prefix="bench-$run-"
work="$ORDERFLOW_RUN_DIR/benchmark/$run"
mkdir -p "$work"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit="$commit-dirty"
export ORDERFLOW_CLK_TCK; ORDERFLOW_CLK_TCK=$(getconf CLK_TCK)

# The benchmark's own steps run from the installed distribution (`orderflow benchmark`, like `orderflow load-test`).
bench() { "$(orderflow_launcher)" benchmark "$@"; }
pid_names() { (cd "$ORDERFLOW_PID_DIR" && ls -- *.pid 2>/dev/null | sed 's/\.pid$//' | sort) || true; }
# The Orderflow processes: the pid files scripts/up.sh added to those of the infrastructure.
service_names() { comm -13 <(printf '%s\n' "$infra_names") <(pid_names); }
stop_services() { for name in $(service_names); do stop_proc "$name" 60 >/dev/null; done; }

say "benchmark $run at $commit (work files in $work)"
scripts/down.sh --services >/dev/null   # a running system is restarted in the modes below
infra/up.sh >/dev/null
infra/mail.sh purge   # the mail sink keeps every mail in memory: earlier runs' would crowd this one's
infra_names=$(pid_names)
# Build and install the distribution (its launcher runs the steps below), then measure the baseline without it.
scripts/up.sh >"$work/up-build.log" 2>&1 || { tail -20 "$work/up-build.log"; die "scripts/up.sh failed"; }
stop_services

# ---- (a) the baseline, on the broker alone
bench baseline --run "$run" --records "$records" --keys "$keys" --latency-rate "$latency_rate" \
  --latency-seconds "$latency_seconds" --out "$work/baseline.json"

# ---- the whole choreography
say "starting the whole choreography"
scripts/up.sh --no-build >"$work/up.log" 2>&1 || { tail -20 "$work/up.log"; die "scripts/up.sh failed"; }

# ---- (c) find the highest sustainable rate, then measure at it
bench find-rate --prefix "$prefix" --start "$start_rate" --step-seconds "$step_seconds" \
  --refinements "$refinements" --max "$max_rate" --work "$work" || true
rate=$(cat "$work/rate" 2>/dev/null || echo 0)
if [[ $rate == 0 || $rate == 0.0 ]]; then
  rate=$(awk -v r="$start_rate" 'BEGIN { print r / 8 }')
  note "no offered rate was sustained; measuring (c) at $rate orders/s"
fi
if ((jfr)); then
  for name in $(service_names); do
    pid=$(cat "$ORDERFLOW_PID_DIR/$name.pid")
    jcmd "$pid" JFR.start name=benchmark settings=profile >/dev/null && note "JFR recording in $name (pid $pid)"
  done
fi
bench choreography --name choreography-max --prefix "${prefix}c-" --rate "$rate" --seconds "$duration" \
  --description "the whole choreography at its highest sustainable rate, $rate orders/s for $duration s" \
  --work "$work" --out "$work/choreography-max.json"
if ((jfr)); then
  recordings=()
  for name in $(service_names); do
    pid=$(cat "$ORDERFLOW_PID_DIR/$name.pid")
    jcmd "$pid" JFR.stop name=benchmark filename="$work/$name.jfr" >/dev/null && recordings+=("$work/$name.jfr")
  done
  say "Java Flight Recorder, top frames during (c) (recordings in $work)"
  bench jfr-top "${recordings[@]}"
fi

# ---- (d) half the rate
half=$(awk -v r="$rate" 'BEGIN { print r / 2 }')
bench choreography --name choreography-half --prefix "${prefix}h-" --rate "$half" --seconds "$duration" \
  --description "the whole choreography at half that rate, $half orders/s for $duration s" \
  --work "$work" --out "$work/choreography-half.json"

# ---- the invariant checks, while every worker still runs to finish trailing mails and compensations
bench check --work "$work" --prefix "$prefix" --since "$since_ms" --settle "$settle" || true

# ---- (b) the engine alone; measured last, so the workers' groups have offsets to move past its orders
say "restarting the engine alone (ORDERFLOW_ENGINE_MODE=direct)"
stop_services
ORDERFLOW_ENGINE_MODE=direct scripts/up.sh --no-build order-engine >"$work/up-engine.log" 2>&1 \
  || { tail -20 "$work/up-engine.log"; die "scripts/up.sh failed"; }
for name in $(service_names); do   # where each service has its own process, stop the workers'
  if [[ $name == *-worker ]]; then stop_proc "$name" 30 >/dev/null; fi
done
bench engine --prefix "${prefix}e-" --orders "$engine_orders" --latency-rate "$latency_rate" \
  --latency-seconds "$latency_seconds" --out "$work/engine.json"
stop_services
bench skip-backlog   # no service may replay the engine-alone orders

# ---- figures, chart, the checks' verdict
status=0
out=(--out-dir "$out_dir")
((write)) || out=()
bench report --work "$work" --commit "$commit" --command "scripts/benchmark.sh $args" "${out[@]}" || status=$?
if ((keep)); then
  scripts/up.sh --no-build >/dev/null && note "the system keeps running (scripts/down.sh stops it)"
else
  scripts/down.sh >/dev/null
fi
exit $status
