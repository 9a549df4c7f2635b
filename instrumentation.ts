/**
 * `npm run dev` in sandbox mode: run the daily processor every 30 seconds so the demo campaigns send
 * their share for today and the sandbox's delivery / read statuses make the numbers move on their own.
 * Only when WAC_DEV_AUTOPROCESS=1 (scripts/dev.ts sets it) and no real WhatsApp account is configured.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.WAC_DEV_AUTOPROCESS !== "1" || process.env.WHATSAPP_ACCESS_TOKEN) return;
  const { startDevAutoProcessing } = await import("@/lib/server/dev-autoprocess");
  startDevAutoProcessing();
}
