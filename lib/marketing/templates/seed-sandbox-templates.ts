/**
 * The demo library for the sandbox and the demo seed: the sandbox's templates upserted (idempotent), and
 * optionally (approvePendingAfterMs) the PENDING template's approval scheduled as a
 * message_template_status_update in sandbox_events, delivered through the webhook handling like any
 * other sandbox event.
 */
import { SANDBOX_WABA_ID } from "@/lib/whatsapp/sandbox";
import { sandboxTemplates, templateStatusPayload } from "@/lib/whatsapp/templates/sandbox-templates";
import type { Db } from "../db";
import { upsertTemplates } from "./sync-templates";

export async function seedSandboxTemplates({ db, now, approvePendingAfterMs = null }: { db: Db; now: Date; approvePendingAfterMs?: number | null }) {
  const templates = sandboxTemplates();
  const events = approvePendingAfterMs === null ? [] : templates.filter((t) => t.status === "PENDING").map((t) => {
    const at = new Date(now.getTime() + approvePendingAfterMs);
    return { dueAt: at, payload: templateStatusPayload({ wabaId: SANDBOX_WABA_ID, at, event: "APPROVED", templateId: t.id ?? "0", name: t.name, language: t.language }) };
  });
  await db.$transaction(async (tx) => {
    await upsertTemplates(tx, templates, now);
    if (events.length) await tx.sandboxEvent.createMany({ data: events.map((e) => ({ dueAt: e.dueAt, payload: e.payload as object })) });
    await tx.setting.upsert({ where: { id: 1 }, update: { lastTemplateSyncAt: now }, create: { id: 1, lastTemplateSyncAt: now } });
  });
  return { templates: templates.length, scheduled_events: events.length };
}
