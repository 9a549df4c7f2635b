/**
 * A template typed by hand, when there is no template library to pick from: the marketer gives its
 * name and language and its shape (the header's kind, how many body variables, which buttons take a
 * value). The shape is turned into Meta's component definitions and read by deriveTemplateRequirements,
 * so the same fields (form-values.ts) edit it as a template picked from the library. The server checks
 * the result against the real template when one is known (checkCampaignTemplate).
 */
import type { TMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import { buildComponents, valuesFromComponents, type SlotValues } from "./form-values";
import { deriveTemplateRequirements, type TemplateRequirements } from "./requirements";

export const HAND_TYPED_HEADERS = ["none", "image", "video", "document", "text"] as const;
export const MAX_HAND_TYPED_BUTTONS = 10;

export type HandTypedShape = {
  header: (typeof HAND_TYPED_HEADERS)[number];
  /** {{1}} … {{n}} in the body */
  bodyVariables: number;
  buttons: Array<"quick_reply" | "url" | "copy_code">;
};

const BUTTON_TYPE = { quick_reply: "QUICK_REPLY", url: "URL", copy_code: "COPY_CODE" } as const;

/** The requirements of a template of this shape (positional variables, as Meta numbers them). */
export function handTypedRequirements(shape: HandTypedShape): TemplateRequirements {
  const components: TMetaTemplateComponent[] = [];
  if (shape.header === "text") components.push({ type: "HEADER", format: "TEXT", text: "{{1}}" });
  else if (shape.header !== "none") components.push({ type: "HEADER", format: shape.header.toUpperCase() });
  components.push({ type: "BODY", text: Array.from({ length: shape.bodyVariables }, (_, i) => `{{${i + 1}}}`).join(" ") });
  if (shape.buttons.length > 0) {
    components.push({
      type: "BUTTONS",
      buttons: shape.buttons.map((b, i) => ({ type: BUTTON_TYPE[b], text: `${i + 1}`, ...(b === "url" ? { url: "https://example.com/{{1}}" } : {}) })),
    });
  }
  return deriveTemplateRequirements(components, "POSITIONAL");
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

/** The shape of stored components (a campaign being edited without a library). */
export function shapeOfComponents(components: unknown): HandTypedShape {
  const list = Array.isArray(components) ? components.filter(isObject) : [];
  const shape: HandTypedShape = { header: "none", bodyVariables: 0, buttons: [] };
  for (const c of list) {
    const p = Array.isArray(c.parameters) ? c.parameters : [];
    if (c.type === "header" && isObject(p[0])) {
      const kind = p[0].type;
      if (kind === "image" || kind === "video" || kind === "document" || kind === "text") shape.header = kind;
    } else if (c.type === "body") {
      shape.bodyVariables = p.length;
    } else if (c.type === "button") {
      const sub = c.sub_type === "url" || c.sub_type === "copy_code" ? c.sub_type : "quick_reply";
      const index = Number(c.index);
      if (Number.isInteger(index) && index >= 0 && index < MAX_HAND_TYPED_BUTTONS) shape.buttons[index] = sub;
    }
  }
  // a gap in the stored button indexes becomes a quick reply (sent without a value)
  shape.buttons = Array.from({ length: shape.buttons.length }, (_, i) => shape.buttons[i] ?? "quick_reply");
  return shape;
}

/** The hand-typed template being edited: its name, language, shape and the values of its slots. */
export type HandTypedTemplate = { template_name: string; language_code: string; shape: HandTypedShape; values: SlotValues };

export function handTypedFromComponents(templateName: string, languageCode: string, components: unknown): HandTypedTemplate {
  const shape = shapeOfComponents(components);
  return { template_name: templateName, language_code: languageCode, shape, values: valuesFromComponents(handTypedRequirements(shape), components) };
}

/** What the campaign is saved with. */
export function handTypedComponents(t: HandTypedTemplate): Array<Record<string, unknown>> {
  return buildComponents(handTypedRequirements(t.shape), t.values);
}

/** The values with the numbered slots `<prefix>.<n>` from `from` on moved down by one (slot `from` removed). */
function removeNumbered(values: SlotValues, prefix: "body" | "button", from: number): SlotValues {
  const out: SlotValues = {};
  const numbered = new RegExp(`^${prefix}\\.(\\d+)$`);
  for (const [key, v] of Object.entries(values)) {
    const m = numbered.exec(key);
    const n = m ? Number(m[1]) : null;
    if (n === null || n < from) out[key] = v;
    else if (n > from) out[`${prefix}.${n - 1}`] = v;
  }
  return out;
}

/** The edits of the shape; each keeps the values of the slots that stay. */
export const handTypedEdits = {
  /** a media link stays when only the media kind changes; any other change starts the header empty */
  setHeader(t: HandTypedTemplate, header: HandTypedShape["header"]): HandTypedTemplate {
    if (header === t.shape.header) return t;
    const media = (h: HandTypedShape["header"]) => h === "image" || h === "video" || h === "document";
    if (media(header) && media(t.shape.header)) return { ...t, shape: { ...t.shape, header } };
    const { header: _dropped, ...values } = t.values;
    return { ...t, shape: { ...t.shape, header }, values };
  },
  addBodyVariable(t: HandTypedTemplate): HandTypedTemplate {
    const n = t.shape.bodyVariables + 1;
    return { ...t, shape: { ...t.shape, bodyVariables: n }, values: { ...t.values, [`body.${n}`]: { mode: "literal", text: "" } } };
  },
  /** i counts from 1, as {{i}} */
  removeBodyVariable(t: HandTypedTemplate, i: number): HandTypedTemplate {
    return { ...t, shape: { ...t.shape, bodyVariables: t.shape.bodyVariables - 1 }, values: removeNumbered(t.values, "body", i) };
  },
  addButton(t: HandTypedTemplate): HandTypedTemplate {
    if (t.shape.buttons.length >= MAX_HAND_TYPED_BUTTONS) return t;
    return { ...t, shape: { ...t.shape, buttons: [...t.shape.buttons, "quick_reply"] } };
  },
  /** i counts from 0, as Meta's button index */
  removeButton(t: HandTypedTemplate, i: number): HandTypedTemplate {
    return { ...t, shape: { ...t.shape, buttons: t.shape.buttons.filter((_, j) => j !== i) }, values: removeNumbered(t.values, "button", i) };
  },
  setButtonType(t: HandTypedTemplate, i: number, type: HandTypedShape["buttons"][number]): HandTypedTemplate {
    const { [`button.${i}`]: _dropped, ...values } = t.values;
    return { ...t, shape: { ...t.shape, buttons: t.shape.buttons.map((b, j) => (j === i ? type : b)) }, values };
  },
};
