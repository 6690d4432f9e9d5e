import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    // One synth per committed environment per run, shared by every file (test/helpers/synth-cache.ts).
    globalSetup: ["./test/global-setup.ts"],
    // Forks, not threads: Pulumi's runtime state is process-global. Files share a worker's module
    // cache (isolate: false) so the SDKs load once per worker, not once per file; that is safe
    // because every synth and every mockEngine() installs a fresh mock monitor and settings before
    // it registers anything, each synth sets the whole config it runs with, and no test relies on
    // what an earlier file left.
    pool: "forks",
    isolate: false,
    // vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
