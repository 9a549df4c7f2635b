import { apiRoute, parseInput } from "@/lib/http/api-route";
import { getSendingSettings, sendingSettingsJson, updateSendingSettings, ZUpdateSendingSettings } from "@/lib/marketing/sending/sending-settings";

/** The default send window, the frequency cap and the failure-guard defaults (PATCH: admins only). */
export const GET = apiRoute({}, async ({ db }) => sendingSettingsJson(await getSendingSettings(db)));

export const PATCH = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  updateSendingSettings({ db, now, principal, input: parseInput(ZUpdateSendingSettings, await json()) }),
);
