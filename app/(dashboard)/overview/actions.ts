"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { markAlertsRead } from "@/lib/marketing/alerts/find-alerts";
import { actionError, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Marks one alert (or all) read. */
export async function markAlertsReadAction(ids: string[] | "all"): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const input = ids === "all" ? ({ all: true } as const) : { ids: ids.slice(0, 500) };
    const r = await markAlertsRead({ db: getDb(), now: new Date(), principal, input });
    revalidatePath("/overview");
    return { ok: true, message: r.marked === 1 ? "Alert marked as read." : `${r.marked} alerts marked as read.` };
  } catch (error) {
    return actionError(error);
  }
}
