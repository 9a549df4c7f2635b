/**
 * Account webhooks in Meta's documented 2026 shapes, applied through the webhook handling code:
 *  - phone_number_quality_update reads the messaging limit from max_daily_conversations_per_business
 *    (current_limit, which Meta removes, only when the new field is absent and never on a throughput event,
 *    where it is the throughput level; TIER_NOT_SET says nothing);
 *  - account_update: a ban (DISABLED_UPDATE with ban_info), a scheduled ban, a deletion or a restriction of
 *    business-initiated messaging (restriction_info[]) hold all sending with an alert; a reinstatement,
 *    a restriction that leaves marketing sends possible and a policy violation (violation_info) only
 *    alert; other events are ignored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
const WABA = "102290129340398";
const T0 = Date.parse("2026-03-02T10:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

function envelope(field: string, when: Date, value: Record<string, unknown>) {
  return { entry: [{ id: WABA, time: unix(when), changes: [{ value, field }] }], object: "whatsapp_business_account" };
}
const apply = (payload: unknown, now: Date) => handleWebhookPayload({ db: t.db, now, payload, log: { warn: () => {} } });
const settings = () => t.db.setting.findUniqueOrThrow({ where: { id: 1 } });

describe("phone_number_quality_update", () => {
  it("reads max_daily_conversations_per_business, prefers it to current_limit, falls back on current_limit, and ignores TIER_NOT_SET", async () => {
    // Meta's 2026 shape: no current_limit at all
    const r = await apply(envelope("phone_number_quality_update", at(1), { display_phone_number: "15550783881", event: "UPGRADE", max_daily_conversations_per_business: "TIER_2K" }), at(2));
    expect(r.results.phone_number_quality_update).toMatchObject({ quality_applied: 1 });
    expect((await settings()).messagingLimitTier).toBe("TIER_2K");

    // both (the documented example): current_limit is the throughput level, the limit is the new field
    await apply(envelope("phone_number_quality_update", at(3), { display_phone_number: "15550783881", event: "THROUGHPUT_UPGRADE", current_limit: "TIER_UNLIMITED", max_daily_conversations_per_business: "TIER_10K" }), at(4));
    expect((await settings()).messagingLimitTier).toBe("TIER_10K");

    // Meta's documented example of a throughput upgrade: current_limit is the throughput level (TIER_UNLIMITED:
    // "higher throughput"), not a messaging limit, and the limit is absent: the known limit stays
    const up = await apply(envelope("phone_number_quality_update", at(4), { display_phone_number: "15550783881", event: "THROUGHPUT_UPGRADE", current_limit: "TIER_UNLIMITED" }), at(4));
    expect(up.results.phone_number_quality_update).toMatchObject({ quality_applied: 1 });
    expect((await settings()).messagingLimitTier).toBe("TIER_10K");

    // the older shape still works while Meta sends it
    await apply(envelope("phone_number_quality_update", at(5), { display_phone_number: "15550783881", event: "UPGRADE", old_limit: "TIER_10K", current_limit: "TIER_100K" }), at(6));
    expect((await settings()).messagingLimitTier).toBe("TIER_100K");

    // a number that has not sent yet reports TIER_NOT_SET: the known tier stays
    await apply(envelope("phone_number_quality_update", at(7), { display_phone_number: "15550783881", event: "ONBOARDING", max_daily_conversations_per_business: "TIER_NOT_SET" }), at(8));
    expect((await settings()).messagingLimitTier).toBe("TIER_100K");

    // a downgrade holds sending and names the new limit
    await apply(envelope("phone_number_quality_update", at(9), { display_phone_number: "15550783881", event: "DOWNGRADE", max_daily_conversations_per_business: "TIER_250" }), at(10));
    const s = await settings();
    expect(s).toMatchObject({ messagingLimitTier: "TIER_250", sendHold: true });
    expect(s.sendHoldReason).toBe("WhatsApp lowered the messaging limit to TIER_250.");
  });
});

describe("account_update", () => {
  beforeEach(async () => {
    await t.db.setting.upsert({ where: { id: 1 }, create: { id: 1 }, update: { sendHold: false, sendHoldReason: null, sendHoldSince: null } });
  });

  it("a ban (DISABLED_UPDATE, ban_info DISABLE) holds sending with a critical alert; the same delivery again adds nothing", async () => {
    const payload = envelope("account_update", at(20), { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "DISABLE", waba_ban_date: "March 2, 2026" } });
    const r = await apply(payload, at(21));
    expect(r.results.account_update).toMatchObject({ account_updates: 1, account_send_holds: 1 });
    const s = await settings();
    expect(s).toMatchObject({ sendHold: true, sendHoldSince: at(21) });
    expect(s.sendHoldReason).toBe("WhatsApp disabled (banned) the WhatsApp Business Account on March 2, 2026.");
    await apply(payload, at(22));
    const alerts = await t.db.alert.findMany({ where: { kind: "send_hold", text: { contains: "banned" } } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: "critical" });
  });

  it("a scheduled ban and a deletion hold sending; a reinstatement only alerts (the hold stays for an admin)", async () => {
    await apply(envelope("account_update", at(30), { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "SCHEDULE_FOR_DISABLE", waba_ban_date: "March 9, 2026" } }), at(31));
    expect(await settings()).toMatchObject({ sendHold: true });
    expect((await settings()).sendHoldReason).toContain("scheduled the WhatsApp Business Account to be disabled on March 9, 2026");

    const r = await apply(envelope("account_update", at(32), { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "REINSTATE", waba_ban_date: "March 3, 2026" } }), at(33));
    expect(r.results.account_update).toMatchObject({ account_send_holds: 0, account_alerts: 1 });
    expect(await settings()).toMatchObject({ sendHold: true });
    const reinstated = await t.db.alert.findFirstOrThrow({ where: { kind: "account_update", text: { contains: "reinstated" } } });
    expect(reinstated).toMatchObject({ severity: "info" });
    expect(reinstated.text).toContain("Sending stays on hold until an admin releases it.");

    await t.db.setting.update({ where: { id: 1 }, data: { sendHold: false, sendHoldReason: null } });
    await apply(envelope("account_update", at(34), { event: "ACCOUNT_DELETED" }), at(35));
    expect(await settings()).toMatchObject({ sendHold: true, sendHoldReason: "WhatsApp deleted the WhatsApp Business Account." });
  });

  it("a restriction of business-initiated messaging holds sending; one that leaves marketing sends possible only alerts", async () => {
    await apply(envelope("account_update", at(40), {
      phone_number: "15550783881",
      event: "ACCOUNT_RESTRICTION",
      restriction_info: [{ restriction_type: "RESTRICTED_ADD_PHONE_NUMBER_ACTION", expiration: 1775124000 }],
    }), at(41));
    expect(await settings()).toMatchObject({ sendHold: false });
    const soft = await t.db.alert.findFirstOrThrow({ where: { kind: "account_update", text: { contains: "RESTRICTED_ADD_PHONE_NUMBER_ACTION" } } });
    expect(soft.text).toBe("WhatsApp restricted the WhatsApp Business Account (RESTRICTED_ADD_PHONE_NUMBER_ACTION until 2026-04-02 10:00 UTC); marketing messages can still be sent.");

    const r = await apply(envelope("account_update", at(42), {
      phone_number: "15550783881",
      event: "ACCOUNT_RESTRICTION",
      restriction_info: [
        { restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING", expiration: 1775124000 },
        { restriction_type: "RESTRICTED_ADD_PHONE_NUMBER_ACTION", expiration: 1775124000 },
      ],
    }), at(43));
    expect(r.results.account_update).toMatchObject({ account_send_holds: 1 });
    const s = await settings();
    expect(s.sendHold).toBe(true);
    expect(s.sendHoldReason).toBe("WhatsApp restricted the WhatsApp Business Account (RESTRICTED_BIZ_INITIATED_MESSAGING until 2026-04-02 10:00 UTC, RESTRICTED_ADD_PHONE_NUMBER_ACTION until 2026-04-02 10:00 UTC).");
  });

  it("a policy violation raises a critical alert without holding; partner and pricing events are ignored", async () => {
    const r = await apply({
      object: "whatsapp_business_account",
      entry: [{
        id: WABA, time: unix(at(50)),
        changes: [
          { field: "account_update", value: { phone_number: "15550783881", event: "ACCOUNT_VIOLATION", violation_info: { violation_type: "ADULT" } } },
          { field: "account_update", value: { event: "PARTNER_ADDED", waba_info: { waba_id: "980198427658004", owner_business_id: "2329417887457253" } } },
        ],
      }],
    }, at(51));
    expect(r.results.account_update).toMatchObject({ account_updates: 2, account_send_holds: 0, account_alerts: 1, account_updates_ignored: 1 });
    expect(await settings()).toMatchObject({ sendHold: false });
    const alert = await t.db.alert.findFirstOrThrow({ where: { kind: "account_update", text: { contains: "policy violation" } } });
    expect(alert).toMatchObject({ severity: "critical" });
    expect(alert.text).toContain("(ADULT)");
  });
});
