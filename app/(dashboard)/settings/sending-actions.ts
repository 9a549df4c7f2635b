"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { releaseSendHold } from "@/lib/marketing/sending/account-health";
import { updateSendingSettings, ZUpdateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { actionError, readPayload, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Admins: the default send window, the frequency cap and the failure-guard defaults (the API's schema). */
export async function saveSendingSettingsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const payload = readPayload(formData);
    const parsed = ZUpdateSendingSettings.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error);
    await updateSendingSettings({ db: getDb(), now: new Date(), principal, input: parsed.data });
    revalidatePath("/settings");
    revalidatePath("/overview");
    return { ok: true, message: "Sending settings saved." };
  } catch (error) {
    return actionError(error);
  }
}

/** Admins: ends the send hold (sending resumes at the next processor run). */
export async function releaseSendHoldAction(): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const r = await releaseSendHold({ db: getDb(), now: new Date(), principal });
    revalidatePath("/settings");
    revalidatePath("/overview");
    return { ok: true, message: r.message };
  } catch (error) {
    return actionError(error);
  }
}
