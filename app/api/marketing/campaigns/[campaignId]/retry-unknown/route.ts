import { apiRoute } from "@/lib/http/api-route";
import { retryUnknownRecipients } from "@/lib/marketing/recipients/retry-unknown-recipients";
import { getEngineSettings } from "@/lib/server/engine";

/** Re-sends recipients whose outcome is unknown (they may have received it): only on explicit request. */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  retryUnknownRecipients({ db, now, timezone: getEngineSettings().timezone, principal, campaignId: params.campaignId }),
);
