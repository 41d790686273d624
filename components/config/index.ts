export { ConfigError, type ConfigIssue } from "./errors";
export * from "./parse";
export { readStackConfig, type ProgramHost } from "./read";
export { isLocalCluster, requiredSecrets } from "./cluster-source";
