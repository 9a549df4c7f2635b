"use client";

import { Fragment } from "react";
import { Field, Input, Select } from "@/components/ui/field";
import type { SlotValue, SlotValues } from "@/lib/marketing/templates/form-values";
import type { ParameterSlot, TemplateRequirements } from "@/lib/marketing/templates/requirements";

export const VARIABLE_FIELDS = [
  { value: "first_name", label: "First name" },
  { value: "name", label: "Full name" },
  { value: "city", label: "City" },
  { value: "customer_tier", label: "Tier" },
  { value: "phone_number", label: "Phone number" },
];

/**
 * A template's sample value as a field's placeholder, marked as an example: a bare "Maria" in an empty field
 * reads as a value already given (the sample is never sent; the marketer gives each value).
 */
const example = (slot: ParameterSlot) => (slot.example ? `e.g. ${slot.example}` : "");

const fieldId = (prefix: string, slot: ParameterSlot, part: string) => `${prefix}-${slot.key.replace(/\W/g, "-")}-${part}`;

/** An ISO time as a datetime-local input's value (the browser's time zone). */
function toLocalInput(iso: string | undefined): string {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** One field per value the template needs, generated from its requirements. */
export function TemplateParameterFields({ requirements, values, onChange, errors, idPrefix = "tpl" }: {
  /** prefixes the fields' ids (several templates on one page) */
  idPrefix?: string;
  requirements: TemplateRequirements;
  values: SlotValues;
  onChange: (values: SlotValues) => void;
  /** problems by slot key (or "" for the whole list) */
  errors?: Record<string, string[]>;
}) {
  const set = (key: string, patch: SlotValue) => onChange({ ...values, [key]: { ...values[key], ...patch } });
  if (requirements.slots.length === 0) {
    return <p className="text-sm text-slate-500">This template has no variables: it is sent exactly as approved.</p>;
  }
  return (
    <div className="space-y-4">
      {requirements.slots.map((slot) => {
        const v = values[slot.key] ?? {};
        const err = errors?.[slot.key];
        if (slot.kind === "text") {
          const mode = v.mode ?? "literal";
          return (
            <fieldset key={slot.key} className="rounded-lg border border-slate-200 p-3" data-testid={`slot-${slot.key}`}>
              <legend className="px-1 text-sm font-medium text-slate-800">{slot.label}</legend>
              <div className="flex flex-wrap items-end gap-3">
                <Field label="Value" htmlFor={fieldId(idPrefix, slot, "mode")} className="w-full sm:w-auto sm:min-w-56">
                  <Select id={fieldId(idPrefix, slot, "mode")} value={mode} onChange={(e) => set(slot.key, { mode: e.target.value as "literal" | "variable" | "tracked", field: v.field ?? "first_name" })}>
                    <option value="literal">Same text for everyone</option>
                    <option value="variable">Customer data</option>
                    {slot.component === "button" ? <option value="tracked">Tracked link (counts clicks)</option> : null}
                  </Select>
                </Field>
                {mode === "literal" || mode === "tracked" ? (
                  <Field label={mode === "tracked" ? "Link" : "Text"} htmlFor={fieldId(idPrefix, slot, "text")} className="min-w-48 flex-1" errors={err}
                    hint={mode === "tracked" ? "Where a tap goes; the button's URL must be this app's /r/{{1}}" : undefined}>
                    <Input id={fieldId(idPrefix, slot, "text")} value={v.text ?? ""} placeholder={mode === "tracked" ? "https://" : example(slot)} invalid={!!err?.length} onChange={(e) => set(slot.key, { text: e.target.value })} />
                  </Field>
                ) : (
                  <>
                    <Field label="Customer field" htmlFor={fieldId(idPrefix, slot, "field")} className="w-full sm:w-auto sm:min-w-56">
                      <Select id={fieldId(idPrefix, slot, "field")} value={v.field ?? "first_name"} onChange={(e) => set(slot.key, { field: e.target.value })}>
                        {VARIABLE_FIELDS.map((f) => (
                          <option key={f.value} value={f.value}>{f.label}</option>
                        ))}
                        {v.field?.startsWith("attributes.") ? <option value={v.field}>{v.field}</option> : null}
                      </Select>
                    </Field>
                    <Field label="Fallback" htmlFor={fieldId(idPrefix, slot, "fallback")} hint="Used when a customer has no value" className="min-w-40 flex-1" errors={err}>
                      <Input id={fieldId(idPrefix, slot, "fallback")} value={v.fallback ?? ""} placeholder="there" onChange={(e) => set(slot.key, { fallback: e.target.value })} />
                    </Field>
                  </>
                )}
              </div>
            </fieldset>
          );
        }
        if (slot.kind === "location") {
          return (
            <fieldset key={slot.key} className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 p-3" data-testid={`slot-${slot.key}`}>
              <legend className="px-1 text-sm font-medium text-slate-800">{slot.label}</legend>
              {(["latitude", "longitude", "name", "address"] as const).map((part) => (
                <Field key={part} label={part[0].toUpperCase() + part.slice(1)} htmlFor={fieldId(idPrefix, slot, part)} optional={part === "name" || part === "address"} errors={part === "latitude" ? err : undefined}>
                  <Input id={fieldId(idPrefix, slot, part)} value={v[part] ?? ""} inputMode={part === "latitude" || part === "longitude" ? "decimal" : undefined} onChange={(e) => set(slot.key, { [part]: e.target.value })} />
                </Field>
              ))}
            </fieldset>
          );
        }
        if (slot.kind === "expiration") {
          return (
            <Field key={slot.key} label={slot.label} htmlFor={fieldId(idPrefix, slot, "text")} errors={err} hint="The offer code's countdown ends then (your time zone)">
              <Input id={fieldId(idPrefix, slot, "text")} type="datetime-local" value={toLocalInput(v.text)} invalid={!!err?.length}
                onChange={(e) => set(slot.key, { text: e.target.value ? new Date(e.target.value).toISOString() : "" })} />
            </Field>
          );
        }
        if (slot.kind === "flow") {
          return (
            <Field key={slot.key} label={slot.label} htmlFor={fieldId(idPrefix, slot, "text")} optional errors={err} hint="Sent back with the customer's answers to the flow">
              <Input id={fieldId(idPrefix, slot, "text")} value={v.text ?? ""} maxLength={1000} onChange={(e) => set(slot.key, { text: e.target.value })} />
            </Field>
          );
        }
        const label = slot.kind === "payload" ? `${slot.label} (sent back when tapped)` : slot.label;
        const filename = slot.kind === "document" ? (
          <Field label="File name" htmlFor={fieldId(idPrefix, slot, "filename")} optional>
            <Input id={fieldId(idPrefix, slot, "filename")} value={v.filename ?? ""} placeholder="catalogue.pdf" maxLength={240} onChange={(e) => set(slot.key, { filename: e.target.value })} />
          </Field>
        ) : null;
        return (
          <Fragment key={slot.key}>
          <Field label={label} htmlFor={fieldId(idPrefix, slot, "text")} optional={!slot.required} errors={err}
            hint={slot.kind === "image" || slot.kind === "video" || slot.kind === "document" ? "A public https link" : slot.kind === "coupon_code" ? "Up to 15 characters" : undefined}>
            <Input id={fieldId(idPrefix, slot, "text")} value={v.text ?? ""} placeholder={example(slot)} invalid={!!err?.length} type={slot.kind === "payload" || slot.kind === "coupon_code" ? "text" : "url"}
              maxLength={slot.kind === "coupon_code" ? 15 : undefined} onChange={(e) => set(slot.key, { text: e.target.value })} />
          </Field>
          {filename}
          </Fragment>
        );
      })}
      {errors?.[""]?.length ? <p className="text-sm text-red-700">{errors[""].join(" ")}</p> : null}
    </div>
  );
}
