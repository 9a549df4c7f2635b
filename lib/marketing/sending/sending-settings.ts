/**
 * The workspace's careful-sending settings (settings row id = 1): the default send window for new
 * campaigns, the frequency cap across campaigns, the failure-guard defaults, and the account's health
 * (send hold, quality, messaging-limit tier). Admins change the first three (updateSendingSettings).
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type DbOrTx, type Db } from "../db";
import { AppError } from "../errors";
import { isPhoneCountry, normalizePhone, PHONE_COUNTRIES, type PhoneReading } from "../phone";
import type { CountryCode } from "libphonenumber-js";
import { normalizeSendWindow, readSendWindow, ZSendWindow, type TSendWindow } from "./send-window";
import { reevaluateUndeliverable, UNDELIVERABLE_AFTER_DEFAULT } from "../customers/undeliverable";

/** At most `max` marketing messages per customer in any `days` × 24 h, across all campaigns. */
export const ZFrequencyCap = z
  .object({
    max: z.number().int().min(1, "at least 1").max(100),
    days: z.number().int().min(1, "at least 1 day").max(90),
  })
  .strict();
export type TFrequencyCap = z.infer<typeof ZFrequencyCap>;

/** Pause a campaign when more than threshold_pct % of its last `window` attempts failed (checked from min_attempts on). */
export const ZFailureGuard = z
  .object({
    threshold_pct: z.number().gt(0, "more than 0").max(100),
    window: z.number().int().min(10).max(10_000),
    min_attempts: z.number().int().min(1).max(10_000),
  })
  .strict()
  .refine((g) => g.min_attempts <= g.window, { path: ["min_attempts"], message: "must not exceed window" });
export type TFailureGuard = z.infer<typeof ZFailureGuard>;

