"use client";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select } from "@/components/ui/field";
import { errorsBySlot } from "@/lib/marketing/templates/form-values";
import {
  HAND_TYPED_HEADERS, handTypedComponents, handTypedEdits, handTypedRequirements, MAX_HAND_TYPED_BUTTONS,
  type HandTypedShape, type HandTypedTemplate,
} from "@/lib/marketing/templates/hand-typed-template";
import type { ParameterSlot } from "@/lib/marketing/templates/requirements";
import { TemplateParameterFields } from "./template-parameter-fields";

const BUTTON_LABELS: Record<HandTypedShape["buttons"][number], string> = { quick_reply: "Quick reply", url: "URL (dynamic suffix)", copy_code: "Copy code" };

/**
 * The campaign form's template section when there is no template library: the template's name and
 * language typed by hand, its shape (header, body variables, buttons), and the values of its slots in
 * the same fields as a template picked from the library (TemplateParameterFields). Controlled; `errors`
 * are the form's server errors by path, shown beside the field they concern.
 */
export function HandTypedTemplateEditor({ value, onChange, errors }: {
  value: HandTypedTemplate;
  onChange: (value: HandTypedTemplate) => void;
  errors: Record<string, string[]>;
}) {
  const req = handTypedRequirements(value.shape);
  const slotErrors = errorsBySlot(req, handTypedComponents(value), errors);
  const fields = (slot: ParameterSlot | undefined) =>
    slot ? (
      <TemplateParameterFields requirements={{ ...req, slots: [slot] }} values={value.values} onChange={(values) => onChange({ ...value, values })} errors={slotErrors} idPrefix="hand" />
    ) : null;
  const slot = (key: string) => req.slots.find((s) => s.key === key);
  const err = (path: string) => errors[path];

  return (
    <div className="space-y-6" data-testid="hand-typed-template">
      <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
        <Field label="Template name" htmlFor="template_name" errors={err("template_name")} hint="As approved in WhatsApp Manager, e.g. summer_sale_promo.">
          <Input id="template_name" value={value.template_name} onChange={(e) => onChange({ ...value, template_name: e.target.value })} invalid={Boolean(err("template_name"))} autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="Language" htmlFor="language_code" errors={err("language_code")} hint="The template's language code, e.g. en_US.">
          <Input id="language_code" value={value.language_code} onChange={(e) => onChange({ ...value, language_code: e.target.value })} invalid={Boolean(err("language_code"))} autoComplete="off" spellCheck={false} />
        </Field>
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Header</legend>
        <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Header type">
          {HAND_TYPED_HEADERS.map((k) => (
            <label key={k} className={cn("cursor-pointer rounded-lg border px-3 py-1.5 text-sm capitalize has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600", value.shape.header === k ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50")}>
              <input type="radio" name="header_kind" value={k} checked={value.shape.header === k} onChange={() => onChange(handTypedEdits.setHeader(value, k))} className="sr-only" />
              {k === "none" ? "No header" : k}
            </label>
          ))}
        </div>
        {fields(slot("header"))}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Body variables</legend>
        <p className="text-sm text-slate-500">
          One value per <code className="rounded bg-slate-100 px-1">{"{{n}}"}</code> in the template body, in order. A customer variable is filled per recipient; the fallback is used when the customer has no value.
        </p>
        {Array.from({ length: value.shape.bodyVariables }, (_, j) => j + 1).map((n) => (
          <div key={n} className="flex flex-col gap-2 sm:flex-row sm:items-start">
            <div className="min-w-0 flex-1">{fields(slot(`body.${n}`))}</div>
            <Button variant="ghost" size="sm" className="self-end sm:mt-7 sm:self-auto" onClick={() => onChange(handTypedEdits.removeBodyVariable(value, n))} aria-label={`Remove variable ${n}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button variant="secondary" size="sm" onClick={() => onChange(handTypedEdits.addBodyVariable(value))}>
          Add body variable
        </Button>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Buttons</legend>
        <p className="text-sm text-slate-500">Only buttons with a variable part need a value: a quick-reply payload, a URL suffix or a coupon code.</p>
        {value.shape.buttons.map((b, i) => (
          <div key={i} className="rounded-lg border border-slate-200 p-3">
            <div className="flex flex-wrap items-end gap-3">
              <Field label={`Button ${i + 1}`} htmlFor={`button_${i}_type`}>
                <Select id={`button_${i}_type`} className="w-44" value={b} onChange={(e) => onChange(handTypedEdits.setButtonType(value, i, e.target.value as typeof b))}>
                  {Object.entries(BUTTON_LABELS).map(([type, label]) => (
                    <option key={type} value={type}>{label}</option>
                  ))}
                </Select>
              </Field>
              <Button variant="ghost" size="sm" onClick={() => onChange(handTypedEdits.removeButton(value, i))} aria-label={`Remove button ${i + 1}`}>
                Remove
              </Button>
            </div>
            <div className="mt-3">{fields(slot(`button.${i}`))}</div>
          </div>
        ))}
        <Button variant="secondary" size="sm" onClick={() => onChange(handTypedEdits.addButton(value))} disabled={value.shape.buttons.length >= MAX_HAND_TYPED_BUTTONS}>
          Add button
        </Button>
      </fieldset>
    </div>
  );
}
