import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { retryUnknownRecipients } from "@/lib/marketing/recipients/retry-unknown-recipients";
import { getEngineSettings } from "@/lib/server/engine";

/** Re-sends recipients whose outcome is unknown (they may have received it): only on explicit request. */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  retryUnknownRecipients({ db, now, timezone: getEngineSettings().timezone, principal, campaignId: params.campaignId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
