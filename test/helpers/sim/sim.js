"use strict";
/**
 * A ScyllaDB behaviour simulator for the test harness: fake `cqlsh`,
 * `nodetool`, `kubectl` and `sctool` executables (bin/) sharing one JSON
 * state file ($SIM_STATE). The real rendered Job scripts run against them
 * with bash. Each rule names the upstream source it follows:
 *
 *   ScyllaDB scylla-2026.1.3:
 *     A1 cql3/statements/alter_keyspace_statement.cc:61-64   "Cannot alter system keyspace" (system, system_schema only:
 *                                                            replica/distributed_loader.cc:40-46)
 *     A2 alter_keyspace_statement.cc:89-107                  tablets: total |RF change| over the named DCs < 2
 *     A3 alter_keyspace_statement.cc:160-169                 tablets: "Another RF change for this keyspace ... ongoing, please retry."
 *     A4 cql3/statements/ks_prop_defs.cc:120-128             tablets: every DC of the old map must be named (0 to drop)
 *     A5 ks_prop_defs.cc:255-259                             entries at RF 0 are removed from the stored map
 *     A6 locator/network_topology_strategy.cc:279-298        a DC not in the topology: "Unrecognized strategy option"
 *     A7 locator/tablets.cc:1596-1611 + replica/database.cc:3562-3564
 *                                                            tablets RF must be 0, 1 or the rack count; enforced when
 *                                                            rf_rack_valid_keyspaces (db/config.cc:1585, default false)
 *                                                            or the keyspace has a materialized view, else a warning
 *     A8 cql3/query_processor.cc:1107-1117                   a tablets ALTER returns once the change completed; a
 *                                                            client timeout leaves it running server-side
 *     A9 PasswordAuthenticator / CassandraAuthorizer         bad credentials refused; ALTER/CREATE/SELECT need grants
 *   scylla-operator v1.21.1: pod labels scylla/cluster, scylla/datacenter; nodetool runs in container "scylla".
 *   Kubernetes 1.34: exec over WebSocket is authorized as `get` on pods/exec (kubernetes/kubernetes#133515).
 *   Scylla Manager v3.10.1: `sctool repair -c <cluster> -K <keyspaces>` prints the task id
 *     (pkg/command/repair/cmd.go), `sctool progress -c <cluster> <task>` reports "Status:".
 *
 * The simulator also records what a reviewer cares about: every statement
 * applied, every RF change started while another was running, every rebuild.
 */
const fs = require("node:fs");
const path = require("node:path");

/**
 * One tool call at a time: its environment and what it prints. `invoke()` sets
 * it, so the same rules serve a tool started as a process (bin/ without a
 * server) and a call answered by the simulator server (server.js).
 */
let current = { env: process.env, stdout: [], stderr: [] };
class SimExit {
  constructor(code) {
    this.code = code;
  }
}
const env = (name) => current.env[name];
const print = (text) => current.stdout.push(text);
const exit = (code) => {
  throw new SimExit(code);
};

