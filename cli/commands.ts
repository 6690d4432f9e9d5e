/**
 * The registry of `scylla-ha` subcommands. Adding a command is one entry here
 * plus its module exporting `runX(argv): Promise<CommandResult>`. Each `run`
 * requires its module lazily: only the command that runs is loaded.
 */
import type { Command } from "./command";

export const CHECK_FORMATS = ["text", "markdown", "json", "sarif"] as const;

export const COMMANDS: readonly Command[] = [
  {
    name: "check",
    summary: "run every policy and the failure-domain analysis over an environment or a stack export",
    help: `usage: scylla-ha check (--stack <env> | --export <file>) [options]
       npm run check -- (--stack <env> | --export <file>) [options]

Runs every policy (resource rules, stack rules, failure-domain analysis) over the offline
synth of a committed environment (stacks/Pulumi.<env>.yaml), or over any Pulumi stack export
(e.g. from \`pulumi stack export\`), which needs no Pulumi SDK at all.

  --stack <env>             a committed environment
  --export <file>           a Pulumi stack export (version 3 JSON)
  --format <fmt>            what stdout gets: ${CHECK_FORMATS.join(", ")} (default text)
  --report <fmt>=<file>     also write that format to a file, from the same run; repeatable
                            (e.g. --report json=out/prod.json --report sarif=out/prod.sarif)
  --policy-config <file>    overrides on top of the tier's levels (policies/levels/<tier>.json,
                            the tier from the stack's \`tier\` output, production if it has none);
                            default policies/<env>.json if it exists and the stack is this project's
  --crds <dir>              also validate every Kubernetes object against the CRDs in <dir> and
                            the Kubernetes schemas; prints what it validated on stderr
  --config <file>           with --stack: a stack config file instead of stacks/Pulumi.<env>.yaml
  --previous <file>         with --stack: the stack export the update starts from (rollout
                            guards run against it, as in synth)
  --help, --version

exit: 0 no mandatory violation · 1 at least one · 2 unusable input (nothing to judge included)
      or bad arguments
`,
    run: async (argv) => (await import("./check.js")).runCheck(argv),
  },
  {
    name: "synth",
    summary: "run the program offline and write its stack export and Kubernetes manifests",
    help: `usage: scylla-ha synth --stack <env> [--config <file>] [--previous <export.json>] --out <dir>
       npm run synth -- --stack <env> [--config <file>] [--previous <export.json>] --out <dir>

Runs the real program in preview mode under the offline engine (no Pulumi CLI, no
credentials) and writes:
  <dir>/<env>.export.json               the stack in \`pulumi stack export\` format
  <dir>/<env>/manifests/<region>.yaml   each region's Kubernetes objects (one file per cloud
                                        region, e.g. us-east-1.yaml)

  --stack <env>            the stack name; a committed environment unless --config is given
  --config <file>          a stack config file to use instead of stacks/Pulumi.<env>.yaml
  --previous <file>        the stack export the update starts from (rollout guards run against it)
  --out <dir>              output directory (created if missing; must not be a file)
  --help, --version

exit: 0 written · 2 bad config or arguments (nothing written)
`,
    run: async (argv) => (await import("./synth.js")).runSynth(argv),
  },
  {
    name: "rehearse",
    summary: "print, in order, what an update would run against ScyllaDB, run against the simulator",
    help: `usage: scylla-ha rehearse --stack <env> [--config <file>] [--previous <export.json>]
       npm run rehearse -- --stack <env> [--config <file>] [--previous <export.json>]

Synthesizes the update offline (the same guards as synth), then prints which datacenter starts
when and through which seeds, what the replication Job waits for, and runs the Job's rendered
script (and the Manager repair after a rebuild) with bash against the ScyllaDB simulator in
test/helpers/sim, in a cluster built from the state --previous records: each CQL statement,
which nodes rebuild from where, what ScyllaDB refused. Nothing touches a cluster.

  --stack <env>            the stack name; a committed environment unless --config is given
  --config <file>          a stack config file to use instead of stacks/Pulumi.<env>.yaml
  --previous <file>        the stack export the update starts from (default: its first update)
  --help, --version

exit: 0 the procedure ran to the end · 1 it stopped (ScyllaDB refused a step) · 2 bad config or arguments
`,
    run: async (argv) => (await import("./rehearse.js")).runRehearse(argv),
  },
  {
    name: "bench",
    summary: "time check and synth as users run them, against the SDK load time of the same run",
    help: `usage: scylla-ha bench [--quick] [--runs <n>]
       npm run bench [-- --quick] [-- --runs <n>]

Times the tools as users run them (\`npm run …\`, each a fresh process) side by side with the
baseline measured in the same run: plain node loading @pulumi/pulumi, aws, gcp and kubernetes.
Runs are interleaved with the baseline and the median is kept, so machine load shifts both.
Cases: check --export and check --stack on prod, synth of every environment, and synth and
check --export of generated environments at 1×, 4× and 16× prod's size. Prints a table, the
ratios to the baseline, and the goals of docs/benchmarks.md. Takes minutes.

  --quick      prod only, 3 runs per case
  --runs <n>   runs per case (default 5; 3 with --quick)
  --help, --version

exit: 0 measured (goals are reported, not enforced) · 2 bad arguments
`,
    run: async (argv) => (await import("./bench.js")).runBench(argv),
  },
];
