// The JWT samples the jwt-auth scenario and verify carry are Istio's own, byte for byte.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { demoToken, sampleIssuer, sampleJwks } from "../../catalog/scenarios/jwt-samples";

const upstream = (file: string) => fs.readFileSync(path.resolve(__dirname, "../../../shared/upstream/istio-1.31/jwt", file), "utf8").trim();

describe("JWT samples equal security/tools/jwt/samples", () => {
  it("jwks.json and demo.jwt, and the token's issuer and subject", () => {
    expect(sampleJwks).toBe(upstream("jwks.json"));
    expect(demoToken).toBe(upstream("demo.jwt"));
    const claims = JSON.parse(Buffer.from(demoToken.split(".")[1], "base64url").toString()) as { iss: string; sub: string; exp: number };
    expect([claims.iss, claims.sub]).toEqual([sampleIssuer, sampleIssuer]);
    // The key the token is signed with is the JWKS's.
    const header = JSON.parse(Buffer.from(demoToken.split(".")[0], "base64url").toString()) as { kid: string };
    expect((JSON.parse(sampleJwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toContain(header.kid);
  });
});