const statePath = () => {
  const p = env("SIM_STATE");
  if (!p) fail("SIM_STATE is not set", 3);
  return p;
};
function load() {
  return JSON.parse(fs.readFileSync(statePath(), "utf8"));
}
function save(state) {
  const tmp = `${statePath()}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 1));
  fs.renameSync(tmp, statePath());
}
function fail(message, code = 2) {
  current.stderr.push(`${message}\n`);
  exit(code);
}
const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";

/** DCs in the topology: those with at least one normal (UN) node. */
function topology(state) {
  const dcs = {};
  for (const [dc, d] of Object.entries(state.datacenters)) {
    if (d.nodes.some((n) => n.status === "UN")) dcs[dc] = d;
  }
  return dcs;
}

/** Faults: {on: substring of the call, kind: reject|timeout|crash|fail, message?, times}. */
function takeFault(state, call) {
  const f = (state.faults || []).find((x) => x.times > 0 && call.includes(x.on));
  if (f) f.times -= 1;
  return f;
}

function tick(state) {
  for (const [ks, change] of Object.entries(state.ongoing || {})) {
    change.remaining -= 1;
    if (change.remaining <= 0) {
      state.keyspaces[ks].replication = change.to;
      delete state.ongoing[ks];
      state.log.push({ tool: "scylla", event: "rf-change-done", keyspace: ks, to: change.to });
    }
  }
}

function parseMap(text) {
  const body = text.trim().replace(/^\{|\}$/g, "");
  const out = {};
  for (const part of body.split(",")) {
    const m = part.trim().match(/^'([^']+)'\s*:\s*'?([^']+)'?$/);
    if (!m) throw new Error(`cannot parse replication entry ${part}`);
    out[m[1]] = m[2].trim();
  }
  return out;
}

function cqlError(code, kind, message) {
  const codes = { 2200: "Invalid query", 2300: "Query invalid because of configuration issue", 2100: "Unauthorized" };
  fail(`<stdin>:1:${kind}: Error from server: code=${code} [${codes[code]}] message="${message}"`, 2);
}

function rfRackWarnings(state, name, map, hasViews) {
  const topo = topology(state);
  for (const [dc, rfText] of Object.entries(map)) {
    const rf = Number(rfText);
    const racks = topo[dc] ? new Set(topo[dc].nodes.filter((n) => n.status === "UN").map((n) => n.rack)).size : 0;
    if (rf === 0 || rf === 1 || rf === racks) continue;
    const enforced = state.config.rf_rack_valid_keyspaces || hasViews;
    if (enforced) {
      cqlError(2200, "InvalidRequest", `The keyspace '${name}' is required to be RF-rack-valid. That condition is violated for DC '${dc}': RF=${rf} vs. rack count=${racks}.`);
    }
    return [`Keyspace '${name}' is not RF-rack-valid: the replication factor doesn't match the rack count in at least one datacenter. A rack failure may reduce availability.`];
  }
  return [];
}

function allowed(role, permission, resource) {
  return role.superuser || (role.grants || []).some((g) => g.permission === permission && (g.resource === resource || g.resource === "ALL KEYSPACES"));
}

function cqlsh(argv) {
  let rcFile;
  let statement;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--cqlshrc") rcFile = argv[++i];
    else if (a === "-e") statement = argv[++i];
    else if (a === "-u" || a === "-p" || a.startsWith("--password") || a.startsWith("--username")) {
      fail("simulator: credentials on the command line are refused (they show in the process list)", 3);
    } else if (a.startsWith("--request-timeout=")) continue;
  }
  if (statement === undefined) fail("simulator: cqlsh is only run with -e", 3);
  const state = load();
  tick(state);
  // A9: PasswordAuthenticator.
  // Relative to the script's directory, which a server call reports as PWD.
  const rcPath = rcFile && path.resolve(env("PWD") || process.cwd(), rcFile);
  const rc = rcPath && fs.existsSync(rcPath) ? fs.readFileSync(rcPath, "utf8") : "";
  const user = (rc.match(/^username\s*=\s*(.*)$/m) || [])[1];
  const password = (rc.match(/^password\s*=\s*(.*)$/m) || [])[1];
  const role = user !== undefined ? state.roles[user] : undefined;
  if (!role || role.password !== password) {
    save(state);
    fail(`Connection error: ('Unable to connect to any servers', {'scylla-client:9042': AuthenticationFailed('Failed to authenticate to scylla-client:9042: Error from server: code=0100 [Bad credentials] message="Username and/or password are incorrect"')})`, 1);
  }
  state.log.push({ tool: "cqlsh", user, statement });
  const fault = takeFault(state, statement);
  if (fault && fault.kind === "reject") {
    save(state);
    cqlError(2200, "InvalidRequest", fault.message || "injected failure");
  }
  try {
    const out = execute(state, role, statement, fault);
    save(state);
    if (fault && fault.kind === "crash") exit(137);
    if (out) print(out);
  } catch (err) {
    save(state);
    throw err;
  }
}

