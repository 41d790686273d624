export { ConfigError, type ConfigIssue } from "./errors";
export * from "./parse";
export { readStackConfig } from "./read";
export { requiredSecrets } from "./cluster-source";
