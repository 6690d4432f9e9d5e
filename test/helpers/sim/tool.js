"use strict";
// A simulated tool as its own process (no SIM_PORT): node tool.js <tool> [args…].
const { spawnSync } = require("node:child_process");
const { invoke } = require("./sim.js");

const [tool, ...argv] = process.argv.slice(2);
const { code, stdout, stderr, handoff } = invoke(tool, argv, process.env);
process.stdout.write(stdout);
process.stderr.write(stderr);
if (handoff) {
  const [cmd, ...args] = handoff.argv;
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, SIM_POD: handoff.pod } });
  process.exitCode = res.status === null ? 1 : res.status;
} else {
  process.exitCode = code;
}
