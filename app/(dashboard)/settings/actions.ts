"use server";

import { revalidatePath } from "next/cache";
import { renewOwnSession } from "@/lib/auth";
import { getDb } from "@/lib/db";
import type { Role } from "@/lib/marketing/auth/api-tokens";
import { issueApiToken, revokeApiToken, ZCreateApiToken } from "@/lib/marketing/settings/api-tokens";
import { createUser, updateUser, ZCreateUser, ZUpdateUser } from "@/lib/marketing/users/users";
import { actionError, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

export async function createApiTokenAction(_prev: ActionState, formData: FormData): Promise<ActionState<{ token: string; name: string }>> {
  try {
    const { principal } = await requireActionUser("manage");
    const parsed = ZCreateApiToken.safeParse({ name: formData.get("name"), role: formData.get("role"), expires_in_days: formData.get("expires_in_days") || undefined });
    if (!parsed.success) return invalid(parsed.error);
    const created = await issueApiToken({ db: getDb(), now: new Date(), actor: principal, input: parsed.data });
    revalidatePath("/settings");
    return { ok: true, message: `Token “${created.name}” created. Copy it now: it will not be shown again.`, data: { token: created.token, name: created.name } };
  } catch (error) {
    return actionError(error);
  }
}

export async function revokeApiTokenAction(tokenId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    await revokeApiToken({ db: getDb(), now: new Date(), actor: principal, tokenId });
    revalidatePath("/settings");
    return { ok: true, message: "Token revoked. Requests using it are refused from now on." };
  } catch (error) {
    return actionError(error);
  }
}

export async function createUserAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const parsed = ZCreateUser.safeParse({
      email: formData.get("email"),
      name: formData.get("name") || undefined,
      role: formData.get("role"),
      password: formData.get("password"),
    });
    if (!parsed.success) return invalid(parsed.error);
    const user = await createUser({ db: getDb(), now: new Date(), actor: principal, input: parsed.data });
    revalidatePath("/settings");
    return { ok: true, message: `${user.email} can now sign in as ${user.role}.` };
  } catch (error) {
    return actionError(error);
  }
}

export async function updateUserAction(userId: string, patch: { role?: string; disabled?: boolean; password?: string }): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const parsed = ZUpdateUser.safeParse(patch);
    if (!parsed.success) return invalid(parsed.error);
    const updated = await updateUser({ db: getDb(), now: new Date(), actor: principal, userId, input: parsed.data });
    // a new password or role ended the user's sessions: keep the admin's own current one
    if (updated.id === principal.id) await renewOwnSession({ ...updated, role: updated.role as Role });
    revalidatePath("/settings");
    return { ok: true, message: "User updated." };
  } catch (error) {
    return actionError(error);
  }
}
