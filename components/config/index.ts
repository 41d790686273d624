export { ConfigError, type ConfigIssue } from "./errors";
export * from "./parse";
export { readLabConfig } from "./read";
export { requiredSecrets } from "./cluster-source";
