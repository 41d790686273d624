// The seed tutorial's own services, as a stack declares them in istio-lab:apps.custom: an Angular
// front end, a Spring back end in three versions that say which they are in an `x-version` header,
// and MongoDB. docs/own-app.md walks its release; the tests and the diagrams use it as
// the custom scenario's example. The images are the team's own: these names stand for them.
import type { CustomService } from "./custom";

export const seedServices: CustomService[] = [
  {
    name: "front",
    port: 80,
    protocol: "http",
    versions: [{ name: "v1", image: "registry.example.com/seed/front:1.0.0", readinessPath: "/" }],
    expose: { paths: ["/"] },
  },
  {
    name: "back",
    port: 8080,
    protocol: "http",
    versions: ["v1", "v2", "v3"].map((v, i) => ({
      name: v,
      image: `registry.example.com/seed/back:1.${i}.0`,
      env: { SPRING_DATA_MONGODB_URI: "mongodb://mongodb:27017/seed" },
      resources: { cpu: "100m", memory: "256Mi" },
      readinessPath: "/actuator/health",
    })),
    expose: { paths: ["/api"] },
    marker: { header: "x-version" },
  },
  { name: "mongodb", port: 27017, protocol: "tcp", versions: [{ name: "v1", image: "docker.io/library/mongo:8.0" }] },
];
