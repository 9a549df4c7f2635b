import { apiRoute } from "@/lib/http/api-route";
import { getAccountHealth } from "@/lib/marketing/sending/get-account-health";
import { getEngine } from "@/lib/server/engine";

export const dynamic = "force-dynamic";

/** Account health, for any authenticated caller. */
export const GET = apiRoute({}, async ({ db, now }) => {
  const { config } = await getEngine(db);
  return getAccountHealth({ db, now, messagingLimit: config.messagingLimit });
});
