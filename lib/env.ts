/**
 * Every environment variable, parsed once with zod. Call `getEnv()` from server code only; the domain
 * (lib/marketing, lib/whatsapp) never reads it, it is handed the values it needs.
 */
import { z } from "@/lib/zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const isTimezone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString,
  AUTH_SECRET: optionalString,
  ADMIN_EMAIL: optionalString,
  ADMIN_PASSWORD: optionalString,
  MARKETING_API_TOKEN: optionalString,
  CRON_SECRET: optionalString,
  CAMPAIGN_TIMEZONE: z
    .string()
    .default("UTC")
    .refine(isTimezone, { message: "must be an IANA time zone such as UTC or America/New_York" }),
  WHATSAPP_API_URL: z.string().url().default("https://graph.facebook.com"),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "must look like v23.0")
    .default("v23.0"),
  WHATSAPP_PHONE_NUMBER_ID: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_BUSINESS_ACCOUNT_ID: optionalString,
  /** unique users reachable in a moving 24 h: a number, or "unlimited"; unset = the tier Meta reports */
  WHATSAPP_MESSAGING_LIMIT: optionalString.refine(
    (v) => v === undefined || v === "unlimited" || /^\d+$/.test(v),
    { message: 'must be a number (250, 2000, 10000, 100000) or "unlimited"' },
  ),
  WHATSAPP_MAX_MPS: z.coerce.number().int().min(1).max(1000).default(80),
  WHATSAPP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  PROCESSOR_TIME_BUDGET_MS: z.coerce.number().int().min(1000).max(900_000).default(50_000),
  /** requests a minute per API token made in Settings (0 = no limit) */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  ALERT_WEBHOOK_URL: optionalString.pipe(z.string().url().optional()),
  /** "1": ALERT_WEBHOOK_URL may point at a private address (a loopback URL is allowed anyway outside production) */
  ALERT_WEBHOOK_ALLOW_PRIVATE_NETWORK: optionalString.pipe(z.enum(["0", "1"]).optional()),
  NEXTAUTH_URL: optionalString,
  /** the app's public URL (tracked links point at {APP_URL}/r/{token}); default NEXTAUTH_URL */
  APP_URL: optionalString.pipe(z.string().url().optional()),
  /** "1": run on purpose without WhatsApp (the built-in sandbox answers; every page says so) */
  SANDBOX: optionalString,
  /** sandbox only: the failure codes it simulates, comma-separated (default: every class, see SANDBOX_FAILURES) */
  SANDBOX_FAILURE_CODES: optionalString.refine((v) => v === undefined || /^\d+(\s*,\s*\d+)*$/.test(v), { message: "must be WhatsApp error codes separated by commas, e.g. 131026,131049,131050" }),
  TRUSTED_PROXY_HOPS: optionalString.refine((v) => v === undefined || v === "vercel" || /^\d{1,2}$/.test(v), { message: 'must be the number of proxies in front of the app (0, 1, 2, …) or "vercel"' }),
});

