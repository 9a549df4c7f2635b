import { describe, expect, it } from "vitest";
import { describeErrorForLog, redactSecrets } from "@/lib/redact-secrets";

describe("redactSecrets", () => {
  const env = { AUTH_SECRET: "s3cr3t-auth-value", CRON_SECRET: "cron-secret-value", WHATSAPP_ACCESS_TOKEN: "EAAG-token.with+regex*chars", DATABASE_URL: "postgresql://app:pw@db:5432/x" };
  it("removes configured secrets, connection-string passwords, bearer and wac_ tokens", () => {
    const text = `a s3cr3t-auth-value b cron-secret-value c EAAG-token.with+regex*chars d postgresql://app:pw@db:5432/x e postgres://u:hunter2@h/db f Authorization: Bearer abc.def g wac_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const out = redactSecrets(text, env);
    for (const secret of ["s3cr3t-auth-value", "cron-secret-value", "EAAG-token", "hunter2", "abc.def", "wac_AAAAAAAA", ":pw@"]) expect(out).not.toContain(secret);
    expect(out).toContain("postgres://u:[redacted]@h/db");
    expect(out).toContain("Bearer [redacted]");
  });
  it("ignores unset and very short values", () => {
    expect(redactSecrets("value 1 here", { CRON_SECRET: "1" })).toBe("value 1 here");
  });
  it("describes errors for logs without their secrets", () => {
    expect(describeErrorForLog(new TypeError(`failed with Bearer xyz123`))).toBe("TypeError: failed with Bearer [redacted]");
    expect(describeErrorForLog("a string")).toBe("unknown");
  });
});
