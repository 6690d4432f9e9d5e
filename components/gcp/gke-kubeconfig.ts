/**
 * Kubeconfig for a GKE cluster. It holds no credential: `gke-gcloud-auth-plugin`
 * mints a short-lived token from the caller's Google identity on every use, so
 * the kubeconfig can live in state and never needs rotating.
 */
import { stringify } from "yaml";

export interface GkeKubeconfigArgs {
  /** Cluster, context and user name. */
  readonly clusterName: string;
  /** Control-plane address as GKE reports it (an IP, no scheme). */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA (`masterAuth.clusterCaCertificate`). */
  readonly caCertificate: string;
}

export const GKE_AUTH_PLUGIN = "gke-gcloud-auth-plugin";

export function gkeKubeconfig(args: GkeKubeconfigArgs): string {
  const name = args.clusterName;
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: `https://${args.endpoint}`, "certificate-authority-data": args.caCertificate } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      "current-context": name,
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: GKE_AUTH_PLUGIN,
              installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
              provideClusterInfo: true,
            },
          },
        },
      ],
    },
    { lineWidth: 0 },
  );
}
