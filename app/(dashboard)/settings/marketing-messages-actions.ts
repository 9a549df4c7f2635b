"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { updateMarketingMessagesSettings } from "@/lib/marketing/sending/marketing-messages";
import { actionError, readPayload, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Admins: the Marketing Messages API route (on/off, product_policy, message_activity_sharing). */
export async function saveMarketingMessagesAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const payload = readPayload(formData);
    await updateMarketingMessagesSettings({ db: getDb(), now: new Date(), principal, input: payload });
    revalidatePath("/settings");
    return { ok: true, message: "Marketing Messages API settings saved." };
  } catch (error) {
    return actionError(error);
  }
}
