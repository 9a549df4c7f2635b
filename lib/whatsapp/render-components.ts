/**
 * A campaign's components filled for one recipient, in exactly the form Meta accepts:
 *
 *  - a text value is cleaned: newlines and tabs become spaces and runs of 4 or more spaces collapse to
 *    one (Meta refuses them with 132018); surrounding spaces are trimmed;
 *  - a header text value is at most 60 characters (Meta's limit) — longer is cut at 60;
 *  - an empty value is never sent: a variable whose customer field and fallback are both empty makes the
 *    recipient unsendable (`missing` names each one) before any request goes out;
 *  - media parameters carry only the fields Meta takes in a template header: `id` or `link`, and
 *    `filename` for documents (captions are not part of a template message); a header given by `link`
 *    is sent by id when the caller has uploaded it (`mediaIds`, keyed by link);
 *  - components never carry an empty `parameters` array (they are left out);
 *  - a carousel's cards are rendered each like a template (card_index kept); a limited-time offer's
 *    expiration is passed as given;
 *  - a tracked link's button carries the recipient's click token as its URL suffix (`clickToken`; a test
 *    send, which has none, carries UNTRACKED_SUFFIX).
 */
import type { MetaTemplateComponent } from "./types";
import { resolveVariable, UNTRACKED_SUFFIX, type CustomerData, type TCampaignComponents } from "./components";

/** Meta's limit for a header text parameter. */
export const HEADER_TEXT_MAX = 60;

/** A value as Meta accepts it in a template parameter: no newlines or tabs, no run of 4+ spaces. */
export function cleanParameterText(value: string): string {
  return value.replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ").replace(/ {4,}/g, " ").trim();
}

export type MissingValue = { component: string; index: number; field: string };

export type RenderedComponents =
  | { ok: true; components: MetaTemplateComponent[]; fromCustomerData: boolean }
  | { ok: false; missing: MissingValue[]; reason: string };

/** Our own failure code (stored as failure_reason's prefix) for a recipient with a value missing. */
export const MISSING_VARIABLE = "MISSING_VARIABLE";

function componentLabel(c: TCampaignComponents[number]): string {
  return c.type === "button" ? `button ${c.index}` : c.type;
}

type MediaParam = { id?: string; link?: string; filename?: string; caption?: string };

function mediaOut(kind: "image" | "video" | "document", media: MediaParam, mediaIds: ReadonlyMap<string, string> | undefined) {
  const id = media.id ?? (media.link ? mediaIds?.get(media.link) : undefined);
  const out: Record<string, string> = id ? { id } : { link: media.link ?? "" };
  if (kind === "document" && media.filename) out.filename = media.filename;
  return { type: kind, [kind]: out };
}

export function renderForRecipient(
  components: TCampaignComponents,
  customer: CustomerData | null | undefined,
  options: { mediaIds?: ReadonlyMap<string, string>; clickToken?: string | null } = {},
): RenderedComponents {
  const missing: MissingValue[] = [];
  let fromCustomerData = false;
  const out: MetaTemplateComponent[] = [];
  for (const component of components) {
    if (component.type === "carousel") {
      // each card is rendered like a small template; a missing value names its card
      const cards: Array<{ card_index: number; components: MetaTemplateComponent[] }> = [];
      for (const card of component.cards) {
        const r = renderForRecipient(card.components, customer, options);
        if (!r.ok) missing.push(...r.missing.map((m) => ({ ...m, component: `card ${card.card_index} ${m.component}` })));
        else {
          cards.push({ card_index: card.card_index, components: r.components });
          fromCustomerData ||= r.fromCustomerData;
        }
      }
      out.push({ type: "carousel", cards });
      continue;
    }
    if (component.type === "limited_time_offer") {
      out.push({ type: "limited_time_offer", parameters: component.parameters as Array<Record<string, unknown>> });
      continue;
    }
    const parameters: Array<Record<string, unknown>> = [];
    component.parameters.forEach((p, i) => {
      if (p.type === "image" || p.type === "video" || p.type === "document") {
        const media = (p as unknown as Record<string, MediaParam>)[p.type];
        parameters.push(mediaOut(p.type, media, options.mediaIds));
        return;
      }
      if (p.type !== "text") {
        parameters.push(p as Record<string, unknown>);
        return;
      }
      if ("tracked_link" in p) {
        parameters.push({ type: "text", text: options.clickToken ?? UNTRACKED_SUFFIX });
        return;
      }
      let text: string;
      if (p.variable) {
        const fromCustomer = resolveVariable({ ...p.variable, fallback: "" }, customer);
        text = cleanParameterText(fromCustomer !== "" ? fromCustomer : p.variable.fallback);
        if (fromCustomer !== "") fromCustomerData = true;
        if (text === "") {
          missing.push({ component: componentLabel(component), index: i + 1, field: p.variable.field });
          return;
        }
      } else {
        text = cleanParameterText(p.text ?? "");
        if (text === "") {
          missing.push({ component: componentLabel(component), index: i + 1, field: "text" });
          return;
        }
      }
      if (component.type === "header") text = text.slice(0, HEADER_TEXT_MAX).trimEnd();
      parameters.push(p.parameter_name ? { type: "text", parameter_name: p.parameter_name, text } : { type: "text", text });
    });
    if (parameters.length === 0) continue;
    if (component.type === "button") out.push({ type: "button", sub_type: component.sub_type, index: String(component.index), parameters });
    else out.push({ type: component.type, parameters });
  }
  if (missing.length > 0) {
    const what = missing.map((m) => `${m.component} parameter ${m.index} (${m.field})`).join(", ");
    return { ok: false, missing, reason: `${MISSING_VARIABLE}: no value and no fallback for ${what}` };
  }
  return { ok: true, components: out, fromCustomerData };
}
