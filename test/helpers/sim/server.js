"use strict";
/**
 * The simulator as one long-lived process, so a simulated tool call costs a
 * socket round trip instead of a Node start (≈ 60 ms on 2 cores, hundreds of
 * calls per rollout test). bin/ tools send their call here when SIM_PORT is
 * set (client.bash) and run sim.js themselves otherwise; either way the same
 * `invoke()` answers, against the state file the call names.
 *
 * Request: NUL-terminated fields — how many follow, how many environment
 * variables follow (NAME=value each), then the tool and its arguments. Reply:
 * a bash snippet that prints the call's stdout and stderr and exits with its
 * code (or execs the command a `kubectl exec` hands back), then NUL.
 *
 * Usage: node server.js <port-file>; it writes its port there once listening
 * and exits when its parent does.
 */
const fs = require("node:fs");
const net = require("node:net");
const { invoke } = require("./sim.js");

const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

function answer(fields) {
  const variables = Number(fields[0]);
  const environment = Object.fromEntries(fields.slice(1, 1 + variables).map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
  const [tool, ...argv] = fields.slice(1 + variables);
  const { code, stdout, stderr, handoff } = invoke(tool, argv, environment);
  const printed = `${stdout ? `printf %s ${quote(stdout)}\n` : ""}${stderr ? `printf %s ${quote(stderr)} >&2\n` : ""}`;
  const then = handoff ? `SIM_POD=${quote(handoff.pod)} exec ${handoff.argv.map(quote).join(" ")}` : `exit ${code}`;
  return `${printed}${then}\n\0`;
}

const server = net.createServer((socket) => {
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    const fields = buffered.toString("utf8").split("\0");
    const count = Number(fields[0]);
    // Complete once the count and that many terminated fields have arrived.
    if (fields.length < count + 2) return;
    socket.end(answer(fields.slice(1, count + 1)));
  });
  socket.on("error", () => socket.destroy());
});

server.listen(0, "127.0.0.1", () => {
  const file = process.argv[2];
  fs.writeFileSync(`${file}.tmp`, String(server.address().port));
  fs.renameSync(`${file}.tmp`, file);
});

const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