function execute(state, role, statement, fault) {
  let m = statement.match(/^SELECT JSON replication FROM system_schema\.keyspaces WHERE keyspace_name = '([^']+)';$/);
  if (m) {
    if (!allowed(role, "SELECT", "system_schema")) cqlError(2100, "Unauthorized", `User ${role.name} has no SELECT permission on <keyspace system_schema> or any of its parents`);
    const ks = state.keyspaces[m[1]];
    if (!ks) return "\n [json]\n--------\n\n(0 rows)\n";
    const json = JSON.stringify({ replication: { class: ks.replication.class || NTS, ...Object.fromEntries(Object.entries(ks.replication).filter(([k]) => k !== "class")) } });
    return `\n [json]\n${"-".repeat(json.length + 2)}\n ${json.replace(/":"/g, '": "').replace(/","/g, '", "').replace(/":\{/g, '": {')}\n\n(1 rows)\n`;
  }
  m = statement.match(/^CREATE KEYSPACE IF NOT EXISTS "([^"]+)" WITH replication = (\{.*\}) AND tablets = \{'enabled': (true|false)\};$/);
  if (m) {
    const [, name, mapText, tablets] = m;
    if (!allowed(role, "CREATE", "ALL KEYSPACES")) cqlError(2100, "Unauthorized", `User ${role.name} has no CREATE permission on <all keyspaces> or any of its parents`);
    if (state.keyspaces[name]) return "";
    const map = parseMap(mapText);
    if (!/NetworkTopologyStrategy$/.test(map.class || "")) cqlError(2300, "ConfigurationException", "Missing replication strategy class");
    delete map.class;
    validateDcs(state, map);
    const warnings = tablets === "true" ? rfRackWarnings(state, name, map, false) : [];
    state.keyspaces[name] = { tablets: tablets === "true", replication: storedMap(map), views: 0 };
    state.log.push({ tool: "scylla", event: "created", keyspace: name, to: state.keyspaces[name].replication });
    return warnings.map((w) => `Warnings :\n${w}\n`).join("");
  }
  m = statement.match(/^ALTER KEYSPACE "([^"]+)" WITH replication = (\{.*\});$/);
  if (m) {
    const [, name, mapText] = m;
    if (name === "system" || name === "system_schema") cqlError(2200, "InvalidRequest", "Cannot alter system keyspace"); // A1
    const ks = state.keyspaces[name];
    if (!ks) cqlError(2300, "ConfigurationException", `Cannot alter non existing keyspace '${name}'.`);
    if (!allowed(role, "ALTER", name)) cqlError(2100, "Unauthorized", `User ${role.name} has no ALTER permission on <keyspace ${name}> or any of its parents`);
    const map = parseMap(mapText);
    if (!map.class) cqlError(2300, "ConfigurationException", "Missing replication strategy class");
    delete map.class;
    const old = Object.fromEntries(Object.entries(ks.replication).filter(([k]) => k !== "class"));
    const topo = topology(state);
    if (ks.tablets) {
      // A3 before A4 and A2 as in prepare_schema_mutations / validate order.
      let diff = 0;
      for (const [dc, rf] of Object.entries(map)) {
        if (!(dc in old) && !(dc in topo)) continue;
        diff += Math.abs(Number(rf) - Number(old[dc] || 0));
        if (diff >= 2) cqlError(2200, "InvalidRequest", "Only one DC's RF can be changed at a time and not by more than 1"); // A2
      }
      for (const dc of Object.keys(old)) {
        if (!(dc in map)) {
          cqlError(2300, "ConfigurationException", `Attempted to implicitly drop replicas in datacenter ${dc}. If this is the desired behavior, set replication factor to 0 in ${dc} explicitly.`); // A4
        }
      }
    }
    validateDcs(state, map); // A6
    const warnings = ks.tablets ? rfRackWarnings(state, name, map, ks.views > 0) : []; // A7
    if (ks.tablets && state.ongoing && state.ongoing[name]) {
      cqlError(2200, "InvalidRequest", `Another RF change for this keyspace ${name} ongoing, please retry.`); // A3
    }
    const to = storedMap(map); // A5
    const changes = JSON.stringify(to) !== JSON.stringify(storedMap(old));
    if (ks.tablets && changes) {
      const others = Object.keys(state.ongoing || {}).filter((k) => k !== name);
      if (others.length > 0) state.violations.push(`RF change of ${name} started while ${others.join(", ")} was changing`);
      state.changes.push({ keyspace: name, tablets: true, from: storedMap(old), to });
      if (fault && fault.kind === "timeout") {
        // A8: the request keeps running; the client gives up.
        state.ongoing = state.ongoing || {};
        state.ongoing[name] = { to, remaining: fault.remaining || 2 };
        save(state);
        fail("OperationTimedOut: errors={'scylla-client:9042': 'Client request timeout. See Session.execute[_async](timeout)'}, last_host=scylla-client:9042", 2);
      }
    } else if (changes) {
      state.changes.push({ keyspace: name, tablets: false, from: storedMap(old), to });
    }
    ks.replication = { class: NTS, ...to };
    state.log.push({ tool: "scylla", event: "altered", keyspace: name, to });
    return warnings.map((w) => `Warnings :\n${w}\n`).join("");
  }
  cqlError(2000 + 200, "SyntaxException", `simulator does not know the statement: ${statement}`);
}

