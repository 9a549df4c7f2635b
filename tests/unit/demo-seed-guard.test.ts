import { describe, expect, it } from "vitest";
import { demoSeedRefusal, FORCE_DEMO_FLAG } from "@/lib/demo/seed-demo";

describe("the demo seed's guard", () => {
  it("loads in development without WhatsApp credentials", () => {
    expect(demoSeedRefusal({ env: { NODE_ENV: "development" }, argv: [] })).toBeNull();
    expect(demoSeedRefusal({ env: {}, argv: [] })).toBeNull();
  });

  it("refuses production and a real access token, saying why and how to force it", () => {
    const prod = demoSeedRefusal({ env: { NODE_ENV: "production" }, argv: [] });
    expect(prod).toContain("NODE_ENV=production");
    expect(prod).toContain(FORCE_DEMO_FLAG);
    const token = demoSeedRefusal({ env: { WHATSAPP_ACCESS_TOKEN: "EAAG-real-token" }, argv: [] });
    expect(token).toContain("a real WHATSAPP_ACCESS_TOKEN is set");
    expect(token).toContain("SEED_DEMO_FORCE=1");
  });

  it("a token under SANDBOX=1 is not real", () => {
    expect(demoSeedRefusal({ env: { WHATSAPP_ACCESS_TOKEN: "EAAG-real-token", SANDBOX: "1" }, argv: [] })).toBeNull();
  });

  it("--force-demo or SEED_DEMO_FORCE=1 forces it", () => {
    expect(demoSeedRefusal({ env: { NODE_ENV: "production" }, argv: ["node", "seed.ts", FORCE_DEMO_FLAG] })).toBeNull();
    expect(demoSeedRefusal({ env: { NODE_ENV: "production", WHATSAPP_ACCESS_TOKEN: "t", SEED_DEMO_FORCE: "1" }, argv: [] })).toBeNull();
  });
});
