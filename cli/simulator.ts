/**
 * Typed handle on the ScyllaDB simulator (test/helpers/sim/sim.js and its fake
 * `cqlsh`, `nodetool`, `kubectl`, `sctool` in bin/): builds a world (DCs,
 * nodes, keyspaces, CQL roles, RBAC) and runs a rendered script in it with
 * bash, the fake tools first on PATH. One handle for the tests
 * (test/helpers/sim re-exports it) and `scylla-ha rehearse`, so both start the
 * same world the same way.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/paths";

/** Where the simulator lives: beside the tests that exercise it. */
export const SIM_DIR = path.join(PROJECT_ROOT, "test", "helpers", "sim");
const SIM_BIN = path.join(SIM_DIR, "bin");

let server: { readonly port: string; readonly child: ChildProcess } | undefined;

/**
 * The port of this process's simulator server (test/helpers/sim/server.js),
 * started on first use: the fake tools then cost a socket round trip instead
 * of a Node start each. Waits synchronously, because scripts run with
 * spawnSync; it stops with this process.
 */
function serverPort(): string {
  if (server && server.child.exitCode === null) return server.port;
  const portFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sim-server-")), "port");
  const child = spawn(process.execPath, [path.join(SIM_DIR, "server.js"), portFile], { stdio: ["ignore", "ignore", "inherit"] });
  child.unref();
  process.once("exit", () => child.kill());
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; !fs.existsSync(portFile); waited += 5) {
    if (waited > 10_000 || child.exitCode !== null) throw new Error(`the simulator server did not start (${portFile})`);
    Atomics.wait(wait, 0, 0, 5);
  }
  server = { port: fs.readFileSync(portFile, "utf8"), child };
  fs.rmSync(path.dirname(portFile), { recursive: true, force: true });
  return server.port;
}

export interface SimNode {
  readonly pod: string;
  readonly rack: string;
  status: "UN" | "DN" | "UJ";
}
export interface SimKeyspace {
  tablets: boolean;
  replication: Record<string, string>;
  views: number;
}
export interface SimGrant {
  readonly permission: "CREATE" | "ALTER" | "SELECT";
  readonly resource: string;
}
export interface SimState {
  clusterName: string;
  namespace: string;
  config: { rf_rack_valid_keyspaces: boolean };
  datacenters: Record<string, { nodes: SimNode[] }>;
  keyspaces: Record<string, SimKeyspace>;
  roles: Record<string, { name: string; password: string; superuser?: boolean; grants?: SimGrant[] }>;
  rbac?: Record<string, Record<string, { resources: string[]; verbs: string[] }[]>>;
  manager?: { datacenter: string; labels: Record<string, string> };
  managerCluster: string;
  faults: { on: string; kind: "reject" | "timeout" | "crash" | "fail"; message?: string; times: number; remaining?: number }[];
  ongoing: Record<string, { to: Record<string, string>; remaining: number }>;
  log: Record<string, unknown>[];
  changes: { keyspace: string; tablets: boolean; from: Record<string, string>; to: Record<string, string> }[];
  rebuilds: { pod: string; datacenter: string; source: string; keyspaces: string[] }[];
  repairs: { id: string; keyspaces: string[]; status: string }[];
  violations: string[];
}

export const REPLICATION_ROLE = { name: "scylla_ha_replication", password: "s3cret-from-the-secret" };

export interface DatacenterSpec {
  readonly name: string;
  readonly racks: readonly string[];
  readonly nodesPerRack: number;
  /** @default "UN" */
  readonly status?: SimNode["status"];
}

const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";

/** The keyspaces a new cluster starts with (vnode system keyspaces on SimpleStrategy). */
export function freshKeyspaces(): Record<string, SimKeyspace> {
  const simple = (rf: number) => ({ tablets: false, views: 0, replication: { class: "org.apache.cassandra.locator.SimpleStrategy", replication_factor: String(rf) } });
  return { system_distributed: simple(3), system_traces: simple(2) };
}

