/** The download name of a campaign's recipients CSV: its name as a slug (at most 60 characters), "campaign" when nothing is left. */
export function recipientsCsvFileName(campaignName: string): string {
  const slug = campaignName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "campaign";
  return `${slug}-recipients.csv`;
}
