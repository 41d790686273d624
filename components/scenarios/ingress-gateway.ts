/**
 * The ingress gateway the mesh layer installs: the Helm `istio/gateway` chart released as
 * `istio-ingressgateway` in istio-system. The chart derives the pod labels from the release name
 * and its Service maps 80->80 and 443->443 (not istioctl's 80->8080), so a Gateway server must use
 * one of these ports or it gets a listener no Service port reaches.
 */
export const ingressGateway = {
  podLabels: { app: "istio-ingressgateway", istio: "ingressgateway" } as Readonly<Record<string, string>>,
  servicePorts: [80, 443] as readonly number[],
};
