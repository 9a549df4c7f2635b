/**
 * Runs once when a server process starts (`next start`, `next dev`, each serverless instance):
 * - checks the configuration and creates the first admin (lib/server/startup.ts);
 * - `npm run dev` in sandbox mode: runs the daily processor every 30 seconds so the demo campaigns send
 *   their share for today and the sandbox's statuses make the numbers move on their own (only when
 *   WAC_DEV_AUTOPROCESS=1, which scripts/dev.ts sets, and no real WhatsApp account is configured).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onServerStart } = await import("@/lib/server/startup");
  await onServerStart();
  if (process.env.WAC_DEV_AUTOPROCESS !== "1" || process.env.WHATSAPP_ACCESS_TOKEN) return;
  const { startDevAutoProcessing } = await import("@/lib/server/dev-autoprocess");
  startDevAutoProcessing();
}
