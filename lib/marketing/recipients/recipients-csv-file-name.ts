/**
 * The download name of a campaign's recipients CSV: its name as a slug in any script (accents dropped:
 * "Été Sale" → "ete-sale"; at most 60 characters), "campaign" when nothing is left.
 */
export function recipientsCsvFileName(campaignName: string): string {
  const slug = campaignName.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 60).replace(/-$/, "") || "campaign";
  return `${slug}-recipients.csv`;
}
