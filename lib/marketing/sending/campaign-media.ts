/**
 * A campaign whose header media is given by link uploads the file to WhatsApp once and sends the id
 * (Meta fetching one link per recipient fails at scale with 131053). The id is kept in campaign_media
 * with its expiry and uploaded again after it. Concurrent runs of the same campaign take the campaign's
 * media lock (a transaction-scoped advisory lock) while one uploads: the others wait and read its id.
 */
import type { TCampaignComponents } from "@/lib/whatsapp/components";
import { MEDIA_ID_LIFETIME_MS } from "@/lib/whatsapp/media-upload";
import type { MediaUploadResult, WhatsAppClient } from "@/lib/whatsapp/types";
import { Prisma, type Db } from "../db";

/** an id is renewed this long before Meta forgets it (a run must not send an id that expires mid-way) */
const RENEW_BEFORE_MS = 24 * 3600_000;

/** The header links of a campaign's components. */
export function headerMediaLinks(components: TCampaignComponents): string[] {
  const links = new Set<string>();
  for (const c of components) {
    if (c.type !== "header") continue;
    for (const p of c.parameters) {
      if (p.type === "image" || p.type === "video" || p.type === "document") {
        const media = (p as unknown as Record<string, { link?: string }>)[p.type];
        if (media.link) links.add(media.link);
      }
    }
  }
  return [...links];
}

export type CampaignMedia = { ok: true; mediaIds: Map<string, string> } | { ok: false; failure: Extract<MediaUploadResult, { ok: false }> };

export async function ensureCampaignMedia({ db, now, campaignId, components, whatsapp }: {
  db: Db; now: Date; campaignId: string; components: TCampaignComponents; whatsapp: WhatsAppClient;
}): Promise<CampaignMedia> {
  const links = headerMediaLinks(components);
  const mediaIds = new Map<string, string>();
  if (links.length === 0 || !whatsapp.uploadMediaFromLink) return { ok: true, mediaIds };
  const upload = whatsapp.uploadMediaFromLink.bind(whatsapp);
  const valid = Prisma.sql`campaign_id = ${campaignId}::uuid AND link = ANY(${links}::text[]) AND expires_at > ${new Date(now.getTime() + RENEW_BEFORE_MS)}::timestamptz`;
  const cached = await db.$queryRaw<Array<{ link: string; media_id: string }>>(Prisma.sql`SELECT link, media_id FROM campaign_media WHERE ${valid}`);
  for (const c of cached) mediaIds.set(c.link, c.media_id);
  if (mediaIds.size === links.length) return { ok: true, mediaIds };

  return db.$transaction(async (tx) => {
    await tx.$queryRaw(Prisma.sql`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('campaign_media'), hashtext(${campaignId}))) l`);
    const again = await tx.$queryRaw<Array<{ link: string; media_id: string }>>(Prisma.sql`SELECT link, media_id FROM campaign_media WHERE ${valid}`);
    for (const c of again) mediaIds.set(c.link, c.media_id);
    for (const link of links) {
      if (mediaIds.has(link)) continue;
      const uploaded = await upload(link);
      if (!uploaded.ok) return { ok: false as const, failure: uploaded };
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO campaign_media (campaign_id, link, media_id, uploaded_at, expires_at)
        VALUES (${campaignId}::uuid, ${link}, ${uploaded.id}, ${now}::timestamptz, ${new Date(now.getTime() + MEDIA_ID_LIFETIME_MS)}::timestamptz)
        ON CONFLICT (campaign_id, link) DO UPDATE SET media_id = EXCLUDED.media_id, uploaded_at = EXCLUDED.uploaded_at, expires_at = EXCLUDED.expires_at`);
      mediaIds.set(link, uploaded.id);
    }
    return { ok: true as const, mediaIds };
  }, { timeout: 180_000, maxWait: 180_000 });
}