function storedMap(map) {
  return Object.fromEntries(
    Object.entries(map)
      .filter(([k, v]) => k !== "class" && Number(v) > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, String(Number(v))]),
  );
}

function validateDcs(state, map) {
  const topo = topology(state);
  for (const dc of Object.keys(map)) {
    if (!(dc in topo)) cqlError(2300, "ConfigurationException", `Unrecognized strategy option {${dc}} passed to NetworkTopologyStrategy`);
  }
}

function podOf(state, name) {
  for (const [dc, d] of Object.entries(state.datacenters)) {
    const node = d.nodes.find((n) => n.pod === name);
    if (node) return { dc, node };
  }
  return undefined;
}

function nodetool(argv) {
  const state = load();
  tick(state);
  const pod = env("SIM_POD");
  const self = pod && podOf(state, pod);
  if (!self) fail(`nodetool: not inside a ScyllaDB pod (SIM_POD=${pod})`, 3);
  const call = `nodetool ${argv.join(" ")} @${pod}`;
  const fault = takeFault(state, call);
  state.log.push({ tool: "nodetool", pod, args: argv });
  if (fault) {
    save(state);
    fail(fault.message || `error executing ${argv[0]}`, fault.kind === "crash" ? 137 : 1);
  }
  const [cmd, ...rest] = argv;
  if (cmd === "status") {
    save(state);
    const lines = [];
    for (const [dc, d] of Object.entries(state.datacenters)) {
      if (d.nodes.length === 0) continue;
      lines.push(`Datacenter: ${dc}`, "=".repeat(12 + dc.length), "Status=Up/Down", "|/ State=Normal/Leaving/Joining/Moving");
      lines.push("--  Address       Load       Tokens  Owns  Host ID                               Rack");
      d.nodes.forEach((n, i) => lines.push(`${n.status}  10.${Object.keys(state.datacenters).indexOf(dc)}.0.${i + 1}    1.02 GB    256     ?     00000000-0000-0000-0000-${String(i).padStart(12, "0")}  ${n.rack}`));
      lines.push("");
    }
    print(`${lines.join("\n")}\n`);
    return;
  }
  if (cmd === "netstats") {
    save(state);
    print("Mode: NORMAL\nNot sending any streams.\n");
    return;
  }
  if (cmd === "rebuild") {
    const source = rest[rest.length - 1];
    const topo = topology(state);
    if (!source || !(source in topo) || source === self.dc) {
      save(state);
      fail(`nodetool: error executing POST request to http://localhost:10000/storage_service/rebuild with parameters {"source_dc": "${source}"}: remote replied with status code 400 Bad Request: rebuild source DC ${source} is not a datacenter of the cluster`, 1);
    }
    const keyspaces = Object.entries(state.keyspaces)
      .filter(([, ks]) => !ks.tablets && self.dc in ks.replication && source in ks.replication)
      .map(([k]) => k);
    state.rebuilds.push({ pod, datacenter: self.dc, source, keyspaces });
    save(state);
    print("");
    return;
  }
  save(state);
  fail(`simulator: nodetool ${cmd} is not simulated`, 3);
}

function labelsOf(state, cluster, dc, node) {
  return { "scylla/cluster": state.clusterName, "scylla/datacenter": dc, "scylla/rack": node.rack };
}

function podsInCluster(state, cluster) {
  const pods = [];
  const d = state.datacenters[cluster];
  if (d) for (const n of d.nodes) pods.push({ name: n.pod, namespace: state.namespace, labels: labelsOf(state, cluster, cluster, n) });
  if (state.manager && state.manager.datacenter === cluster) pods.push({ name: "scylla-manager-7c9f-abcde", namespace: "scylla-manager", labels: state.manager.labels });
  return pods;
}

function authorize(state, cluster, namespace, resource, verb) {
  const rules = ((state.rbac || {})[cluster] || {})[namespace];
  if (!rules) return; // RBAC not modelled for this cluster/namespace
  const ok = rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
  if (!ok) {
    fail(`Error from server (Forbidden): ${resource} is forbidden: User "system:serviceaccount:${namespace}:scylla-ha-replication" cannot ${verb} resource "${resource}" in API group "" in the namespace "${namespace}"`, 1);
  }
}

