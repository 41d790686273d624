// The locality-load-balancing task's helloworld: one Deployment per locality, as
// samples/helloworld/gen-helloworld.sh writes them (`--version region1.zone1`: the version label,
// and SERVICE_VERSION, which the app answers with: "Hello version: region1.zone1, instance: ...").
// The task spreads them over four clusters; in one cluster each pod states its locality with the
// `istio-locality` label (`region.zone`), which istiod reads before its node's topology labels
// (pilot's kube controller, model.GetLocalityLabel), so no node is relabelled.
import { helloworldImage } from "../versions";
import type { AppSpec } from "./app-spec";

/** The task's four localities, `region.zone` as the label writes them (`region/zone` in a DestinationRule). */
export const taskLocalities = ["region1.zone1", "region1.zone2", "region2.zone3", "region3.zone4"] as const;

/** The label that gives a pod its locality. */
export const localityLabel = "istio-locality";

export const helloworld: AppSpec = {
  app: "helloworld",
  service: { port: 5000, portName: "http", labels: { app: "helloworld", service: "helloworld" } },
  versions: taskLocalities.map((locality) => ({
    deployment: `helloworld-${locality}`,
    version: locality,
    calls: [],
    podLabels: { [localityLabel]: locality },
    container: {
      name: "helloworld",
      image: helloworldImage,
      imagePullPolicy: "IfNotPresent",
      env: { SERVICE_VERSION: locality },
      resources: { cpu: "100m" },
      ports: [{ containerPort: 5000 }],
    },
  })),
};