/** A campaign's override: any of the fields, the rest from the settings. */
export const ZFailureGuardOverride = z
  .object({
    threshold_pct: z.number().gt(0, "more than 0").max(100).optional(),
    window: z.number().int().min(10).max(10_000).optional(),
    min_attempts: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();


export const DEFAULT_COUNTRY_HELP =
  "ISO 3166 country (e.g. US) in which phone numbers written without + or 00 are read, wherever numbers come in (API, imports, test sends), when they are a valid number there: (202) 555-0973 is then +1 202 555 0973. A valid international number keeps its country when it starts with that country's own calling code, or, where national numbers are written with a trunk 0 (GB, DE, FR, IN, BR …), when it lacks that 0: 447911123457 stays the UK's in a German workspace. null (the default): such numbers start with their country code, as in 14694652751.";

export const FAILURE_GUARD_DEFAULTS: TFailureGuard = { threshold_pct: 10, window: 500, min_attempts: 100 };

export function readFrequencyCap(value: unknown): TFrequencyCap | null {
  const parsed = ZFrequencyCap.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The guard a campaign runs with: its override over the workspace's over the defaults. */
export function effectiveFailureGuard(workspace: unknown, override: unknown): TFailureGuard {
  const base = ZFailureGuard.safeParse(workspace);
  const over = ZFailureGuardOverride.safeParse(override ?? {});
  const merged = { ...(base.success ? base.data : FAILURE_GUARD_DEFAULTS), ...(over.success ? over.data : {}) };
  return { ...merged, min_attempts: Math.min(merged.min_attempts, merged.window) };
}

export type SendingSettings = {
  defaultSendWindow: TSendWindow | null;
  frequencyCap: TFrequencyCap | null;
  failureGuard: TFailureGuard;
  sendHold: { active: boolean; reason: string | null; since: Date | null };
  qualityRating: string | null;
  messagingLimitTier: string | null;
  /** activation needs a successful test send of the current template and values */
  requireTestSend: boolean;
  /** the team's test numbers, offered by the test-send panel */
  testPhoneNumbers: string[];
  /** how many numbers one user may send test messages to in any hour */
  testSendLimitPerHour: number;
  /** inbound message bodies are deleted this many days after they arrived */
  inboundRetentionDays: number;
  /** a customer is marked not reachable after this many undeliverable campaign sends in a row (0 = never) */
  undeliverableAfter: number;
  /** numbers written without + or 00 are read as this country's when valid there (phone.ts); null = with their country code */
  defaultCountry: CountryCode | null;
};

export async function getSendingSettings(db: DbOrTx): Promise<SendingSettings> {
  const row = await db.setting.findUnique({ where: { id: 1 } });
  return {
    defaultSendWindow: readSendWindow(row?.defaultSendWindow),
    frequencyCap: readFrequencyCap(row?.frequencyCap),
    failureGuard: effectiveFailureGuard(row?.failureGuard, null),
    sendHold: { active: row?.sendHold ?? false, reason: row?.sendHoldReason ?? null, since: row?.sendHoldSince ?? null },
    qualityRating: row?.qualityRating ?? null,
    messagingLimitTier: row?.messagingLimitTier ?? null,
    requireTestSend: row?.requireTestSend ?? false,
    testPhoneNumbers: row?.testPhoneNumbers ?? [],
    testSendLimitPerHour: row?.testSendLimitPerHour ?? 30,
    inboundRetentionDays: row?.inboundRetentionDays ?? 90,
    undeliverableAfter: row?.undeliverableAfter ?? UNDELIVERABLE_AFTER_DEFAULT,
    defaultCountry: isPhoneCountry(row?.defaultCountry) ? row.defaultCountry : null,
  };
}

/** How the workspace reads numbers written without + or 00 (its default country), for whoever normalises typed or uploaded numbers. */
export async function phoneReading(db: DbOrTx): Promise<PhoneReading> {
  const row = await db.setting.findUnique({ where: { id: 1 }, select: { defaultCountry: true } });
  return { defaultCountry: isPhoneCountry(row?.defaultCountry) ? row.defaultCountry : null };
}

/** Up to 10 test numbers (normalised by updateSendingSettings, in the workspace's default country). */
export const ZTestPhoneNumbers = z.array(z.string().max(40)).max(10, "at most 10 test numbers");

/** The test numbers as E.164 digits, each bad one a field error beside its place in the list. */
function normalizeTestNumbers(numbers: string[], reading: PhoneReading): string[] {
  const out: string[] = [];
  const errors: Array<{ path: string; message: string }> = [];
  numbers.forEach((raw, i) => {
    const n = normalizePhone(raw, reading);
    if (!n.ok) errors.push({ path: `test_phone_numbers.${i}`, message: `${raw}: ${n.reason}` });
    else if (!out.includes(n.phone)) out.push(n.phone);
  });
  if (errors.length > 0) throw new AppError("VALIDATION_FAILED", "Some values are invalid.", errors);
  return out;
}

export const ZUpdateSendingSettings = z
  .object({
    default_send_window: ZSendWindow.nullable().optional(),
    frequency_cap: ZFrequencyCap.nullable().optional(),
    failure_guard: ZFailureGuard.optional(),
    require_test_send: z.boolean().optional(),
    test_phone_numbers: ZTestPhoneNumbers.optional(),
    test_send_limit_per_hour: z.number().int().min(0, "0 turns test sends off").max(10_000).optional(),
    inbound_retention_days: z.number().int().min(1, "at least 1 day").max(3650).optional(),
    undeliverable_after: z.number({ error: "enter a number (0 never marks a customer)" }).int().min(0, "At least 0 (0 never marks a customer)").max(100, "at most 100").optional(),
    default_country: z.enum(PHONE_COUNTRIES as [CountryCode, ...CountryCode[]], { error: "a country code such as US, GB or DE (ISO 3166)" }).nullable().optional().meta({ description: DEFAULT_COUNTRY_HELP }),
  })
  .strict();
export type TUpdateSendingSettings = z.input<typeof ZUpdateSendingSettings>;

export function sendingSettingsJson(s: SendingSettings) {
  return {
    default_send_window: s.defaultSendWindow,
    frequency_cap: s.frequencyCap,
    failure_guard: s.failureGuard,
    send_hold: { active: s.sendHold.active, reason: s.sendHold.reason, since: s.sendHold.since?.toISOString() ?? null },
    quality_rating: s.qualityRating,
    messaging_limit_tier: s.messagingLimitTier,
    require_test_send: s.requireTestSend,
    test_phone_numbers: s.testPhoneNumbers,
    test_send_limit_per_hour: s.testSendLimitPerHour,
    inbound_retention_days: s.inboundRetentionDays,
    undeliverable_after: s.undeliverableAfter,
    default_country: s.defaultCountry,
  };
}

/** Admins only: the default window, the frequency cap (null = off) and the failure-guard defaults. */
export async function updateSendingSettings({ db, now, input, principal }: { db: Db; now: Date; input: TUpdateSendingSettings; principal?: Principal | null }) {
  if (principal && principal.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin can change the sending settings.");
  const parsed = ZUpdateSendingSettings.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Some values are invalid.", parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  const data = parsed.data;
  // test numbers are read in the default country this same change leaves in force
  const reading = data.default_country !== undefined ? { defaultCountry: data.default_country } : await phoneReading(db);
  const testPhoneNumbers = data.test_phone_numbers === undefined ? undefined : normalizeTestNumbers(data.test_phone_numbers, reading);
  const json = (v: object | null | undefined) => (v === undefined ? undefined : v === null ? Prisma.DbNull : v);
  await db.$transaction(async (tx) => {
    const fields = {
      defaultSendWindow: json(data.default_send_window === undefined || data.default_send_window === null ? data.default_send_window : normalizeSendWindow(data.default_send_window)),
      frequencyCap: json(data.frequency_cap),
      failureGuard: data.failure_guard,
      requireTestSend: data.require_test_send,
      testPhoneNumbers,
      defaultCountry: data.default_country,
      testSendLimitPerHour: data.test_send_limit_per_hour,
      inboundRetentionDays: data.inbound_retention_days,
      undeliverableAfter: data.undeliverable_after,
      updatedAt: now,
    };
    // a new threshold marks (or unmarks) the customers whose count now reaches it (or no longer does);
    // customers before the settings row, the order of every other writer of both (an applier's chunk)
    if (data.undeliverable_after !== undefined) await reevaluateUndeliverable(tx, { after: data.undeliverable_after, now });
    await tx.setting.upsert({ where: { id: 1 }, create: { id: 1, ...fields }, update: fields });
    await audit(tx, { actor: principal?.actor ?? "system", action: "settings.sending", entityType: "settings", entityId: "1", details: { fields: Object.keys(data) }, now });
  });
  return sendingSettingsJson(await getSendingSettings(db));
}
