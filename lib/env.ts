/**
 * Every environment variable, parsed once with zod. Import `env` from server code only; the domain
 * (lib/marketing, lib/whatsapp) never reads it, it is handed the values it needs.
 */
import { z } from "zod";

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

export const MESSAGING_TIERS = { "250": 250, "2000": 2000, "1k": 1000, "2k": 2000, "10k": 10000, "100k": 100000, "10000": 10000, "100000": 100000 } as const;

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
  ALERT_WEBHOOK_URL: optionalString.pipe(z.string().url().optional()),
  NEXTAUTH_URL: optionalString,
  TRUSTED_PROXY_HOPS: optionalString.refine((v) => v === undefined || v === "vercel" || /^\d{1,2}$/.test(v), { message: 'must be the number of proxies in front of the app (0, 1, 2, …) or "vercel"' }),
});

export type Env = z.infer<typeof ZEnv>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example.`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build") {
    if (!env.AUTH_SECRET) throw new Error("Invalid environment configuration:\n  AUTH_SECRET: required in production (openssl rand -base64 32)");
  }
  return env;
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const env = new Proxy({} as Env, {
  get: (_target, key: string) => getEnv()[key as keyof Env],
});

/** WHATSAPP_MESSAGING_LIMIT as a number; null = unlimited; undefined = not configured. */
export function messagingLimitFromEnv(e: Env = getEnv()): number | null | undefined {
  const v = e.WHATSAPP_MESSAGING_LIMIT;
  if (v === undefined) return undefined;
  if (v === "unlimited") return null;
  return Number(v);
}

/** Sandbox mode: no WhatsApp credentials, the built-in fake WhatsApp answers. */
export function isSandbox(e: Env = getEnv()): boolean {
  return !e.WHATSAPP_ACCESS_TOKEN;
}

export function authSecret(e: Env = getEnv()): string {
  // development and tests get a fixed secret so `npm run dev` works with no configuration
  return e.AUTH_SECRET ?? "development-only-secret-change-me-0123456789abcdef";
}
