/** What each dashboard role may do. Viewers see everything and change nothing; only admins manage the workspace. */
import type { Role } from "../auth/api-tokens";
import { ERASED_PHONE_PREFIX, maskPhone } from "../phone";

export type Permission = "view" | "change" | "manage";

export function can(role: Role, permission: Permission): boolean {
  if (permission === "view") return true;
  if (permission === "change") return role === "admin" || role === "marketer";
  return role === "admin";
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything, including users, API tokens and settings",
  marketer: "Creates and runs campaigns, manages customers",
  viewer: "Sees everything, changes nothing",
};

/** Viewers see phone numbers masked (dashboard pages and exports); other roles see them whole. */
export function canSeePhoneNumbers(role: Role): boolean {
  return role !== "viewer";
}

/**
 * Whether a search by number may match part of it. Viewers find a number only by typing it whole: a match
 * on a part, with its count, would let them read every number digit by digit that the lists mask.
 */
export function canSearchPartOfNumbers(role: Role): boolean {
  return canSeePhoneNumbers(role);
}

/** A stored number as the API gives it to this role: E.164 digits, or masked (+14•••••••01) for viewers. */
export function apiPhone(role: Role, phone: string): string {
  return canSeePhoneNumbers(role) ? phone : maskPhone(phone);
}

/** A phone number (E.164 digits) as this role may see it, with its '+'; an erased customer's placeholder as such. */
export function displayPhone(role: Role, phone: string): string {
  if (phone.startsWith(ERASED_PHONE_PREFIX)) return "Erased customer";
  return canSeePhoneNumbers(role) ? `+${phone}` : maskPhone(phone);
}
