/**
 * Webhook endpoints (admins only): where outbound events go. A URL that resolves to a loopback, link-local
 * or private address is refused (422) unless allow_private_network is set.
 */
import { z } from "@/lib/zod";
import type { WebhookEndpoint } from "@/lib/generated/prisma/client";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { ENDPOINT_FORMATS, EVENT_TYPES, ZEventType } from "./event-types";
import { outboundUrlProblem, type Resolve } from "./network-guard";
import { generateEndpointSecret } from "./sign-payload";
import { parseUuid } from "../uuid";

export const MAX_ENDPOINTS = 20;

const fields = {
  url: z.string().trim().max(2000).url(),
  description: z.string().trim().max(500).nullish(),
  event_types: z.array(ZEventType).min(1).max(EVENT_TYPES.length).transform((t) => [...new Set(t)]),
  enabled: z.boolean(),
  allow_private_network: z.boolean(),
  /** standard: the signed event envelope; slack: a Slack/Teams incoming-webhook body (`text` first) */
  format: z.enum(ENDPOINT_FORMATS),
};
export const ZCreateWebhookEndpoint = z
  .object({ ...fields, enabled: fields.enabled.default(true), allow_private_network: fields.allow_private_network.default(false), format: fields.format.default("standard") })
  .strict();
export const ZUpdateWebhookEndpoint = z.object(fields).partial().strict();
export type TCreateWebhookEndpoint = z.input<typeof ZCreateWebhookEndpoint>;
export type TUpdateWebhookEndpoint = z.input<typeof ZUpdateWebhookEndpoint>;

export function webhookEndpointJson(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    enabled: e.enabled,
    allow_private_network: e.allowPrivateNetwork,
    format: e.format,
    managed_by: e.managedBy,
    secret: e.secret,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function assertAdmin(principal: Principal | null | undefined) {
  if (principal && principal.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin can manage webhook endpoints.");
}

/** An endpoint the environment configures (ALERT_WEBHOOK_URL) changes with the environment only. */
function assertNotManaged(e: WebhookEndpoint) {
  if (e.managedBy) throw new AppError("CONFLICT", `This endpoint is configured by ${e.managedBy}: change or unset that variable instead.`);
}

async function assertUrlAllowed(url: string, allowPrivateNetwork: boolean, resolve?: Resolve) {
  const problem = await outboundUrlProblem(url, { allowPrivateNetwork, resolve });
  if (problem) throw new AppError("VALIDATION_FAILED", `This URL is refused: ${problem}.`, [{ path: "url", message: problem }]);
}

export async function listWebhookEndpoints({ db, principal }: { db: Db; principal?: Principal | null }) {
  assertAdmin(principal);
  const rows = await db.webhookEndpoint.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return { endpoints: rows.map(webhookEndpointJson), event_types: [...EVENT_TYPES] };
}

export async function getWebhookEndpoint({ db, principal, endpointId }: { db: Db; principal?: Principal | null; endpointId: string }) {
  assertAdmin(principal);
  return webhookEndpointJson(await loadEndpoint(db, endpointId));
}

export async function loadEndpoint(db: Db, endpointId: string): Promise<WebhookEndpoint> {
  const id = parseUuid(endpointId);
  const row = id !== null ? await db.webhookEndpoint.findUnique({ where: { id } }) : null;
  if (!row) throw new AppError("NOT_FOUND", "No webhook endpoint with this id.");
  return row;
}

export async function createWebhookEndpoint({ db, now, principal, input, resolve }: {
  db: Db; now: Date; principal?: Principal | null; input: TCreateWebhookEndpoint; resolve?: Resolve;
}) {
  assertAdmin(principal);
  const data = ZCreateWebhookEndpoint.parse(input);
  await assertUrlAllowed(data.url, data.allow_private_network, resolve);
  if ((await db.webhookEndpoint.count()) >= MAX_ENDPOINTS) throw new AppError("CONFLICT", `At most ${MAX_ENDPOINTS} webhook endpoints.`);
  const row = await db.$transaction(async (tx) => {
    const e = await tx.webhookEndpoint.create({
      data: {
        url: data.url, description: data.description ?? null, eventTypes: data.event_types, enabled: data.enabled,
        allowPrivateNetwork: data.allow_private_network, format: data.format, secret: generateEndpointSecret(), createdAt: now, updatedAt: now,
      },
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "webhook_endpoint.create", entityType: "webhook_endpoint", entityId: e.id, now,
      details: { url: e.url, event_types: e.eventTypes, allow_private_network: e.allowPrivateNetwork } });
    return e;
  });
  return webhookEndpointJson(row);
}

export async function updateWebhookEndpoint({ db, now, principal, endpointId, input, resolve }: {
  db: Db; now: Date; principal?: Principal | null; endpointId: string; input: TUpdateWebhookEndpoint; resolve?: Resolve;
}) {
  assertAdmin(principal);
  const data = ZUpdateWebhookEndpoint.parse(input);
  const current = await loadEndpoint(db, endpointId);
  assertNotManaged(current);
  const url = data.url ?? current.url;
  const allow = data.allow_private_network ?? current.allowPrivateNetwork;
  if (data.url !== undefined || data.allow_private_network !== undefined) await assertUrlAllowed(url, allow, resolve);
  const row = await db.$transaction(async (tx) => {
    const e = await tx.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        url, allowPrivateNetwork: allow, updatedAt: now,
        ...(data.description !== undefined ? { description: data.description ?? null } : {}),
        ...(data.event_types ? { eventTypes: data.event_types } : {}),
        ...(data.enabled !== undefined ? { enabled: data.enabled } : {}),
        ...(data.format !== undefined ? { format: data.format } : {}),
      },
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "webhook_endpoint.update", entityType: "webhook_endpoint", entityId: e.id, now, details: { ...data } });
    return e;
  });
  return webhookEndpointJson(row);
}

export async function deleteWebhookEndpoint({ db, now, principal, endpointId }: { db: Db; now: Date; principal?: Principal | null; endpointId: string }) {
  assertAdmin(principal);
  const current = await loadEndpoint(db, endpointId);
  assertNotManaged(current);
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: current.id } });
    await audit(tx, { actor: principal?.actor ?? "system", action: "webhook_endpoint.delete", entityType: "webhook_endpoint", entityId: current.id, now, details: { url: current.url } });
  });
  return { id: current.id, deleted: true as const };
}
