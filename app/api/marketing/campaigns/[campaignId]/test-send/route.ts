import { apiRoute, parseInput, otherMethods } from "@/lib/http/api-route";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { sendTestMessages, ZTestSend } from "@/lib/marketing/templates/send-test-messages";
import { getTemplatesApi } from "@/lib/server/templates";
import { getWhatsAppClient } from "@/lib/server/whatsapp";

/** POST /api/marketing/campaigns/{id}/test-send {"phone_numbers": ["+1…", …]} (1 to 10) */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, json }) => {
  const campaignId = parseCampaignId(params.campaignId);
  const body = parseInput(ZTestSend, await json());
  return sendTestMessages({ db, now, whatsapp: getWhatsAppClient(), api: getTemplatesApi(), campaignId, phoneNumbers: body.phone_numbers, principal });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
