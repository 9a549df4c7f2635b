/**
 * Media card carousels and limited-time offers, as Meta defines them:
 *
 *  - A CAROUSEL template component holds 2–10 cards; every card has the same components: an IMAGE or
 *    VIDEO header, an optional body (with its own variables) and up to two buttons (quick reply, URL,
 *    phone number). A send gives one `carousel` component whose `cards` each carry `card_index` and the
 *    card's own header / body / button components:
 *      { type: "carousel", cards: [{ card_index: 0, components: [{ type: "header", parameters: [...] }, ...] }, ...] }
 *    A card is validated, previewed and filled like a small template of its own (its requirements are
 *    derived by the same deriveTemplateRequirements), every path and message naming the card.
 *  - A LIMITED_TIME_OFFER component ({ text, has_expiration }): with has_expiration, a send must give
 *      { type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms } }] }
 *    (the copy-code button carries the code). Without it, the component takes no values.
 */
import { z } from "@/lib/zod";
import type { TMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import { ZMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import type { ParameterFormat, TemplateRequirements } from "./requirements";

const ZMetaCard = z.object({ components: z.array(ZMetaTemplateComponent).default([]) }).passthrough();
const ZMetaCards = z.array(ZMetaCard).catch([]);
const ZMetaLimitedTimeOffer = z
  .object({ text: z.string().optional(), has_expiration: z.boolean().optional() })
  .passthrough()
  .catch({});

type Derive = (components: TMetaTemplateComponent[], format: ParameterFormat) => TemplateRequirements;

/** Each card's requirements; headers other than IMAGE / VIDEO are reported as unsupported. */
export function deriveCarouselCards(c: TMetaTemplateComponent, format: ParameterFormat, derive: Derive, unsupported: string[]): TemplateRequirements[] {
  const cards = ZMetaCards.parse((c as Record<string, unknown>).cards);
  return cards.map((card, i) => {
    const req = derive(card.components, format);
    if (req.header && req.header.format !== "IMAGE" && req.header.format !== "VIDEO") unsupported.push(`card ${i + 1} header ${req.header.format}`);
    unsupported.push(...req.unsupported.map((u) => `card ${i + 1} ${u}`));
    return req;
  });
}

export function deriveLimitedTimeOffer(c: TMetaTemplateComponent): { text: string; hasExpiration: boolean } {
  const lto = ZMetaLimitedTimeOffer.parse((c as Record<string, unknown>).limited_time_offer);
  return { text: lto.text ?? "", hasExpiration: lto.has_expiration === true };
}

export type Problem = { path: string; message: string };
type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

type ValidateCard = (req: TemplateRequirements, input: unknown) => { ok: true } | { ok: false; problems: Problem[] };

/**
 * The `carousel` component of a send against the template's cards: one entry per card, card_index
 * 0…n-1 each exactly once, and each card's components checked like a template's own.
 */
export function validateCarousel(req: TemplateRequirements, given: Array<[number, Loose]>, root: string, validateCard: ValidateCard): Problem[] {
  const problems: Problem[] = [];
  const n = req.cards.length;
  if (n === 0) {
    for (const [i] of given) problems.push({ path: `${root}.${i}`, message: "extra carousel component: the template has no carousel" });
    return problems;
  }
  if (given.length === 0) return [{ path: root, message: `missing the carousel component: the template has ${n} cards` }];
  if (given.length > 1) problems.push({ path: `${root}.${given[1][0]}`, message: "more than one carousel component" });
  const [i, c] = given[0];
  const path = `${root}.${i}.cards`;
  if (!Array.isArray(c.cards)) return [...problems, { path, message: `the carousel needs its cards: a list of ${n}` }];
  const seen = new Map<number, number>();
  c.cards.forEach((card, j) => {
    const cpath = `${path}.${j}`;
    if (!isObject(card)) return problems.push({ path: cpath, message: "each card needs card_index and components" });
    const index = card.card_index;
    if (typeof index !== "number" || !Number.isInteger(index)) return problems.push({ path: `${cpath}.card_index`, message: "each card needs its card_index (0 for the first card)" });
    if (index < 0 || index >= n) return problems.push({ path: `${cpath}.card_index`, message: `extra card ${index}: the template has ${n} cards (card_index 0–${n - 1})` });
    if (seen.has(index)) return problems.push({ path: `${cpath}.card_index`, message: `card ${index} is given twice` });
    seen.set(index, j);
    const result = validateCard(req.cards[index], card.components ?? []);
    if (!result.ok) {
      for (const p of result.problems) {
        const sub = p.path.replace(/^template_components/, `${cpath}.components`);
        problems.push({ path: sub, message: `card ${index}: ${p.message}` });
      }
    }
  });
  for (let k = 0; k < n; k++) if (!seen.has(k)) problems.push({ path, message: `missing card ${k}: the template has ${n} cards` });
  return problems;
}

/** The `limited_time_offer` component of a send: required (with a future-proof positive epoch ms) when the offer expires. */
export function validateLimitedTimeOffer(req: TemplateRequirements, given: Array<[number, Loose]>, root: string): Problem[] {
  const lto = req.limitedTimeOffer;
  if (!lto?.hasExpiration) {
    return given.map(([i]) => ({
      path: `${root}.${i}`,
      message: lto ? "extra limited_time_offer value: the template's offer has no expiration" : "extra limited_time_offer component: the template has no limited-time offer",
    }));
  }
  if (given.length === 0) return [{ path: root, message: "missing the offer's expiration: the template's limited-time offer expires (limited_time_offer.expiration_time_ms)" }];
  const problems: Problem[] = [];
  if (given.length > 1) problems.push({ path: `${root}.${given[1][0]}`, message: "more than one limited_time_offer component" });
  const [i, c] = given[0];
  const ps = Array.isArray(c.parameters) ? c.parameters : [];
  const p = ps[0];
  const ms = isObject(p) && isObject(p.limited_time_offer) ? p.limited_time_offer.expiration_time_ms : undefined;
  if (ps.length === 0) problems.push({ path: `${root}.${i}.parameters`, message: "missing the offer's expiration (limited_time_offer.expiration_time_ms)" });
  else if (!isObject(p) || p.type !== "limited_time_offer") problems.push({ path: `${root}.${i}.parameters.0`, message: "the offer's value must have type limited_time_offer" });
  else if (typeof ms !== "number" || !Number.isInteger(ms) || ms <= 0) {
    problems.push({ path: `${root}.${i}.parameters.0.limited_time_offer.expiration_time_ms`, message: "the offer's expiration must be a time in Unix milliseconds" });
  }
  if (ps.length > 1) problems.push({ path: `${root}.${i}.parameters.1`, message: "extra limited_time_offer value: the offer takes exactly one expiration" });
  return problems;
}
