import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { getInboxHealth } from "@/lib/marketing/delivery/inbox-health";
import { getAccountHealth } from "@/lib/marketing/sending/get-account-health";
import { getEngine } from "@/lib/server/engine";

export const dynamic = "force-dynamic";

/** Account health and the webhook inbox (waiting, quarantined, ignored), for any authenticated caller. */
export const GET = apiRoute({}, async ({ db, now }) => {
  const { config } = await getEngine(db);
  return { ...(await getAccountHealth({ db, now, messagingLimit: config.messagingLimit })), webhook_inbox: await getInboxHealth(db) };
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
