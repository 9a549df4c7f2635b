import { z } from "zod";
import { AppError } from "../errors";

const ZUuid = z.uuid();

/** A campaign id from a URL: anything that is not a UUID cannot exist (404, never a 500 from Postgres). */
export function parseCampaignId(value: unknown): string {
  const parsed = ZUuid.safeParse(value);
  if (!parsed.success) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return parsed.data.toLowerCase();
}
