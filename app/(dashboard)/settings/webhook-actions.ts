"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { resendDelivery, sendTestEvent } from "@/lib/marketing/events/deliver-events";
import { createWebhookEndpoint, deleteWebhookEndpoint, updateWebhookEndpoint, ZCreateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";
import { actionError, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

export async function createWebhookEndpointAction(_prev: ActionState, formData: FormData): Promise<ActionState<{ secret: string }>> {
  try {
    const { principal } = await requireActionUser("manage");
    const parsed = ZCreateWebhookEndpoint.safeParse({
      url: formData.get("url"),
      description: formData.get("description") || undefined,
      event_types: formData.getAll("event_types"),
      allow_private_network: formData.get("allow_private_network") === "on",
      format: formData.get("format") || undefined,
    });
    if (!parsed.success) return invalid(parsed.error);
    const created = await createWebhookEndpoint({ db: getDb(), now: new Date(), principal, input: parsed.data });
    revalidatePath("/settings");
    return { ok: true, message: "Endpoint added. Verify its signatures with this secret.", data: { secret: created.secret } };
  } catch (error) {
    return actionError(error);
  }
}

export async function setWebhookEndpointEnabledAction(endpointId: string, enabled: boolean): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    await updateWebhookEndpoint({ db: getDb(), now: new Date(), principal, endpointId, input: { enabled } });
    revalidatePath("/settings");
    return { ok: true, message: enabled ? "Endpoint enabled." : "Endpoint disabled: no new events are written for it." };
  } catch (error) {
    return actionError(error);
  }
}

export async function deleteWebhookEndpointAction(endpointId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    await deleteWebhookEndpoint({ db: getDb(), now: new Date(), principal, endpointId });
    revalidatePath("/settings");
    return { ok: true, message: "Endpoint deleted." };
  } catch (error) {
    return actionError(error);
  }
}

export async function sendTestEventAction(endpointId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const d = await sendTestEvent({ db: getDb(), now: new Date(), principal, endpointId });
    revalidatePath("/settings");
    return d.status === "delivered"
      ? { ok: true, message: "Test event delivered." }
      : { ok: false, message: `Test event not delivered yet (${d.last_error ?? "queued behind earlier events"}).` };
  } catch (error) {
    return actionError(error);
  }
}

export async function resendDeliveryAction(endpointId: string, deliveryId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const d = await resendDelivery({ db: getDb(), now: new Date(), principal, endpointId, deliveryId });
    revalidatePath("/settings");
    return d.last_error === null ? { ok: true, message: "Sent again: delivered." } : { ok: false, message: `Sent again: ${d.last_error}.` };
  } catch (error) {
    return actionError(error);
  }
}
