/** Hygiene: nothing lands in a region or project chosen by the caller's shell. */
import { type Finding, stackRule } from "../rule";

export const noDefaultProvider = stackRule({
  name: "no-default-provider",
  description: "No custom resource uses a default provider: every resource names the provider (region, project, cluster) it belongs to.",
  severity: "high",
  remediation: "Pass an explicit provider (or a parent that carries one) to every resource; default providers take region and credentials from the caller's environment.",
  *check(graph): Iterable<Finding> {
    for (const r of graph.resources.filter((x) => graph.usesDefaultProvider(x))) {
      yield { urn: r.urn, message: `${r.type} ${r.name} uses the default ${r.type.split(":")[0]} provider, whose region and credentials come from whoever runs Pulumi; pass an explicit provider` };
    }
  },
});

export const HYGIENE_RULES = [noDefaultProvider];
