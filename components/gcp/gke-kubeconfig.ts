/**
 * Kubeconfig for a GKE cluster on its DNS-based endpoint. It holds no credential: `gke-gcloud-auth-plugin`
 * mints a short-lived token from the caller's Google identity on every use, so
 * the kubeconfig can live in state and never needs rotating.
 */
import { stringify } from "yaml";

export interface GkeKubeconfigArgs {
  /** Cluster, context and user name. */
  readonly clusterName: string;
  /**
   * The DNS-based control-plane endpoint (`controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint`,
   * `<id>.<region>.gke.goog`, no scheme). It serves a publicly trusted certificate, so the kubeconfig
   * carries no cluster CA: gcloud's own `get-credentials --dns-endpoint` leaves
   * `certificate-authority-data` out for it (googlecloudsdk/api_lib/container/kubeconfig.py,
   * `Cluster(..., has_dns_endpoint)`), and the cluster CA would not verify that certificate.
   */
  readonly dnsEndpoint: string;
}

export const GKE_AUTH_PLUGIN = "gke-gcloud-auth-plugin";

export function gkeKubeconfig(args: GkeKubeconfigArgs): string {
  const name = args.clusterName;
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: `https://${args.dnsEndpoint}` } }],
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
