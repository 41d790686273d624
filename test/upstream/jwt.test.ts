// The JWT samples the jwt-auth scenario and verify carry are Istio's own, byte for byte.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { demoToken, groupsToken, sampleIssuer, sampleJwks } from "../../catalog/scenarios/jwt-samples";
import { upstreamFile } from "../upstream-files";

const upstream = (file: string) => fs.readFileSync(upstreamFile(`istio-1.31/jwt/${file}`), "utf8").trim();

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

  it("groups-scope.jwt, with the groups claim jwt-route matches on", () => {
    expect(groupsToken).toBe(upstream("groups-scope.jwt"));
    expect(JSON.parse(Buffer.from(groupsToken.split(".")[1], "base64url").toString())).toMatchObject({ iss: sampleIssuer, groups: ["group1", "group2"] });
  });

  it("both tokens verify against the JWKS (RS256), so a gateway that trusts it accepts them", () => {
    const [jwk] = (JSON.parse(sampleJwks) as { keys: crypto.JsonWebKey[] }).keys;
    const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
    const verifies = (token: string) => {
      const [header, payload, signature] = token.split(".");
      return crypto.verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"));
    };
    expect([demoToken, groupsToken].map(verifies)).toEqual([true, true]);
    expect(verifies(`${demoToken.split(".").slice(0, 2).join(".")}.${groupsToken.split(".")[2]}`)).toBe(false);
  });
});
