/**
 * What the sandbox emits is what Meta sends in 2026, so `npm run dev` exercises the same paths as
 * production: statuses with the customer's business-scoped user id (and username on delivered / read),
 * read without delivered, failed statuses of every error class without contacts, STOP texts, quick-reply
 * button replies, user_preferences stop and resume, and customers with a username and no phone number
 * (contacts[].user_id / from_user_id / user_preferences[].user_id, no from, no wa_id).
 * Every payload that names the customer's phone parses with the webhook's schemas; the default odds keep
 * the demo pleasant (most messages delivered and read, template and account failures rare).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyError } from "@/lib/whatsapp/errors";
import { createSandboxWhatsAppClient, SANDBOX_FAILURES, SANDBOX_ODDS, sandboxUserId, SANDBOX_STOP_BUTTON_TEXT } from "@/lib/whatsapp/sandbox";
import { inboxRowsOf } from "@/lib/marketing/delivery/store-webhook-delivery";
import { WEBHOOK_HANDLERS } from "@/lib/marketing/delivery/webhook-handlers";
import { createTestDb, type TestDb } from "../../support/db";
import { seeded } from "./fixtures";

type Json = Record<string, unknown> & { entry: Array<{ id: string; changes: Array<{ field: string; value: Record<string, unknown> }> }> };
type Status = { id: string; status: string; recipient_id: string; recipient_user_id?: string; errors?: Array<{ code: number }> };
type Contact = { wa_id?: string; user_id: string; profile: { name?: string; username?: string } };
type Message = { from?: string; from_user_id: string; type: string; button?: { text: string; payload: string }; context?: { id: string }; text?: { body: string } };
type Preference = { wa_id?: string; user_id: string; value: string; category: string };

let t: TestDb;
let payloads: Json[] = [];
let sentTo = new Map<string, string>(); // wamid → phone

beforeAll(async () => {
  t = await createTestDb();
  // generous odds and equal failure weights, so 1,500 sends show every shape
  const client = createSandboxWhatsAppClient({
    db: t.db, now: () => new Date("2026-06-01T10:00:00Z"), random: seeded(42), speed: 0,
    odds: { failed: 0.3, readWithoutDelivered: 0.3, stop: 0.05, stopButton: 0.05, preferenceStop: 0.1, preferenceResume: 0.5, username: 0.3, usernameOnlyContact: 0.05 },
    failures: SANDBOX_FAILURES.map(([code]) => [code, 1] as const),
  });
  sentTo = new Map();
  for (let i = 0; i < 1500; i++) {
    const to = String(12025550000 + i);
    const r = await client.sendTemplate({ to, templateName: "summer_sale_promo", languageCode: "en_US", components: [], bizOpaqueCallbackData: `r-${i}` });
    if (r.ok) sentTo.set(r.wamid, to);
  }
  payloads = (await t.db.sandboxEvent.findMany({ orderBy: [{ dueAt: "asc" }, { id: "asc" }] })).map((e) => e.payload as Json);
}, 120_000);
afterAll(async () => t?.drop());

const valuesOf = (field: string) => payloads.flatMap((p) => p.entry.flatMap((e) => e.changes.filter((c) => c.field === field).map((c) => c.value)));
const statuses = () => valuesOf("messages").flatMap((v) => (v.statuses as Status[] | undefined) ?? []);
const inbound = () => valuesOf("messages").filter((v) => v.messages).map((v) => ({ contacts: v.contacts as Contact[], message: (v.messages as Message[])[0] }));
const preferences = () => valuesOf("user_preferences").map((v) => ({ contacts: v.contacts as Contact[], preference: (v.user_preferences as Preference[])[0] }));
/** the payload names nobody by phone: a customer with a username who hides their number */
const phoneless = (p: Json) => p.entry.every((e) => e.changes.every((c) => {
  const v = c.value as { contacts?: Contact[]; messages?: Message[]; user_preferences?: Preference[]; statuses?: Status[] };
  return !v.statuses && (v.contacts ?? []).every((x) => !x.wa_id) && (v.messages ?? []).every((m) => !m.from) && (v.user_preferences ?? []).every((u) => !u.wa_id);
}));

