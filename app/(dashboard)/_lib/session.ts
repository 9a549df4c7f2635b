/**
 * Session checks for dashboard pages and server actions. Pages redirect to /login; actions refuse
 * with a message (a viewer's or signed-out form post changes nothing, whatever the UI showed).
 */
import "server-only";
import { redirect } from "next/navigation";
import { getCurrentUser, userPrincipal, type SessionUser } from "@/lib/auth";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { can, type Permission } from "@/lib/marketing/users/permissions";

/** The signed-in user of a page, or a redirect to /login. */
export async function requirePageUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

/** For pages that change things (a new campaign, a template editor): a viewer is sent to `elsewhere`. */
export async function requireChangerPage(elsewhere: string): Promise<SessionUser> {
  const user = await requirePageUser();
  if (!can(user.role, "change")) redirect(elsewhere);
  return user;
}

/** For admin-only pages: non-admins get the overview. */
export async function requireAdminPage(): Promise<SessionUser> {
  const user = await requirePageUser();
  if (!can(user.role, "manage")) redirect("/overview");
  return user;
}

export class ActionDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionDenied";
  }
}

/** The user of a server action, allowed `permission`; throws ActionDenied (turned into a form message). */
export async function requireActionUser(permission: Permission): Promise<{ user: SessionUser; principal: Principal }> {
  const user = await getCurrentUser();
  if (!user) throw new ActionDenied("Your session has ended. Sign in again.");
  if (!can(user.role, permission)) {
    throw new ActionDenied(permission === "manage" ? "Only admins can do this." : "Your role can view but not change anything.");
  }
  return { user, principal: userPrincipal(user) };
}
