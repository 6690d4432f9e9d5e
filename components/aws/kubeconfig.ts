/**
 * Kubeconfig for an EKS cluster that authenticates through the AWS CLI
 * (`aws eks get-token`), so no long-lived token is ever written to state:
 * every Kubernetes call gets a fresh 15-minute token from whoever runs Pulumi.
 */

export interface EksKubeconfigArgs {
  /** Physical EKS cluster name. */
  readonly clusterName: string;
  /** Region of the cluster (the token is signed for it). */
  readonly region: string;
  /** API server URL. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS reports it. */
  readonly certificateAuthorityData: string;
}

export function eksKubeconfig(args: EksKubeconfigArgs): string {
  const context = args.clusterName;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", args.clusterName, "--region", args.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
