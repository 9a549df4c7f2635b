import { describe, expect, it } from "vitest";
import { EnvError, isSandbox, parseEnv, productionConfigProblems, SECRET_MIN_LENGTH, whatsappAccessToken } from "./env";

const secret = (prefix: string) => prefix.padEnd(SECRET_MIN_LENGTH, "x");
const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://app:pw@db:5432/app",
  AUTH_SECRET: secret("auth-"),
  CRON_SECRET: secret("cron-"),
  WHATSAPP_ACCESS_TOKEN: secret("EAAG-"),
  WHATSAPP_PHONE_NUMBER_ID: "1098765432",
  WHATSAPP_APP_SECRET: secret("app-"),
  WHATSAPP_VERIFY_TOKEN: secret("verify-"),
};

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted the configuration");
}

describe("production configuration", () => {
  it("a complete configuration starts, with the Cloud API", () => {
    const env = parseEnv(PRODUCTION);
    expect(isSandbox(env)).toBe(false);
    expect(whatsappAccessToken(env)).toBe(PRODUCTION.WHATSAPP_ACCESS_TOKEN);
  });

  it("one message names every missing variable", () => {
    const message = errorOf({ NODE_ENV: "production" });
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain(
      "Missing environment variables for production: DATABASE_URL, WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, CRON_SECRET, AUTH_SECRET.",
    );
    expect(message).toContain("SANDBOX=1");
  });

  it("a missing access token alone stops the start: production never falls back to the sandbox silently", () => {
    const message = errorOf({ ...PRODUCTION, WHATSAPP_ACCESS_TOKEN: undefined });
    expect(message).toContain("Missing environment variables for production: WHATSAPP_ACCESS_TOKEN.");
    expect(errorOf({ ...PRODUCTION, WHATSAPP_ACCESS_TOKEN: "   " })).toContain("WHATSAPP_ACCESS_TOKEN");
  });

  it("secrets and tokens shorter than 32 characters are named with their length", () => {
    const message = errorOf({ ...PRODUCTION, AUTH_SECRET: "short", WHATSAPP_VERIFY_TOKEN: "x".repeat(31), MARKETING_API_TOKEN: "tiny-token" });
    expect(message).toContain("AUTH_SECRET is too short: 5 characters, at least 32 required.");
    expect(message).toContain("WHATSAPP_VERIFY_TOKEN is too short: 31 characters, at least 32 required.");
    expect(message).toContain("MARKETING_API_TOKEN is too short: 10 characters");
    expect(message).not.toContain("Missing");
    expect(() => parseEnv({ ...PRODUCTION, WHATSAPP_VERIFY_TOKEN: "x".repeat(32) })).not.toThrow();
  });

  it("SANDBOX=1 is a deliberate sandbox: WhatsApp's variables are optional, the secrets are not", () => {
    const env = parseEnv({ ...PRODUCTION, SANDBOX: "1", WHATSAPP_ACCESS_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined, WHATSAPP_APP_SECRET: undefined, WHATSAPP_VERIFY_TOKEN: undefined });
    expect(isSandbox(env)).toBe(true);
    const message = errorOf({ NODE_ENV: "production", SANDBOX: "1", DATABASE_URL: "postgresql://x" });
    expect(message).toContain("Missing environment variables for production: CRON_SECRET, AUTH_SECRET.");
    expect(message).not.toMatch(/Missing[^.]*WHATSAPP/);
  });

  it("SANDBOX=1 wins over a configured token: nothing is sent for real", () => {
    const env = parseEnv({ ...PRODUCTION, SANDBOX: "1" });
    expect(isSandbox(env)).toBe(true);
    expect(whatsappAccessToken(env)).toBeUndefined();
  });

  it("SANDBOX takes 1 or nothing", () => {
    expect(errorOf({ ...PRODUCTION, SANDBOX: "yes" })).toContain('SANDBOX must be "1"');
    expect(productionConfigProblems(parseEnv({ ...PRODUCTION, SANDBOX: "0" }))).toEqual([]);
  });

  it("`next build` (NODE_ENV=production without the runtime's secrets) is not checked", () => {
    expect(() => parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
  });
});

describe("development and tests", () => {
  it("nothing is required; without a token the sandbox answers", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(isSandbox(env)).toBe(true);
    expect(() => parseEnv({ NODE_ENV: "test", AUTH_SECRET: "short" })).not.toThrow();
  });
});
