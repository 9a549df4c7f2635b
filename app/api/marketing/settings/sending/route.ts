import { apiRoute, parseInput, otherMethods } from "@/lib/http/api-route";
import { getSendingSettings, sendingSettingsJson, updateSendingSettings, ZUpdateSendingSettings } from "@/lib/marketing/sending/sending-settings";

/** The default send window, the frequency cap and the failure-guard defaults (PATCH: admins only). */
export const GET = apiRoute({}, async ({ db }) => sendingSettingsJson(await getSendingSettings(db)));

export const PATCH = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  updateSendingSettings({ db, now, principal, input: parseInput(ZUpdateSendingSettings, await json()) }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, DELETE, OPTIONS } = otherMethods(["GET", "PATCH"]);
