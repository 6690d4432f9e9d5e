/**
 * `configurationValues` of the EKS managed add-ons, as plain data. The add-ons
 * take their Helm charts' values (aws eks describe-addon-configuration prints
 * the schema), so keys and value types follow the charts at the pinned
 * versions (components/aws/versions.ts).
 */

/**
 * vpc-cni: keep pod source addresses across the peering mesh, and enforce NetworkPolicy.
 *
 * - The CNI source-NATs pod traffic to any destination outside the VPC's own
 *   range to the node's primary IP (AWS_VPC_K8S_CNI_EXTERNALSNAT=false, the
 *   default; amazon-vpc-cni-k8s#44). ScyllaDB broadcasts pod IPs, so gossip and
 *   CQL from a peer DC would come from an address no node knows.
 *   AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS takes a comma-separated list of IPv4
 *   CIDRs left un-NATed (amazon-vpc-cni-k8s v1.21.1 README.md:259, "v1.6.0+");
 *   it is an entry of the chart's `env` map of strings
 *   (charts/aws-vpc-cni/values.yaml:73 at v1.21.1).
 * - `enableNetworkPolicy` is a top-level string value, "false" by default
 *   (charts/aws-vpc-cni/values.yaml:125 at v1.21.1), passed to the node agent as
 *   `--enable-network-policy` (templates/daemonset.yaml:147); without it
 *   NetworkPolicy objects are accepted and ignored.
 */
export function vpcCniConfiguration(peerCidrs: readonly string[]): Record<string, unknown> {
  return {
    enableNetworkPolicy: "true",
    ...(peerCidrs.length > 0 ? { env: { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: [...peerCidrs].join(",") } } : {}),
  };
}

/**
 * aws-ebs-csi-driver: the controller's region, so it never asks IMDS (pods sit
 * one hop behind the node and the hop limit is 1). `controller.region` becomes
 * the controller's AWS_REGION (charts/aws-ebs-csi-driver/values.yaml:283 and
 * templates/controller.yaml:151 at v1.55.0); "the controller Deployment can
 * skip metadata if the region is provided" (docs/install.md, "Metadata"). The
 * node DaemonSet falls back to Kubernetes metadata (the Node's providerID and
 * topology labels, which EKS sets) when IMDS does not answer (same page).
 */
export function ebsCsiConfiguration(region: string): Record<string, unknown> {
  return { controller: { region } };
}
