/**
 * A tap on a tracked URL button (GET /r/{token}): the recipient's click is recorded — the first time,
 * how many times, the latest time — in one UPDATE on the token's row, so concurrent taps all count and
 * `first_clicked_at` is set exactly once (a recipient has clicked or not, however often they tap). Link
 * previews are not counted (link-preview.ts) but get the same redirect. An unknown token is not found.
 */
import { trackedLinkOf, ZCampaignComponents } from "@/lib/whatsapp/components";
import { Prisma, type DbOrTx } from "../db";
import { readVariants } from "../ab/variants";

/** click tokens are base64url (22 characters from 16 random bytes); anything else is not looked up */
const TOKEN_RE = /^[A-Za-z0-9_-]{16,64}$/;

export type ClickResult = { kind: "redirect"; url: string; counted: boolean } | { kind: "not_found" };

export async function recordClick({ db, now, token, count }: { db: DbOrTx; now: Date; token: string; count: boolean }): Promise<ClickResult> {
  if (!TOKEN_RE.test(token)) return { kind: "not_found" };
  const rows = count
    ? await db.$queryRaw<Array<{ template_components: unknown; variants: unknown; variant: number | null }>>(Prisma.sql`
        WITH hit AS (
          UPDATE campaign_recipients SET click_count = click_count + 1,
            first_clicked_at = coalesce(first_clicked_at, ${now}::timestamptz),
            last_clicked_at = greatest(last_clicked_at, ${now}::timestamptz)
          WHERE click_token = ${token}
          RETURNING campaign_id, variant)
        SELECT c.template_components, c.variants, hit.variant FROM hit JOIN marketing_campaigns c ON c.id = hit.campaign_id`)
    : await db.$queryRaw<Array<{ template_components: unknown; variants: unknown; variant: number | null }>>(Prisma.sql`
        SELECT c.template_components, c.variants, r.variant FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id
        WHERE r.click_token = ${token}`);
  if (rows.length === 0) return { kind: "not_found" };
  // the link is in the message the recipient was sent: their A/B variant's, else the campaign's
  const variant = rows[0].variant === null ? null : readVariants(rows[0].variants)?.[rows[0].variant];
  const components = ZCampaignComponents.safeParse(variant ? variant.template_components : rows[0].template_components);
  const url = components.success ? trackedLinkOf(components.data) : null;
  if (!url) return { kind: "not_found" };
  return { kind: "redirect", url, counted: count };
}
