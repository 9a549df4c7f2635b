/**
 * Tracked links: a campaign's dynamic URL button may carry `{ "type": "text", "tracked_link": "https://…" }`.
 * That only works when the template's button URL is this app's redirect, `{APP_URL}/r/{{1}}`: the
 * recipient's click token becomes the suffix, GET /r/{token} counts the click and redirects to the link.
 * Any other button URL is 422 TEMPLATE_NOT_TRACKABLE. A campaign whose template could not be verified
 * (no template library) is accepted with its other values unverified, like everything else in it.
 */
import type { WhatsappTemplate } from "@/lib/generated/prisma/client";
import type { TCampaignComponents } from "@/lib/whatsapp/components";
import { AppError } from "../errors";
import { templateRequirements } from "../templates/template-json";

/** The URL a template's button must have for tracked links: `{APP_URL}/r/{{1}}`. */
export function trackingButtonUrl(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, "")}/r/{{1}}`;
}

/** The indexes of the buttons given a tracked link. */
export function trackedButtonIndexes(components: TCampaignComponents): number[] {
  return components
    .filter((c) => c.type === "button" && c.parameters.some((p) => p.type === "text" && "tracked_link" in p))
    .map((c) => Number((c as { index: number | string }).index));
}

export function assertTrackable({ components, template, appUrl }: {
  components: TCampaignComponents;
  /** the template as the library knows it; null = not verified */
  template: Pick<WhatsappTemplate, "name" | "language" | "components" | "parameterFormat"> | null;
  appUrl: string | null | undefined;
}): void {
  const indexes = trackedButtonIndexes(components);
  if (indexes.length === 0) return;
  if (indexes.length > 1) {
    throw new AppError("TEMPLATE_NOT_TRACKABLE", "Only one button can carry a tracked link.", { buttons: indexes });
  }
  if (!appUrl) {
    throw new AppError("TEMPLATE_NOT_TRACKABLE", "Tracked links need the app's public URL: set APP_URL (or NEXTAUTH_URL).");
  }
  if (!template) return;
  const expected = trackingButtonUrl(appUrl);
  const button = templateRequirements(template).buttons.find((b) => b.index === indexes[0]);
  if (!button || button.type !== "URL" || button.url !== expected) {
    throw new AppError(
      "TEMPLATE_NOT_TRACKABLE",
      `Template '${template.name}' (${template.language}) cannot carry a tracked link: its button ${indexes[0]} must be a URL button whose URL is ${expected}${button?.url ? ` (it is ${button.url})` : ""}.`,
      { button_index: indexes[0], expected_url: expected, template_url: button?.url ?? null },
    );
  }
}
