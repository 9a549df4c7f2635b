"use client";

import { useMemo, useState } from "react";
import { Notice } from "@/components/ui/notice";
import { buildComponents, defaultValues, errorsBySlot, valuesFromComponents, type SlotValues } from "@/lib/marketing/templates/form-values";
import { OPT_OUT_WARNING } from "@/lib/marketing/templates/opt-out";
import { validateTemplateComponents } from "@/lib/marketing/templates/validate-components";
import { TemplateParameterFields } from "./template-parameter-fields";
import { TemplatePicker, TemplateStatusBadge } from "./template-picker";
import { TemplatePreview } from "./template-preview";
import type { SampleCustomer, TemplateOption } from "./types";

export type TemplateChoice = { template_name: string; language_code: string; template_components: Array<Record<string, unknown>> };

/**
 * The campaign form's template section: pick an approved template, fill the fields generated from it,
 * and see the message as a customer will (live WhatsApp bubble for a sample customer of the audience).
 * Controlled through onChange; the server checks the same rules again (checkCampaignTemplate).
 */
export function TemplateComposer({ templates, initial, sampleCustomer, onChange, canSync = true, idPrefix = "tpl", markProblems = false, errors }: {
  /** a refused save's errors about the template itself (its name or language), shown at the picker */
  errors?: string[];
  /** prefixes the fields' ids (several composers on one page) */
  idPrefix?: string;
  /** after a refused save: mark each field that still needs a value, besides listing them */
  markProblems?: boolean;
  templates: TemplateOption[];
  initial: { template_name: string; language_code: string; template_components: unknown };
  sampleCustomer?: SampleCustomer | null;
  onChange: (choice: TemplateChoice) => void;
  canSync?: boolean;
}) {
  const find = (name: string, language: string) => templates.find((t) => t.name === name && t.language === language) ?? null;
  const [selected, setSelected] = useState<TemplateOption | null>(() => find(initial.template_name, initial.language_code));
  const [values, setValues] = useState<SlotValues>(() => (selected ? valuesFromComponents(selected.parameters, initial.template_components) : {}));

  const components = useMemo(() => (selected ? buildComponents(selected.parameters, values) : []), [selected, values]);
  const { problems, bySlot } = useMemo(() => {
    if (!selected) return { problems: [], bySlot: {} };
    const r = validateTemplateComponents(selected.parameters, components);
    if (r.ok) return { problems: [], bySlot: {} };
    // each problem under the field whose component (or body parameter) it is about
    const byPath: Record<string, string[]> = {};
    for (const p of r.problems) (byPath[p.path] ??= []).push(p.message);
    return { problems: r.problems.map((p) => p.message), bySlot: errorsBySlot(selected.parameters, components, byPath) };
  }, [selected, components]);

  const update = (t: TemplateOption, v: SlotValues) => {
    setSelected(t);
    setValues(v);
    onChange({ template_name: t.name, language_code: t.language, template_components: buildComponents(t.parameters, v) });
  };

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]" data-testid={idPrefix === "tpl" ? "template-composer" : `${idPrefix}-template-composer`}>
      <div className="space-y-5">
        <TemplatePicker
          templates={templates}
          selected={selected ? { name: selected.name, language: selected.language } : null}
          canSync={canSync}
          idPrefix={idPrefix}
          // nothing picked: the server's words are about an empty name, the user's task is to pick one
          errors={errors?.length ? (selected ? errors : ["Pick a template from the library."]) : undefined}
          onSelect={(t) => update(t, selected && t.id === selected.id ? values : defaultValues(t.parameters))}
        />
        {initial.template_name && !selected ? (
          <Notice tone="warning">
            The campaign uses <code>{initial.template_name}</code> ({initial.language_code}), which is not in the template library. Pick a template to check its values.
          </Notice>
        ) : null}
        {selected ? (
          <div className="space-y-3">
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-medium text-slate-800">Values for</span>
              <code className="min-w-0 rounded bg-slate-100 px-1.5 py-0.5 [overflow-wrap:anywhere]">{selected.name}</code>
              <TemplateStatusBadge status={selected.status} />
            </div>
            {selected.status !== "APPROVED" ? (
              <Notice tone="error" title={`This template is ${selected.status}`}>
                {selected.reason ? `Reason: ${selected.reason}. ` : ""}A campaign can only be activated with a template Meta has approved.
              </Notice>
            ) : null}
            {selected.category === "MARKETING" && !selected.has_opt_out ? <Notice tone="warning">{OPT_OUT_WARNING}</Notice> : null}
            <TemplateParameterFields requirements={selected.parameters} values={values} onChange={(v) => update(selected, v)} idPrefix={idPrefix} errors={markProblems ? bySlot : undefined} />
            {problems.length > 0 ? (
              <Notice tone="warning" title="Still needed">
                <ul className="list-disc pl-5" data-testid="template-problems">
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </Notice>
            ) : null}
          </div>
        ) : null}
      </div>
      <div className="space-y-2">
        <p className="text-sm font-medium text-slate-800">Preview{sampleCustomer?.name ? ` for ${sampleCustomer.name}` : ""}</p>
        {selected ? (
          <TemplatePreview requirements={selected.parameters} components={components} customer={sampleCustomer} />
        ) : (
          <div className="rounded-xl bg-[#efeae2] p-6 text-center text-sm text-slate-600">Pick a template to see the message.</div>
        )}
      </div>
    </div>
  );
}
