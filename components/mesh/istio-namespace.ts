/** Where istiod, the ingress gateway and the addons run (Istio's charts' default). */
export const istioNamespace = "istio-system";
