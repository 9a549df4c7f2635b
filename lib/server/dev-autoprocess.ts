import "server-only";
import { getDb, plainReadOf } from "@/lib/db";
import { runScheduledProcessing } from "@/lib/marketing/processing/run-scheduled-processing";
import { getEngine } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

const INTERVAL_MS = 30_000;
const globalForDev = globalThis as unknown as { __devAutoProcess?: ReturnType<typeof setInterval> };

export function startDevAutoProcessing() {
  if (globalForDev.__devAutoProcess) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const db = getDb();
      const now = new Date();
      const { config, whatsapp } = await getEngine(db, { forRun: true, now });
      const result = await runScheduledProcessing({ db, read: plainReadOf(db), now, whatsapp, config: { ...config, timeBudgetMs: 20_000 }, templatesApi: getTemplatesApi() });
      if (result.messages_sent + result.failed + result.skipped > 0) {
        console.log(`[dev] processor: ${result.message}`);
      }
    } catch (error) {
      console.warn("[dev] processor run failed:", error instanceof Error ? error.message : "unknown");
    } finally {
      running = false;
    }
  };
  setTimeout(() => void tick(), 5_000);
  globalForDev.__devAutoProcess = setInterval(() => void tick(), INTERVAL_MS);
  globalForDev.__devAutoProcess.unref?.();
  console.log("[dev] sandbox: the daily processor runs every 30 s (WAC_DEV_AUTOPROCESS=0 to turn it off).");
}