export type Env = z.infer<typeof ZEnv>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example.`);
  }
  const env = parsed.data;
  // `next build` runs with NODE_ENV=production too, without the runtime's secrets: the server's start checks
  if (env.NODE_ENV === "production" && source.NEXT_PHASE !== "phase-production-build") {
    const problems = productionConfigProblems(env);
    if (problems.length) throw new EnvError(formatProductionProblems(problems));
  }
  return env;
}

/** A configuration the server must not start with; its message names every variable at fault. */
export class EnvError extends Error {
  override name = "EnvError";
}

/** Minimum length of every secret and token (openssl rand -hex 32 gives 64 characters). */
export const SECRET_MIN_LENGTH = 32;

/** What production needs: the database, WhatsApp's credentials (unless SANDBOX=1), the session and cron secrets. */
export const PRODUCTION_REQUIRED = ["DATABASE_URL", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "CRON_SECRET", "AUTH_SECRET"] as const;
const SANDBOX_NOT_REQUIRED = new Set<string>(["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"]);
/** Secrets and tokens: at least SECRET_MIN_LENGTH characters whenever they are set in production. */
export const SECRET_VARIABLES = ["AUTH_SECRET", "CRON_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "MARKETING_API_TOKEN"] as const;

export type EnvProblem = { variable: string; problem: "missing" | "too-short" | "invalid"; message: string };

/** Every reason this configuration cannot run in production (empty = fine). */
export function productionConfigProblems(env: Env): EnvProblem[] {
  const problems: EnvProblem[] = [];
  const sandbox = sandboxRequested(env);
  for (const name of PRODUCTION_REQUIRED) {
    if (sandbox && SANDBOX_NOT_REQUIRED.has(name)) continue;
    if (!env[name]) problems.push({ variable: name, problem: "missing", message: "missing" });
  }
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (value && value.length < SECRET_MIN_LENGTH) {
      problems.push({ variable: name, problem: "too-short", message: `is too short: ${value.length} characters, at least ${SECRET_MIN_LENGTH} required` });
    }
  }
  if (env.SANDBOX !== undefined && env.SANDBOX !== "1" && env.SANDBOX !== "0") {
    problems.push({ variable: "SANDBOX", problem: "invalid", message: 'must be "1" (run without WhatsApp on purpose) or unset' });
  }
  return problems;
}

function formatProductionProblems(problems: EnvProblem[]): string {
  const missing = problems.filter((p) => p.problem === "missing").map((p) => p.variable);
  const lines: string[] = [];
  if (missing.length) {
    lines.push(`Missing environment variables for production: ${missing.join(", ")}.`);
  }
  for (const p of problems.filter((p) => p.problem !== "missing")) lines.push(`${p.variable} ${p.message}.`);
  if (missing.some((m) => SANDBOX_NOT_REQUIRED.has(m))) {
    lines.push("Set them (see .env.example), or set SANDBOX=1 to run on purpose without WhatsApp: sends are then simulated and nobody receives them.");
  }
  lines.push(`Secrets and tokens (${SECRET_VARIABLES.join(", ")}) need at least ${SECRET_MIN_LENGTH} characters: openssl rand -hex 32.`);
  return `Invalid environment configuration: ${lines.join(" ")}`;
}

/** Explicit sandbox mode (SANDBOX=1). */
function sandboxRequested(e: Env): boolean {
  return e.SANDBOX === "1";
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** WHATSAPP_MESSAGING_LIMIT as a number; null = unlimited; undefined = not configured. */
export function messagingLimitFromEnv(e: Env = getEnv()): number | null | undefined {
  const v = e.WHATSAPP_MESSAGING_LIMIT;
  if (v === undefined) return undefined;
  if (v === "unlimited") return null;
  return Number(v);
}

/**
 * Sandbox mode: the built-in fake WhatsApp answers. Set on purpose with SANDBOX=1, or in development and
 * tests when no access token is configured (production refuses to start without one unless SANDBOX=1).
 */
export function isSandbox(e: Env = getEnv()): boolean {
  return sandboxRequested(e) || !e.WHATSAPP_ACCESS_TOKEN;
}

/** The WhatsApp access token the client uses: none in sandbox mode, even when one is configured. */
export function whatsappAccessToken(e: Env = getEnv()): string | undefined {
  return isSandbox(e) ? undefined : e.WHATSAPP_ACCESS_TOKEN;
}

/** The app's public URL without a trailing slash: APP_URL, else NEXTAUTH_URL, else the local dev server. */
export function appUrl(e: Env = getEnv()): string {
  return (e.APP_URL ?? e.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

export function authSecret(e: Env = getEnv()): string {
  // development and tests get a fixed secret so `npm run dev` works with no configuration
  return e.AUTH_SECRET ?? "development-only-secret-change-me-0123456789abcdef";
}
