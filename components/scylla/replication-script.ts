/**
 * The bash the replication Jobs run, rendered from the plan's procedure.
 * Pure: plan data in, script text out (the test harness runs exactly this
 * text under its ScyllaDB simulator, and `bash -n` + shellcheck check it).
 *
 * The procedure script never replays a file of statements: for each keyspace
 * it reads the live map from `system_schema.keyspaces`, applies the one next
 * statement the stepping rule gives (components/plan/replication.ts `nextStep`,
 * mirrored in awk below), and reads again, so a rerun after a failure at any
 * point continues from where ScyllaDB is, and never lowers a DC below its target.
 */
import type { EnvironmentPlan, KeyspaceTarget, ReplicationMap, ReplicationProcedure } from "../plan";
import { managerClusterName } from "../plan";
import { MANAGER_LABELS, MANAGER_NAMESPACE } from "./manager";

/** `dc=rf dc=rf`, sorted: the form the script passes around. */
export const flatMap = (m: ReplicationMap) =>
  Object.entries(m)
    .filter(([, rf]) => rf > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([dc, rf]) => `${dc}=${rf}`)
    .join(" ");

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const selector = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Shared preamble: logging, polling knobs, credentials into a private cqlshrc (never argv). */
const COMMON = String.raw`set -euo pipefail
# Poll interval and limit; the rehearsal shortens them.
POLL_SECONDS=${"${POLL_SECONDS:-10}"}
POLL_LIMIT=${"${POLL_LIMIT:-8640}"}
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }`;

const CQL_FUNCTIONS = String.raw`: "${"${CQL_USERNAME:?CQL_USERNAME comes from the Secret}"}" "${"${CQL_PASSWORD:?CQL_PASSWORD comes from the Secret}"}"
umask 077
CQLSHRC=$(mktemp)
trap 'rm -f "$CQLSHRC"' EXIT
printf '[authentication]\nusername = %s\npassword = %s\n' "$CQL_USERNAME" "$CQL_PASSWORD" >"$CQLSHRC"

# An ALTER of a tablet keyspace returns only once its tablets moved
# (scylla-2026.1.3 cql3/query_processor.cc:1107-1117): no client-side timeout.
# cqlsh (scylla-cqlsh v6.0.34-scylla, the scylladb 2026.1 submodule) takes --cqlshrc
# (bin/cqlsh.py:216) and its [authentication] username/password (:2466-2475), warning only when
# the file is readable by others (umask 077 above); without a tty it is in batch
# mode and exits 2 after a failed statement (:2760-2761), so set -e stops here.
cql() { cqlsh --cqlshrc "$CQLSHRC" --request-timeout=86400 -e "$1" "$CQL_HOST" 9042; }

# The live replication of a keyspace as "dc=rf ..." (sorted), or "absent".
live_map() {
  local out json
  out=$(cql "SELECT JSON replication FROM system_schema.keyspaces WHERE keyspace_name = '$1';")
  json=$(printf '%s\n' "$out" | grep -o '{"replication".*}' || true)
  if [ -z "$json" ]; then echo absent; return 0; fi
  case $json in *'['*) die "keyspace $1 uses rack-list replication, which this procedure does not change: $json" ;; esac
  printf '%s\n' "$json" | grep -o '"[^"]*": "[^"]*"' | grep -v '^"class"' | sed 's/^"\([^"]*\)": "\([^"]*\)"$/\1=\2/' | sort | tr '\n' ' ' | sed 's/ $//'
}

# The map of the next statement from live to target, empty when converged.
# Tablets: one DC by one per ALTER (raise first, then lower), every live DC named.
next_map() {
  awk -v tablets="$1" -v live="$2" -v target="$3" '
    function parse(s, m, seen,   n, i, kv, a) {
      n = split(s, a, " ")
      for (i = 1; i <= n; i++) { split(a[i], kv, "="); m[kv[1]] = kv[2] + 0; seen[kv[1]] = 1 }
    }
    BEGIN {
      parse(live, L, inL); parse(target, T, inT)
      n = 0
      for (d in inL) all[d] = 1
      for (d in inT) all[d] = 1
      for (d in all) keys[++n] = d
      for (i = 2; i <= n; i++) { k = keys[i]; for (j = i - 1; j >= 1 && keys[j] > k; j--) keys[j + 1] = keys[j]; keys[j + 1] = k }
      same = 1
      for (i = 1; i <= n; i++) { d = keys[i]; if ((L[d] + 0) != (T[d] + 0)) same = 0 }
      if (same) exit
      out = ""
      if (tablets != "true") {
        for (i = 1; i <= n; i++) { d = keys[i]; if ((d in inT) && T[d] + 0 > 0) out = out " " d "=" T[d] }
        print substr(out, 2); exit
      }
      moved = ""; delta = 0
      for (i = 1; i <= n && moved == ""; i++) { d = keys[i]; if (L[d] + 0 < T[d] + 0) { moved = d; delta = 1 } }
      for (i = 1; i <= n && moved == ""; i++) { d = keys[i]; if (L[d] + 0 > T[d] + 0) { moved = d; delta = -1 } }
      for (i = 1; i <= n; i++) {
        d = keys[i]
        if ((d in inL) || d == moved) { v = L[d] + 0; if (d == moved) v += delta; out = out " " d "=" v }
      }
      print substr(out, 2)
    }'
}

# "dc=rf ..." as a CQL replication map.
cql_map() {
  local out="{'class': 'NetworkTopologyStrategy'" pair
  for pair in $1; do out="$out, '${"${pair%%=*}"}': ${"${pair#*=}"}"; done
  printf '%s}' "$out"
}

# One statement; stops the Job on the first error, except ScyllaDB's own
# "please retry" (another RF change is ongoing: alter_keyspace_statement.cc:166-169)
# and client timeouts, after which the caller reads the live map again.
run_cql() {
  local out
  log "cql: $1"
  if out=$(cql "$1" 2>&1); then
    if [ -n "$out" ]; then printf '%s\n' "$out"; fi
    return 0
  fi
  printf '%s\n' "$out" >&2
  case $out in
    *"please retry"* | *OperationTimedOut*)
      log "not finished yet; reading the live replication again in $POLL_SECONDS s"
      sleep "$POLL_SECONDS"
      ;;
    *) die "CQL statement failed; a rerun resumes from the live replication" ;;
  esac
}

converge() {
  local ks=$1 tablets=$2 target=$3 live next i
  for ((i = 0; i < POLL_LIMIT; i++)); do
    live=$(live_map "$ks")
    if [ "$live" = absent ]; then
      run_cql "CREATE KEYSPACE IF NOT EXISTS \"$ks\" WITH replication = $(cql_map "$target") AND tablets = {'enabled': $tablets};"
      continue
    fi
    next=$(next_map "$tablets" "$live" "$target")
    if [ -z "$next" ]; then
      log "$ks: replication is $(cql_map "$live")"
      return 0
    fi
    run_cql "ALTER KEYSPACE \"$ks\" WITH replication = $(cql_map "$next");"
  done
  die "$ks did not converge to $(cql_map "$target")"
}`;

