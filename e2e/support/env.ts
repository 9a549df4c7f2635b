/** Shared by the e2e server script and the specs. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3200);
// below Linux's ephemeral range (32768–60999): a port there can be taken at any moment as the local end of
// some outgoing connection, and PostgreSQL then cannot listen on it (a CI run failed so, on 54340)
export const E2E_PG_PORT = Number(process.env.E2E_PG_PORT ?? 25439);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/wac_e2e`;
export const E2E_API_TOKEN = "e2e-marketing-api-token-0123456789";
export const E2E_CRON_SECRET = "e2e-cron-secret-0123456789abcdef0123";
export const E2E_APP_SECRET = "e2e-app-secret-0123456789abcdef012345";
export const E2E_VERIFY_TOKEN = "e2e-verify-token-0123456789abcdef0123";

export const e2eServerEnv: Record<string, string> = {
  DATABASE_URL: E2E_DATABASE_URL,
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789abcdef",
  NEXTAUTH_URL: E2E_BASE_URL,
  INSECURE_COOKIES: "1",
  MARKETING_API_TOKEN: E2E_API_TOKEN,
  CRON_SECRET: E2E_CRON_SECRET,
  WHATSAPP_APP_SECRET: E2E_APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: E2E_VERIFY_TOKEN,
  CAMPAIGN_TIMEZONE: "UTC",
  WAC_DEV_AUTOPROCESS: "0",
  // production without WhatsApp credentials: the sandbox, on purpose
  SANDBOX: "1",
  // the stories assert what a marketer does with a campaign: a rare simulated template or account failure
  // would pause it or hold all sending at a random moment (those classes have their own tests)
  SANDBOX_FAILURE_CODES: "131026,131049,131050",
};
