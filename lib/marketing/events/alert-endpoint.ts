/**
 * ALERT_WEBHOOK_URL is one webhook endpoint, owned by the environment: subscribed to alert.created, with
 * the Slack/Teams body (format "slack"), delivered like every other endpoint (durable outbox, backoff, in
 * order, delivery log, send again). Every processor run brings the row in step with the variable in one
 * idempotent statement (no write when nothing changed): set → created or updated and enabled; unset →
 * disabled (its delivery log stays). Admins see it in Settings but cannot edit or delete it.
 *
 * Private networks: the URL is checked like any endpoint's (loopback, link-local and private addresses
 * are refused) unless the deployment allows it — ALERT_WEBHOOK_ALLOW_PRIVATE_NETWORK=1, or a loopback
 * URL outside production (a local receiver while developing and in tests).
 */
import { isIP } from "node:net";
import { Prisma, type Db } from "../db";
import { generateEndpointSecret } from "./sign-payload";

export const ALERT_ENDPOINT_MANAGER = "ALERT_WEBHOOK_URL";

/** Whether the environment's alert endpoint may reach a private address (see the rule above). */
export function alertEndpointAllowsPrivateNetwork({ url, production, explicitlyAllowed }: { url: string; production: boolean; explicitlyAllowed: boolean }): boolean {
  if (explicitlyAllowed) return true;
  if (production) return false;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

export type AlertEndpointSync = "created" | "updated" | "unchanged" | "disabled";

/** Brings the environment's alert endpoint in step with ALERT_WEBHOOK_URL (null: unset). Concurrency-safe (one upsert). */
export async function syncAlertEndpoint({ db, now, url, allowPrivateNetwork }: {
  db: Db; now: Date; url: string | null; allowPrivateNetwork: boolean;
}): Promise<AlertEndpointSync> {
  if (url === null) {
    const n = await db.$executeRaw(Prisma.sql`
      UPDATE webhook_endpoints SET enabled = false, updated_at = ${now}::timestamptz
      WHERE managed_by = ${ALERT_ENDPOINT_MANAGER} AND enabled`);
    return n > 0 ? "disabled" : "unchanged";
  }
  const rows = await db.$queryRaw<Array<{ inserted: boolean }>>(Prisma.sql`
    INSERT INTO webhook_endpoints (id, url, description, secret, event_types, enabled, allow_private_network, format, managed_by, created_at, updated_at)
    VALUES (gen_random_uuid(), ${url}, 'Alerts (ALERT_WEBHOOK_URL)', ${generateEndpointSecret()}, ARRAY['alert.created'], true,
            ${allowPrivateNetwork}, 'slack', ${ALERT_ENDPOINT_MANAGER}, ${now}::timestamptz, ${now}::timestamptz)
    ON CONFLICT (managed_by) DO UPDATE SET url = EXCLUDED.url, enabled = true, allow_private_network = EXCLUDED.allow_private_network,
      event_types = EXCLUDED.event_types, format = EXCLUDED.format, updated_at = EXCLUDED.updated_at
    WHERE (webhook_endpoints.url, webhook_endpoints.enabled, webhook_endpoints.allow_private_network, webhook_endpoints.event_types, webhook_endpoints.format)
      IS DISTINCT FROM (EXCLUDED.url, true, EXCLUDED.allow_private_network, EXCLUDED.event_types, EXCLUDED.format)
    RETURNING (xmax = 0) AS inserted`);
  if (rows.length === 0) return "unchanged";
  return rows[0].inserted ? "created" : "updated";
}