describe("the sandbox's webhooks", () => {
  it("are every one a whatsapp_business_account envelope with the sandbox's metadata, for a field the webhook handles", () => {
    expect(payloads.length).toBeGreaterThan(3000);
    const fields = new Set(["messages", "user_preferences", ...WEBHOOK_HANDLERS.map((h) => h.field)]);
    for (const p of payloads) {
      expect(p.object).toBe("whatsapp_business_account");
      for (const c of p.entry.flatMap((e) => e.changes)) {
        expect(fields.has(c.field)).toBe(true);
        expect(c.value).toMatchObject({ messaging_product: "whatsapp", metadata: { display_phone_number: "15550000000", phone_number_id: "100000000000000" } });
      }
    }
  });

  it("every payload, with or without the customer's phone, is stored for the applier (none quarantined or ignored)", () => {
    expect(payloads.filter((p) => phoneless(p)).length).toBeGreaterThan(0);
    for (const p of payloads) {
      // stored for the applier: nothing quarantined, nothing ignored as foreign or unhandled
      const rows = inboxRowsOf(p, { phoneNumberId: "100000000000000" });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.state !== "accepted").map((r) => r.reason)).toEqual([]);
    }
  });

  it("statuses carry the customer's business-scoped user id (never on failed ones) and the username on delivered and read", () => {
    const contactsByStatus = valuesOf("messages").filter((v) => v.statuses).map((v) => ({ status: (v.statuses as Status[])[0], contacts: v.contacts as Contact[] | undefined }));
    let usernames = 0;
    for (const { status, contacts } of contactsByStatus) {
      expect(status.recipient_id).toBe(sentTo.get(status.id));
      if (status.status === "failed") {
        expect(status.recipient_user_id).toBeUndefined();
        expect(contacts).toBeUndefined();
        continue;
      }
      expect(status.recipient_user_id).toBe(sandboxUserId(status.recipient_id));
      expect(status.recipient_user_id).toMatch(/^[A-Z]{2}\.\d{16}$/);
      expect(contacts).toEqual([expect.objectContaining({ wa_id: status.recipient_id, user_id: status.recipient_user_id })]);
      if (status.status === "sent") expect(contacts?.[0].profile.username).toBeUndefined();
      if (contacts?.[0].profile.username) usernames++;
    }
    expect(usernames).toBeGreaterThan(0);
  });

  it("a read sometimes arrives with no delivered before it", () => {
    const byWamid = new Map<string, string[]>();
    for (const s of statuses()) byWamid.set(s.id, [...(byWamid.get(s.id) ?? []), s.status]);
    const readOnly = [...byWamid.values()].filter((list) => list.includes("read") && !list.includes("delivered"));
    const readAfterDelivered = [...byWamid.values()].filter((list) => list.includes("read") && list.includes("delivered"));
    expect(readOnly.length).toBeGreaterThan(0);
    expect(readAfterDelivered.length).toBeGreaterThan(readOnly.length);
  });

  it("failed statuses cover every error class: recipient, Meta's marketing cap, opted out, template and account", () => {
    const codes = new Set(statuses().filter((s) => s.status === "failed").map((s) => s.errors?.[0]?.code));
    for (const [code] of SANDBOX_FAILURES) expect(codes.has(code), String(code)).toBe(true);
    expect(new Set(SANDBOX_FAILURES.map(([code]) => classifyError(code)))).toEqual(new Set(["permanent", "meta_cap", "opted_out", "template", "account"]));
  });

  it("customers answer with a STOP text and the template's quick-reply button (type button, in reply to the message)", () => {
    const withPhone = inbound().filter((m) => m.message.from);
    const stops = withPhone.filter((m) => m.message.type === "text" && m.message.text?.body === "STOP");
    const buttons = withPhone.filter((m) => m.message.type === "button");
    expect(stops.length).toBeGreaterThan(0);
    expect(buttons.length).toBeGreaterThan(0);
    for (const b of buttons) {
      expect(b.message.button).toEqual({ payload: SANDBOX_STOP_BUTTON_TEXT, text: SANDBOX_STOP_BUTTON_TEXT });
      expect(sentTo.get(b.message.context!.id)).toBe(b.message.from);
      expect(b.message.from_user_id).toBe(sandboxUserId(b.message.from!));
      expect(b.contacts).toEqual([expect.objectContaining({ wa_id: b.message.from, user_id: b.message.from_user_id })]);
    }
  });

  it("customers stop marketing messages in WhatsApp (user_preferences), and some resume later", () => {
    const withPhone = preferences().filter((p) => p.preference.wa_id);
    const stops = withPhone.filter((p) => p.preference.value === "stop");
    const resumes = withPhone.filter((p) => p.preference.value === "resume");
    expect(stops.length).toBeGreaterThan(0);
    expect(resumes.length).toBeGreaterThan(0);
    for (const p of withPhone) {
      expect(p.preference).toMatchObject({ category: "marketing_messages", user_id: sandboxUserId(p.preference.wa_id!) });
      expect(p.contacts).toEqual([expect.objectContaining({ wa_id: p.preference.wa_id, user_id: p.preference.user_id })]);
    }
    for (const r of resumes) expect(stops.some((s) => s.preference.wa_id === r.preference.wa_id)).toBe(true);
  });

  it("customers with a username and no phone are named only by their user id: no from, no wa_id", () => {
    const messages = inbound().filter((m) => !m.message.from);
    const prefs = preferences().filter((p) => !p.preference.wa_id);
    expect(messages.length).toBeGreaterThan(0);
    expect(prefs.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m.message.from_user_id).toMatch(/^[A-Z]{2}\.\d{16}$/);
      expect(m.contacts).toEqual([{ profile: { name: "Username customer", username: "@sandbox.fan" }, user_id: m.message.from_user_id }]);
    }
    for (const p of prefs) {
      expect(p.preference.user_id).toMatch(/^[A-Z]{2}\.\d{16}$/);
      expect(p.contacts).toEqual([{ profile: { name: "Username customer", username: "@sandbox.fan" }, user_id: p.preference.user_id }]);
    }
    expect(payloads.filter(phoneless)).toHaveLength(messages.length + prefs.length);
  });
});

describe("the default odds", () => {
  it("keep the demo pleasant: most messages delivered and read, template and account failures rare", () => {
    const deliveredShare = (1 - SANDBOX_ODDS.failed) * SANDBOX_ODDS.delivered;
    expect(deliveredShare).toBeGreaterThan(0.85);
    expect(deliveredShare * SANDBOX_ODDS.read).toBeGreaterThan(0.5);
    const total = SANDBOX_FAILURES.reduce((s, [, w]) => s + w, 0);
    const share = (cls: string) => SANDBOX_FAILURES.filter(([c]) => classifyError(c) === cls).reduce((s, [, w]) => s + w, 0) / total;
    // per send: a template failure (pauses its campaign) under 1 in 2,500, an account failure (holds sending) under 1 in 10,000
    expect(SANDBOX_ODDS.failed * share("template")).toBeLessThan(1 / 2500);
    expect(SANDBOX_ODDS.failed * share("account")).toBeLessThan(1 / 10_000);
    expect(SANDBOX_ODDS.stop + SANDBOX_ODDS.stopButton + SANDBOX_ODDS.preferenceStop).toBeLessThan(0.05);
  });
});
