import { describe, expect, it } from "vitest";
import { computeSignature, signatureHeader, verifyWebhookSignature } from "./signature";

describe("webhook signature", () => {
  it("matches the public HMAC-SHA256 vector", () => {
    expect(computeSignature("test", "secret")).toBe("0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
    expect(verifyWebhookSignature(Buffer.from("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", "secret")).toBe(true);
    expect(verifyWebhookSignature(Buffer.from("test"), "sha256=0329A06B62CD16B33EB6792BE8C60B158D89A2EE3A876FCE9A881EBB488C0914", "secret")).toBe(true);
  });

  it("signs the raw bytes, not a re-serialisation", () => {
    const raw = Buffer.from('{"text":"caf\\u00e9"}');
    const header = signatureHeader(raw, "s3cret");
    expect(verifyWebhookSignature(raw, header, "s3cret")).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), header, "s3cret")).toBe(false);
  });

  it("refuses missing, malformed, truncated and wrong signatures", () => {
    const body = Buffer.from("test");
    const good = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914";
    expect(verifyWebhookSignature(body, null, "secret")).toBe(false);
    expect(verifyWebhookSignature(body, "", "secret")).toBe(false);
    expect(verifyWebhookSignature(body, good.slice(0, -2), "secret")).toBe(false);
    expect(verifyWebhookSignature(body, good + "00", "secret")).toBe(false);
    expect(verifyWebhookSignature(body, good.replace("sha256=", "sha1="), "secret")).toBe(false);
    expect(verifyWebhookSignature(body, good.replace("0329", "0328"), "secret")).toBe(false);
    expect(verifyWebhookSignature(body, good, "other")).toBe(false);
    expect(verifyWebhookSignature(body, good, "")).toBe(false);
    expect(verifyWebhookSignature(body, good, undefined)).toBe(false);
  });
});
