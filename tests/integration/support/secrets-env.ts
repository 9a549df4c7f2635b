/**
 * The environment of the suites that call route handlers (tests/integration/support/routes.ts): secrets with recognisable values (so a test can prove they
 * never leak), set before any app module reads lib/env.ts. Import first.
 */
import "../engine/support";

export const SECRETS = {
  AUTH_SECRET: "auth-secret-SHOULD-NEVER-LEAK-0123456789abcdef",
  WHATSAPP_APP_SECRET: "app-secret-SHOULD-NEVER-LEAK-42",
  WHATSAPP_VERIFY_TOKEN: "verify-token-SHOULD-NEVER-LEAK",
  CRON_SECRET: "test-cron-secret-0123456789",
  MARKETING_API_TOKEN: "test-marketing-token-0123456789",
  WHATSAPP_ACCESS_TOKEN: "fake-access-token",
} as const;

Object.assign(process.env, {
  AUTH_SECRET: SECRETS.AUTH_SECRET,
  WHATSAPP_APP_SECRET: SECRETS.WHATSAPP_APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: SECRETS.WHATSAPP_VERIFY_TOKEN,
  // one proxy in front: the last X-Forwarded-For entry is the client's address
  TRUSTED_PROXY_HOPS: "1",
});
