import { AppError } from "../errors";
import { parseUuid } from "../uuid";

/** A campaign id from a URL: anything that is not a UUID cannot exist (404, never a 500 from Postgres). */
export function parseCampaignId(value: unknown): string {
  const id = parseUuid(value);
  if (id === null) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return id;
}
