// Mutual TLS (tasks/security/authentication/authn-policy), for the app namespace.
import type { ScenarioSpec } from "./scenario-spec";
import { bookinfoApp, bookinfoDestinationRules, bookinfoGateway, pageLoads } from "./bookinfo";
import { compose } from "./compose";
import { peerAuthentication } from "./builders";

export const mtlsStrict: ScenarioSpec = {
  description: "Bookinfo with STRICT mTLS in its namespace and ISTIO_MUTUAL DestinationRules (destination-rule-all-mtls.yaml)",
  ...compose(
    bookinfoApp,
    bookinfoGateway,
    bookinfoDestinationRules({ tls: { mode: "ISTIO_MUTUAL" } }),
    // `default` without a selector covers the whole namespace it lives in.
    { resources: [peerAuthentication("default", { mtls: { mode: "STRICT" } })] },
  ),
  probes: [pageLoads(), { kind: "mtls", service: "productpage", port: 9080, path: "/productpage", outsideMesh: "refused" }],
};