/** A keyspace map as the simulator stores it. */
export function ks(tablets: boolean, map: Record<string, number>, views = 0): SimKeyspace {
  return { tablets, views, replication: { class: NTS, ...Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)])) } };
}

export class SimWorld {
  readonly dir: string;
  readonly statePath: string;

  constructor(init: {
    datacenters: readonly DatacenterSpec[];
    keyspaces: Record<string, SimKeyspace>;
    clusterName?: string;
    namespace?: string;
    managerDatacenter?: string;
    rbac?: SimState["rbac"];
    rfRackValid?: boolean;
  }) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "scylla-sim-"));
    this.statePath = path.join(this.dir, "state.json");
    const clusterName = init.clusterName ?? "scylla";
    const state: SimState = {
      clusterName,
      namespace: init.namespace ?? "scylla",
      config: { rf_rack_valid_keyspaces: init.rfRackValid ?? false },
      datacenters: Object.fromEntries(
        init.datacenters.map((dc) => [
          dc.name,
          {
            nodes: dc.racks.flatMap((rack) =>
              Array.from({ length: dc.nodesPerRack }, (_, i) => ({ pod: `${clusterName}-${dc.name}-${rack}-${i}`, rack, status: dc.status ?? "UN" })),
            ),
          },
        ]),
      ),
      keyspaces: init.keyspaces,
      roles: {
        cassandra: { name: "cassandra", password: "cassandra", superuser: true },
        [REPLICATION_ROLE.name]: {
          ...REPLICATION_ROLE,
          grants: [
            { permission: "CREATE", resource: "ALL KEYSPACES" },
            { permission: "ALTER", resource: "ALL KEYSPACES" },
            { permission: "SELECT", resource: "system_schema" },
          ],
        },
      },
      ...(init.rbac ? { rbac: init.rbac } : {}),
      ...(init.managerDatacenter
        ? { manager: { datacenter: init.managerDatacenter, labels: { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } } }
        : {}),
      managerCluster: `${init.namespace ?? "scylla"}/${clusterName}`,
      faults: [],
      ongoing: {},
      log: [],
      changes: [],
      rebuilds: [],
      repairs: [],
      violations: [],
    };
    this.write(state);
  }

  read(): SimState {
    return JSON.parse(fs.readFileSync(this.statePath, "utf8")) as SimState;
  }

  write(state: SimState): void {
    fs.writeFileSync(this.statePath, JSON.stringify(state, null, 1));
  }

  update(edit: (s: SimState) => void): void {
    const s = this.read();
    edit(s);
    this.write(s);
  }

  /** Runs `script` with bash inside the Kubernetes cluster of datacenter `cluster`. */
  run(script: string, cluster: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
    const file = path.join(this.dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script, { mode: 0o755 });
    const res = spawnSync("bash", [file], {
      encoding: "utf8",
      // The world's own directory: whatever a script writes stays in it.
      cwd: this.dir,
      env: {
        PATH: `${SIM_BIN}:${process.env.PATH}`,
        HOME: this.dir,
        SIM_STATE: this.statePath,
        SIM_CLUSTER: cluster,
        SIM_PORT: serverPort(),
        CQL_USERNAME: REPLICATION_ROLE.name,
        CQL_PASSWORD: REPLICATION_ROLE.password,
        POLL_SECONDS: "0",
        POLL_LIMIT: "40",
        PROGRESS_SECONDS: "0.01",
        ...env,
      },
    });
    return { code: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
  }

  /** The stored replication of every keyspace, as plain numbers. */
  replication(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      Object.entries(this.read().keyspaces).map(([name, k]) => [
        name,
        Object.fromEntries(Object.entries(k.replication).filter(([d]) => d !== "class").map(([d, rf]) => [d, Number(rf)])),
      ]),
    );
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
