/**
 * The simulator server (test/helpers/sim/server.js) answers a tool call
 * exactly as the tool run as its own process does: the same exit codes, the
 * same stdout and stderr byte for byte (quotes, newlines, parentheses of real
 * error messages), the same state afterwards, and a `kubectl exec` of a command
 * that is not simulated still runs in the caller, as the pod.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli";
import { type DatacenterSpec, SimWorld, ks } from "./helpers/sim";

const dc = (name: string): DatacenterSpec => ({ name, racks: [`${name}a`, `${name}b`], nodesPerRack: 1 });

/** Calls of every tool, through both kinds of answer, including failures and a hand-back. */
const SCRIPT = `set -u
printf '[authentication]\\nusername = nobody\\npassword = it'"'"'s\\n' > rc
cqlsh --cqlshrc rc -e "SELECT 1;"; echo "cqlsh: $?"
cqlsh -u cassandra -e "SELECT 1;"; echo "cqlsh -u: $?"
kubectl get pods -n scylla -l scylla/datacenter=us-east-1; echo "get: $?"
kubectl exec -n scylla pod/scylla-us-east-1-us-east-1a-0 -c scylla -- nodetool status; echo "nodetool: $?"
kubectl exec -n scylla pod/scylla-us-east-1-us-east-1a-0 -c scylla -- bash -c 'echo "in $SIM_POD: $(nodetool netstats | head -1)"; exit 3'; echo "bash -c: $?"
kubectl exec -n scylla pod/nowhere -- nodetool status; echo "missing pod: $?"
kubectl exec -n scylla pod/scylla-us-east-1-us-east-1a-0 -- sctool progress -c scylla/scylla x; echo "sctool outside Manager: $?"
`;

const worlds: SimWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.dispose();
});

function runBothWays(): { server: ReturnType<SimWorld["run"]>; process: ReturnType<SimWorld["run"]>; states: [unknown, unknown] } {
  const make = () => {
    const w = new SimWorld({ datacenters: [dc("us-east-1")], keyspaces: { app: ks(false, { "us-east-1": 2 }) } });
    worlds.push(w);
    return w;
  };
  const [a, b] = [make(), make()];
  const server = a.run(SCRIPT, "us-east-1");
  // An empty SIM_PORT makes each tool run the simulator as its own process (client.bash).
  const process = b.run(SCRIPT, "us-east-1", { SIM_PORT: "" });
  const state = (w: SimWorld) => JSON.parse(fs.readFileSync(w.statePath, "utf8")) as unknown;
  // A script runs in its world's directory: the cqlshrc it wrote is there, not in the checkout.
  expect([fs.existsSync(path.join(a.dir, "rc")), fs.existsSync(path.join(ROOT, "rc"))]).toEqual([true, false]);
  return { server, process, states: [state(a), state(b)] };
}

describe("simulator server", () => {
  it("answers every call as the tool run as its own process does, and leaves the same state", () => {
    const { server, process, states } = runBothWays();
    expect(server).toEqual(process);
    expect(states[0]).toEqual(states[1]);
    // The exit code of each call, in order.
    expect(server.stdout.split("\n").filter((l) => /^[\w -]+: \d+$/.test(l))).toEqual([
      "cqlsh: 1",
      "cqlsh -u: 3",
      "get: 0",
      "nodetool: 0",
      "bash -c: 3",
      "missing pod: 1",
      "sctool outside Manager: 3",
    ]);
    expect(server.stderr).toContain(`message="Username and/or password are incorrect"')})`);
    expect(server.stdout).toContain("pod/scylla-us-east-1-us-east-1b-0\n");
    expect(server.stdout).toContain("Datacenter: us-east-1\n");
    // The handed-back command ran as the pod, and its own tool call reached the simulator.
    expect(server.stdout).toContain("in scylla-us-east-1-us-east-1a-0: Mode: NORMAL\n");
  });
});
