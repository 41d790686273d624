import { z } from "zod";
import { customOptions } from "./custom";
import type { ScenarioName } from "./names";

const percent = z.int().min(0).max(100);

/** Weights of the reviews subsets; integers, summing to 100 (Istio itself no longer checks that). */
const canary = z.strictObject({
  weights: z
    .strictObject({ v1: percent.optional(), v2: percent.optional(), v3: percent.optional() })
    .refine((w) => Object.keys(w).length > 0, { error: "names at least one reviews subset: v1, v2 or v3" })
    .refine((w) => Object.values(w).reduce((sum, n) => sum + (n ?? 0), 0) === 100, {
      error: (issue) =>
        `must sum to 100 (they sum to ${Object.values(issue.input as Record<string, number>).reduce((s, n) => s + n, 0)})`,
    }),
});

const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, { error: "must be a duration such as 0s, 10s or 1h" });

/** What consistent-hash load balancing keys on; the name is the header, cookie or query parameter. */
const stickySessions = z
  .strictObject({
    hashBy: z.enum(["header", "cookie", "sourceIp", "query"]),
    name: z.string().min(1).optional(),
    ttl: duration.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.hashBy !== "sourceIp" && !o.name) {
      ctx.addIssue({ code: "custom", path: ["name"], message: `is required when hashBy is ${o.hashBy}` });
    }
    if (o.hashBy === "sourceIp" && o.name) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "does not apply when hashBy is sourceIp" });
    }
    if (o.ttl && o.hashBy !== "cookie") {
      ctx.addIssue({ code: "custom", path: ["ttl"], message: "only applies when hashBy is cookie" });
    }
  });

/**
 * Scenarios that take `istio-lab:scenarioOptions`, with what they take, what they assume without
 * it, and, where they need options, an example (the README's, the bench's and the diagrams').
 */
export const scenarioOptionSchemas: Partial<Record<ScenarioName, { schema: z.ZodType; default?: unknown; example?: unknown }>> = {
  canary: { schema: canary, example: { weights: { v1: 80, v2: 20 } } },
  "sticky-sessions": { schema: stickySessions, default: { hashBy: "header", name: "end-user" } },
  // The seed's first release step: 90 % to back v1, 10 % to its canary v2.
  custom: { schema: customOptions, example: { routes: [{ service: "back", weights: { v1: 90, v2: 10 } }] } },
};

export type CanaryOptions = z.infer<typeof canary>;
export type StickySessionOptions = z.infer<typeof stickySessions>;
