/**
 * The policy pack the Pulumi engine loads (`pulumi preview --policy-pack
 * policies`). Constructing a PolicyPack starts the engine's gRPC server, so
 * this file only builds it; everything else imports the rules directly.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./rules/all";

new PolicyPack("scylla-ha", {
  description: "Single points of failure and data-protection checks for highly available, multi-region ScyllaDB on EKS and GKE.",
  enforcementLevel: "mandatory",
  policies: [...ALL_POLICIES],
});
