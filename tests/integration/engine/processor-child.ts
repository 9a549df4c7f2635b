/**
 * A daily processor in its own process, for the crash tests: `node --import tsx processor-child.ts`
 * with DATABASE_URL, WA_API_URL and NOW (ISO). Prints the result as one JSON line and exits.
 * The test SIGKILLs it mid-run.
 */
import { createDb } from "@/lib/db";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { createCloudWhatsAppClient } from "@/lib/whatsapp/cloud-client";

const db = createDb(process.env.DATABASE_URL!, { max: 4 });
const whatsapp = createCloudWhatsAppClient({
  apiUrl: process.env.WA_API_URL!, apiVersion: "v23.0", phoneNumberId: "1098765432", accessToken: "fake-access-token",
  maxMps: 1000, timeoutMs: 60_000,
});
console.log(JSON.stringify({ ready: true, pid: process.pid }));
const result = await runDailyProcessing({
  db, now: new Date(process.env.NOW!), whatsapp,
  config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 10 * 60_000, batchSize: 10, concurrency: 5 },
});
console.log(JSON.stringify({ done: true, sent: result.messages_sent }));
await db.$disconnect();
