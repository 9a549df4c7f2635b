/** Downloads a campaign's recipients as CSV, streamed in batches (100,000+ rows never sit in memory); audited, masked for viewers. */
import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { csvDownload } from "@/lib/http/csv-download";
import { recipientsCsv, startRecipientsExport } from "@/lib/marketing/recipients/export-recipients";
import { recipientsCsvFileName } from "@/lib/marketing/recipients/recipients-csv-file-name";

export const dynamic = "force-dynamic";
// 1,000,000 recipients are 200 keyset pages of 5,000 rows on the (campaign, phone) index. Not measured yet:
// 300 s allows 1.5 s a page, several times what a page of index scan and CSV formatting should take, and
// room for a slow client reading the stream.
export const maxDuration = 300;

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, now, principal, params }) => {
  const { campaign, mask } = await startRecipientsExport({ db, now, principal, campaignId: params.campaignId });
  const chunks = recipientsCsv({ db, campaignId: campaign.id, mask });
  return csvDownload(chunks, recipientsCsvFileName(campaign.name));
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
