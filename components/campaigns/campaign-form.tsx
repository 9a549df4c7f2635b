"use client";

import { useQuery } from "@tanstack/react-query";
import { useActionState, useCallback, useDeferredValue, useMemo, useReducer, useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { initialActionState, type ActionState } from "@/components/forms/action-state";
import { countAudienceAction, saveCampaignAction } from "@/app/(dashboard)/campaigns/actions";
import { HandTypedTemplateEditor } from "@/components/templates/hand-typed-template-editor";
import { TemplateComposer, type TemplateChoice } from "@/components/templates/template-composer";
import { handTypedComponents, handTypedFromComponents, type HandTypedTemplate } from "@/lib/marketing/templates/hand-typed-template";
import type { SampleCustomer, TemplateOption } from "@/components/templates/types";
import { SendWindowFields, type SendWindowValue } from "@/components/careful/send-window-fields";
import { AbTestFields, type AbValue } from "@/components/campaigns/ab-test-fields";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

/**
 * Errors of a refused save that the user has since edited away: a path clears its own errors and those
 * under it ("target_audience.city", "variants.1.template_name"); `{ exact }` only its own (the A/B test's
 * "variants", a refusal of the split, not of every variant's fields).
 */
export type ClearedPath = string | { exact: string };
const clears = (c: ClearedPath, key: string) => (typeof c === "string" ? key === c || key.startsWith(`${c}.`) : key === c.exact);

/**
 * A refused save's errors, each until the user changes its field (the next save checks everything again):
 * a "Required" under a name since typed, or "Pick a template" once one is picked, misleads.
 */
function useFieldErrors(state: ActionState) {
  const [cleared, setCleared] = useState<{ of: ActionState; paths: ClearedPath[] }>({ of: state, paths: [] });
  // a new answer from the server starts afresh
  const paths = cleared.of === state ? cleared.paths : [];
  const errors = Object.fromEntries(Object.entries(state.errors ?? {}).filter(([key]) => !paths.some((c) => clears(c, key))));
  const clear = useCallback(
    (...more: ClearedPath[]) => setCleared((c) => ({ of: state, paths: [...(c.of === state ? c.paths : []), ...more] })),
    [state],
  );
  const refused = !state.ok && Boolean(state.errors || state.message);
  return {
    errors,
    clear,
    /** the save was refused and every error it had is edited away: its "Check the highlighted fields." no longer applies */
    allCleared: Boolean(state.errors) && Object.keys(errors).length === 0,
    /**
     * After a refused save, a template's fields are marked with what each still needs (besides the list),
     * until another template is picked there (`pickPath`): a fresh pick is marked at the next save.
     */
    markTemplate: (pickPath: string) => refused && !paths.some((c) => c === pickPath),
  };
}

export type CampaignFormInitial = {
  id?: string;
  name: string;
  description: string;
  template_name: string;
  language_code: string;
  daily_send_limit: number;
  priority: number;
  target_audience: { customer_tier?: string; city?: string; tags?: string[] };
  template_components: unknown[];
  /** null = any time; a new campaign starts with the workspace's default window */
  send_window?: SendWindowValue;
  /** the most the campaign may spend, in the rate card's currency (null = no cap) */
  budget?: number | null;
  /** A/B test (components/campaigns/ab-test-fields.tsx) */
  variants?: Array<{ name?: string; template_name?: string; language_code?: string; template_components?: unknown; share?: number }> | null;
  ab_test?: { test_share: number; decide_after_hours: number; metric: string } | null;
};

/** Everything the form edits, in one object (one reducer); the payload is derived from it. */
type FormState = {
  name: string;
  description: string;
  dailyLimit: string;
  priority: string;
  budget: string;
  sendWindow: SendWindowValue;
  tier: string;
  city: string;
  tags: string[];
  /** the template picked from the library (TemplateComposer reports it); null until one is picked */
  picked: TemplateChoice | null;
  /** the template typed by hand, when there is no library */
  handTyped: HandTypedTemplate;
  ab: AbValue;
};
type FormUpdate = Partial<FormState> | ((state: FormState) => Partial<FormState>);

const formReducer = (state: FormState, update: FormUpdate): FormState => ({ ...state, ...(typeof update === "function" ? update(state) : update) });

function initialFormState(initial: CampaignFormInitial): FormState {
  return {
    name: initial.name,
    description: initial.description,
    dailyLimit: String(initial.daily_send_limit),
    priority: String(initial.priority),
    budget: initial.budget === null || initial.budget === undefined ? "" : String(initial.budget),
    sendWindow: initial.send_window ?? null,
    tier: initial.target_audience.customer_tier ?? "",
    city: initial.target_audience.city ?? "",
    tags: initial.target_audience.tags ?? [],
    picked: null,
    handTyped: handTypedFromComponents(initial.template_name, initial.language_code, initial.template_components),
    ab: { variants: initial.variants ?? null, ab_test: initial.ab_test ?? null },
  };
}

export function CampaignForm({
  initial,
  options,
  templateLibrary,
  timezone,
}: {
  initial: CampaignFormInitial;
  /** CAMPAIGN_TIMEZONE, the time zone of the send window */
  timezone?: string;
  options: { tiers: string[]; cities: string[]; tags: string[] };
  /** the approved-template library: when it has templates, the template is picked from it (components/templates) */
  templateLibrary?: { templates: TemplateOption[]; sampleCustomer: SampleCustomer | null } | null;
}) {
  const [state, formAction, pending] = useActionState(saveCampaignAction, initialActionState);
  const formRef = useActionFormRef(state);
  const [form, update] = useReducer(formReducer, initial, initialFormState);
  const useLibrary = Boolean(templateLibrary && templateLibrary.templates.length > 0);

  const audience = useMemo(() => {
    const a: { customer_tier?: string; city?: string; tags?: string[] } = {};
    if (form.tier.trim()) a.customer_tier = form.tier.trim();
    if (form.city.trim()) a.city = form.city.trim();
    if (form.tags.length) a.tags = form.tags;
    return a;
  }, [form.tier, form.city, form.tags]);
  const deferredAudience = useDeferredValue(audience);
  const count = useQuery({
    queryKey: ["audience-count", deferredAudience],
    queryFn: () => countAudienceAction(deferredAudience),
    placeholderData: (prev) => prev,
    staleTime: 30_000,
  });

  // the library's pick (the stored template until one is picked), or the template typed by hand
  const template: TemplateChoice = useMemo(() => useLibrary
    ? (form.picked ?? { template_name: initial.template_name, language_code: initial.language_code, template_components: initial.template_components as Array<Record<string, unknown>> })
    : { template_name: form.handTyped.template_name, language_code: form.handTyped.language_code, template_components: handTypedComponents(form.handTyped) },
  [useLibrary, form.picked, form.handTyped, initial.template_name, initial.language_code, initial.template_components]);
  // AbTestFields reports its value from an effect: a stable callback
  const setAb = useCallback((ab: AbValue) => update({ ab }), []);

  const payload = {
    name: form.name,
    description: form.description.trim() ? form.description : null,
    template_name: template.template_name,
    language_code: template.language_code,
    // an emptied number field is sent as null (Number("") is 0, refused as "At least 1"): refused as "Required" (lib/zod.ts)
    daily_send_limit: form.dailyLimit.trim() === "" ? null : Number(form.dailyLimit),
    priority: form.priority.trim() === "" ? null : Number(form.priority),
    // blank: no cap; anything else is checked by the server's schema (a number ≥ 0, 4 decimals)
    budget: form.budget.trim() === "" ? null : Number(form.budget.trim()),
    send_window: form.sendWindow,
    target_audience: audience,
    template_components: template.template_components,
    variants: form.ab.variants,
    ab_test: form.ab.ab_test,
  };

  const { errors, clear, allCleared, markTemplate } = useFieldErrors(state);
  const err = (path: string) => errors[path];
  /** a field's change: its state, and its errors cleared */
  const edit = (path: string, patch: Partial<FormState>) => {
    clear(path);
    update(patch);
  };
  // a template picked (or typed) again: whatever was said about the template and its values no longer holds
  const pickTemplate = (choice: TemplateChoice) => {
    if (choice.template_name !== template.template_name || choice.language_code !== template.language_code) clear("template_name", "language_code", "template_components");
    else clear("template_components");
  };
  /** errors at or under a path (e.g. every problem of one component) */
  const errUnder = (prefix: string) =>
    Object.entries(errors)
      .filter(([k]) => k === prefix || k.startsWith(prefix + "."))
      .flatMap(([, v]) => v);

  return (
    <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-6" noValidate>
      <input type="hidden" name="campaignId" value={initial.id ?? ""} />
      <input type="hidden" name="payload" value={JSON.stringify(payload)} />
      {!state.ok && state.message && !allCleared ? <Notice tone="error">{state.message}</Notice> : null}

      <Card>
        <CardHeader title="Campaign" description="What the campaign is called and how fast it sends." />
        <CardBody className="grid grid-cols-1 gap-5 sm:grid-cols-2">
          <Field label="Name" htmlFor="name" errors={err("name")} className="sm:col-span-2">
            <Input id="name" value={form.name} onChange={(e) => edit("name", { name: e.target.value })} maxLength={200} invalid={Boolean(err("name"))} placeholder="Summer Sale 2026" />
          </Field>
          <Field label="Description" htmlFor="description" errors={err("description")} className="sm:col-span-2" optional>
            <Textarea id="description" rows={2} value={form.description} onChange={(e) => edit("description", { description: e.target.value })} maxLength={2000} />
          </Field>
          <Field label="Daily limit" htmlFor="daily_send_limit" errors={err("daily_send_limit")} hint="Messages per day; 250 is safe for WhatsApp.">
            <Input id="daily_send_limit" type="number" inputMode="numeric" min={1} max={100000} value={form.dailyLimit} onChange={(e) => edit("daily_send_limit", { dailyLimit: e.target.value })} />
          </Field>
          <Field label="Priority" htmlFor="priority" errors={err("priority")} hint="1 (low) to 10 (high): higher priority sends first.">
            <Input id="priority" type="number" inputMode="numeric" min={1} max={10} value={form.priority} onChange={(e) => edit("priority", { priority: e.target.value })} />
          </Field>
          <Field label="Budget" htmlFor="budget" errors={err("budget")} optional hint="The most this campaign may spend at Meta's rates (the rate card's currency, e.g. USD). Sending pauses before it would be exceeded.">
            <Input id="budget" type="number" inputMode="decimal" min={0} step="0.01" value={form.budget} onChange={(e) => edit("budget", { budget: e.target.value })} invalid={Boolean(err("budget"))} placeholder="No cap" />
          </Field>
          <div className="sm:col-span-2">
            <SendWindowFields value={form.sendWindow} onChange={(sendWindow) => edit("send_window", { sendWindow })} errors={errors} timezone={timezone ?? "the workspace time zone"} />
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Message template" description="An approved WhatsApp template and the values of its variables." />
        <CardBody className="space-y-6">
          {useLibrary && templateLibrary ? (
            <TemplateComposer templates={templateLibrary.templates} sampleCustomer={templateLibrary.sampleCustomer} initial={initial} onChange={(picked) => { pickTemplate(picked); update({ picked }); }} markProblems={markTemplate("template_name")}
              errors={[...(err("template_name") ?? []), ...(err("language_code") ?? [])]} />
          ) : (
            <HandTypedTemplateEditor value={form.handTyped} onChange={(handTyped) => { pickTemplate({ template_name: handTyped.template_name, language_code: handTyped.language_code, template_components: [] }); update({ handTyped }); }} errors={errors} />
          )}
          {errors.template_components ? <p className="text-sm font-medium text-red-600">{errors.template_components.join(" ")}</p> : null}
        </CardBody>
      </Card>

      <AbTestFields
        initial={initial}
        primary={template}
        templateLibrary={templateLibrary}
        errors={errors}
        clearErrors={clear}
        markTemplate={markTemplate}
        onChange={setAb}
      />

      <Card>
        <CardHeader
          title="Target audience"
          description="Who “Add the target audience” adds: subscribed, active customers matching every filter."
          actions={
            <div className="text-right" aria-live="polite">
              <p className="text-xs uppercase tracking-wide text-slate-500">Matching now</p>
              <p className={cn("text-xl font-semibold tabular-nums text-slate-900", count.isFetching && "opacity-60")} data-testid="audience-count">
                {count.data?.count === null || count.data === undefined ? "—" : formatInt(count.data.count)}
              </p>
            </div>
          }
        />
        <CardBody className="grid grid-cols-1 gap-5 sm:grid-cols-2">
          <Field label="Customer tier" htmlFor="aud_tier" errors={errUnder("target_audience.customer_tier")} optional>
            <Select id="aud_tier" value={form.tier} onChange={(e) => edit("target_audience.customer_tier", { tier: e.target.value })}>
              <option value="">Any tier</option>
              {[...new Set([...options.tiers, ...(form.tier ? [form.tier] : [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="City" htmlFor="aud_city" errors={errUnder("target_audience.city")} hint="Matched ignoring case." optional>
            <Input id="aud_city" list="aud_city_options" value={form.city} onChange={(e) => edit("target_audience.city", { city: e.target.value })} placeholder="Any city" />
            <datalist id="aud_city_options">
              {options.cities.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </Field>
          <fieldset className="sm:col-span-2">
            <legend className="mb-2 text-sm font-medium text-slate-800">
              Tags <span className="font-normal text-slate-500">(customers need all selected tags)</span>
            </legend>
            <div className="flex flex-wrap gap-2">
              {[...new Set([...options.tags, ...form.tags])].map((t) => {
                const on = form.tags.includes(t);
                return (
                  <label key={t} className={cn("cursor-pointer rounded-full border px-3 py-1 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600", on ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50")}>
                    <input type="checkbox" className="sr-only" checked={on} onChange={() => { clear("target_audience.tags"); update((s) => ({ tags: s.tags.includes(t) ? s.tags.filter((x) => x !== t) : [...s.tags, t] })); }} />
                    {on ? "✓ " : ""}
                    {t}
                  </label>
                );
              })}
              {options.tags.length === 0 ? <span className="text-sm text-slate-500">No tags yet: import customers with tags first.</span> : null}
            </div>
            {errUnder("target_audience.tags").length ? <p className="mt-1 text-xs font-medium text-red-600">{errUnder("target_audience.tags").join(" ")}</p> : null}
          </fieldset>
        </CardBody>
      </Card>

      <div data-sticky-actions className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 bg-slate-50/95 px-4 py-3 backdrop-blur sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:p-0">
        <ButtonLink href={initial.id ? `/campaigns/${initial.id}` : "/campaigns"} variant="secondary">
          Cancel
        </ButtonLink>
        <Button type="submit" pending={pending}>
          {initial.id ? "Save draft" : "Create draft"}
        </Button>
      </div>
    </form>
  );
}