const NODE_FUNCTIONS = String.raw`pods_of() { kubectl get pods -n "$NAMESPACE" -l "scylla/cluster=$CLUSTER,scylla/datacenter=$1" -o name; }

# Waits until every node of each DC ("dc=nodes ...") is up and normal (UN) in the ring as a local node sees it.
wait_up() {
  local pod status pair dc want up other ready i
  for ((i = 0; i < POLL_LIMIT; i++)); do
    pod=$(pods_of "$LOCAL_DC" | head -n 1)
    status=$(kubectl exec -n "$NAMESPACE" "$pod" -c scylla -- nodetool status) || status=""
    ready=1
    for pair in $1; do
      dc=${"${pair%%=*}"}; want=${"${pair#*=}"}
      read -r up other < <(printf '%s\n' "$status" |
        awk -v dc="$dc" '/^Datacenter: /{f=($2 == dc)} f && /^UN /{u++} f && /^[UD][NLJM] / && !/^UN /{o++} END{print u + 0, o + 0}')
      if [ "$up" -ge "$want" ] && [ "$other" -eq 0 ]; then
        log "datacenter $dc: $up of $want nodes up"
      else
        log "waiting for datacenter $dc: $up of $want nodes up, $other not normal"
        ready=0
      fi
    done
    if [ "$ready" -eq 1 ]; then return 0; fi
    sleep "$POLL_SECONDS"
  done
  die "datacenters did not come up: $1"
}

# Rebuild runs inside the node; it prints progress every minute so the exec
# stream never sits idle long enough to be cut.
# shellcheck disable=SC2016 # expanded by the bash inside the ScyllaDB container
REBUILD_IN_NODE='nodetool rebuild -- "$1" & pid=$!
while kill -0 "$pid" 2>/dev/null; do sleep "${"${PROGRESS_SECONDS:-60}"}"; echo "still streaming: $(nodetool netstats 2>/dev/null | grep -c Receiving || true) receiving sessions"; done
wait "$pid"'

rebuild_dc() {
  local dc=$1 source=$2 pods pod
  pods=$(pods_of "$dc")
  [ -n "$pods" ] || die "no ScyllaDB pods of datacenter $dc"
  # One node at a time: a rebuild streams a full copy, parallel streams would starve client traffic.
  for pod in $pods; do
    log "rebuild ${"${pod#pod/}"} of $dc from $source"
    kubectl exec -n "$NAMESPACE" "$pod" -c scylla -- bash -c "$REBUILD_IN_NODE" rebuild "$source"
  done
}`;