function kubectl(argv) {
  const state = load();
  const cluster = env("SIM_CLUSTER");
  if (!cluster) fail("kubectl: SIM_CLUSTER (the cluster this kubeconfig reaches) is not set", 3);
  const flag = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const namespace = flag("-n") || "default";
  if (argv[0] === "get" && argv[1] === "pods") {
    authorize(state, cluster, namespace, "pods", "list");
    const selector = Object.fromEntries((flag("-l") || "").split(",").filter(Boolean).map((kv) => kv.split("=")));
    const pods = podsInCluster(state, cluster).filter(
      (p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v),
    );
    print(pods.map((p) => `pod/${p.name}\n`).join(""));
    return;
  }
  if (argv[0] === "exec") {
    const dash = argv.indexOf("--");
    const target = argv.slice(1, dash).find((a, i, all) => !a.startsWith("-") && !["-n", "-c"].includes(all[i - 1]));
    const name = (target || "").replace(/^pod\//, "");
    authorize(state, cluster, namespace, "pods/exec", "get");
    authorize(state, cluster, namespace, "pods/exec", "create");
    if (!podsInCluster(state, cluster).some((p) => p.name === name && p.namespace === namespace)) {
      fail(`Error from server (NotFound): pods "${name}" not found`, 1);
    }
    const [cmd, ...args] = argv.slice(dash + 1);
    if (IN_POD_TOOLS.includes(cmd)) {
      // A simulated tool answers right here, as the pod would.
      const res = invoke(cmd, args, { ...current.env, SIM_POD: name });
      print(res.stdout);
      current.stderr.push(res.stderr);
      exit(res.code);
    }
    // Anything else (bash -c, a missing binary) is handed back to the caller to run as the
    // pod: run here, its own tool calls would wait on the server that is running it.
    current.handoff = { pod: name, argv: [cmd, ...args] };
    exit(0);
  }
  fail(`simulator: kubectl ${argv.join(" ")} is not simulated`, 3);
}

function sctool(argv) {
  const state = load();
  const pod = env("SIM_POD") || "";
  if (!pod.startsWith("scylla-manager")) fail("sctool: not inside the Scylla Manager pod", 3);
  const flag = (a, b) => {
    const i = argv.findIndex((x) => x === a || x === b);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cluster = flag("-c", "--cluster");
  if (cluster !== state.managerCluster) fail(`Error: get cluster: not found: ${cluster}`, 1);
  if (argv[0] === "repair") {
    const id = `repair/${String(state.repairs.length + 1).padStart(8, "0")}-0000-0000-0000-000000000000`;
    state.repairs.push({ id, keyspaces: (flag("-K", "--keyspace") || "").split(",").filter(Boolean), status: "DONE" });
    state.log.push({ tool: "sctool", args: argv });
    save(state);
    print(`${id}\n`);
    return;
  }
  if (argv[0] === "progress") {
    const task = state.repairs.find((r) => r.id === argv[argv.length - 1]);
    if (!task) fail("Error: not found", 1);
    print(`Run:\t\t00000000-0000\nStatus:\t\t${task.status}\nProgress:\t100%\n`);
    return;
  }
  fail(`simulator: sctool ${argv[0]} is not simulated`, 3);
}

const TOOLS = { cqlsh, nodetool, kubectl, sctool };
/** The simulated tools a container has on its PATH. */
const IN_POD_TOOLS = ["cqlsh", "nodetool", "sctool"];

/**
 * Runs one simulated tool with `environment` and returns what a process would
 * have: exit code, stdout, stderr — or, for a `kubectl exec` of a command that
 * is not simulated, `handoff`: the pod and the command the caller runs itself. An error that is not a simulated exit is a
 * simulator bug and exits 1 with its stack, as an uncaught one would.
 */
function invoke(tool, argv, environment) {
  const outer = current;
  current = { env: environment, stdout: [], stderr: [] };
  let code = 0;
  try {
    if (!TOOLS[tool]) fail(`simulator: no tool ${tool}`, 3);
    TOOLS[tool](argv);
  } catch (err) {
    if (err instanceof SimExit) code = err.code;
    else {
      current.stderr.push(`${err && err.stack ? err.stack : err}\n`);
      code = 1;
    }
  }
  const result = { code, stdout: current.stdout.join(""), stderr: current.stderr.join(""), ...(current.handoff ? { handoff: current.handoff } : {}) };
  current = outer;
  return result;
}

module.exports = { invoke, TOOLS: Object.keys(TOOLS), binDir: path.join(__dirname, "bin") };