/** What the procedure does, in order, as comment lines at the top of the script (the rehearsal prints them too). */
export function procedureSummary(procedure: ReplicationProcedure): string[] {
  const lines = [
    ...(procedure.entering.length > 0 ? [`datacenters entering replication: ${procedure.entering.join(", ")}`] : []),
    ...(procedure.leaving.length > 0 ? [`datacenters leaving replication: ${procedure.leaving.join(", ")}`] : []),
    `waits for: ${procedure.waitFor.map((w) => `${w.datacenter} (${w.nodes} nodes UN)`).join(", ")}`,
    ...procedure.keyspaces.map((k) => `converges ${k.name} (${k.tablets ? "tablets" : "vnodes"}) to ${flatMap(k.target) || "nothing"}`),
    procedure.rebuild ? `rebuilds ${procedure.rebuild.datacenter} node by node from ${procedure.rebuild.source}` : "rebuilds nothing",
  ];
  if (procedure.repair) lines.push(`then repairs ${procedure.repair.keyspaces.join(", ")} through Scylla Manager (region ${procedure.repair.region})`);
  return lines;
}

/** The replication Job's script for `procedure`, run in the cluster of `procedure.region`. */
export function renderProcedureScript(plan: EnvironmentPlan, procedure: ReplicationProcedure): string {
  const local = plan.regions.find((r) => r.key === procedure.region)!;
  const keyspaceLines = procedure.keyspaces.map(
    (k: KeyspaceTarget) => `converge ${quote(k.name)} ${k.tablets} ${quote(flatMap(k.target))}`,
  );
  return [
    "#!/bin/bash",
    "# scylla-ha replication procedure (components/scylla/replication-script.ts)",
    ...procedureSummary(procedure).map((l) => `#   ${l}`),
    COMMON,
    `NAMESPACE=${quote(plan.scylla.namespace)}`,
    `CLUSTER=${quote(plan.scylla.clusterName)}`,
    `LOCAL_DC=${quote(local.datacenter)}`,
    `CQL_HOST=${quote(`${plan.scylla.clusterName}-client.${plan.scylla.namespace}.svc`)}`,
    CQL_FUNCTIONS,
    NODE_FUNCTIONS,
    "",
    `wait_up ${quote(procedure.waitFor.map((w) => `${w.datacenter}=${w.nodes}`).join(" "))}`,
    ...keyspaceLines,
    ...(procedure.rebuild ? [`rebuild_dc ${quote(procedure.rebuild.datacenter)} ${quote(procedure.rebuild.source)}`] : []),
    'log "replication procedure complete"',
    "",
  ].join("\n");
}

/** The repair Job's script: one Manager repair of the given keyspaces, followed until it ends. */
export function renderRepairScript(plan: EnvironmentPlan, keyspaces: readonly string[]): string {
  return [
    "#!/bin/bash",
    "# scylla-ha repair after a rebuild (components/scylla/replication-script.ts)",
    COMMON,
    `MANAGER_NAMESPACE=${quote(MANAGER_NAMESPACE)}`,
    `MANAGER_CLUSTER=${quote(managerClusterName(plan))}`,
    `KEYSPACES=${quote(keyspaces.join(","))}`,
    String.raw`pod=$(kubectl get pods -n "$MANAGER_NAMESPACE" -l ${quote(selector(MANAGER_LABELS))} -o name | head -n 1)
[ -n "$pod" ] || die "no Scylla Manager pod in $MANAGER_NAMESPACE"
sctool() { kubectl exec -n "$MANAGER_NAMESPACE" "$pod" -c scylla-manager -- sctool "$@"; }
# sctool repair -K (scylla-manager v3.10.1 pkg/command/flag/flag.go:107) schedules an ad-hoc task and prints its id.
task=$(sctool repair -c "$MANAGER_CLUSTER" -K "$KEYSPACES" | tail -n 1)
log "repair task $task of $KEYSPACES"
for ((i = 0; i < POLL_LIMIT; i++)); do
  status=$(sctool progress -c "$MANAGER_CLUSTER" "$task" | awk -F: '/^Status/{gsub(/[ \t]/, "", $2); print $2; exit}')
  case $status in
    DONE) log "repair $task done"; exit 0 ;;
    ERROR | ABORTED | STOPPED) die "repair $task ended $status" ;;
    *) log "repair $task: $status" ;;
  esac
  sleep "$POLL_SECONDS"
done
die "repair $task did not finish"`,
    "",
  ].join("\n");
}
