"use client";

import { useQuery } from "@tanstack/react-query";
import { useActionState, useDeferredValue, useMemo, useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { initialActionState } from "@/components/forms/action-state";
import { countAudienceAction, saveCampaignAction } from "@/app/(dashboard)/campaigns/actions";
import { TemplateComposer, type TemplateChoice } from "@/components/templates/template-composer";
import type { SampleCustomer, TemplateOption } from "@/components/templates/types";
import { SendWindowFields, type SendWindowValue } from "@/components/careful/send-window-fields";
import { AbTestFields, type AbValue } from "@/components/campaigns/ab-test-fields";

/** A text value of a template parameter: a literal, or a per-recipient variable with a fallback. */
type Value = { mode: "literal" | "variable" | "tracked"; text: string; field: string; fallback: string };
type HeaderKind = "none" | "text" | "image" | "video" | "document";
type ButtonState = { sub_type: "quick_reply" | "url" | "copy_code"; value: Value };

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

const VARIABLE_FIELDS = [
  { value: "first_name", label: "First name" },
  { value: "name", label: "Full name" },
  { value: "city", label: "City" },
  { value: "customer_tier", label: "Tier" },
  { value: "phone_number", label: "Phone number" },
];

const emptyValue = (): Value => ({ mode: "literal", text: "", field: "first_name", fallback: "" });

type Param = { type?: string; text?: string; tracked_link?: string; variable?: { field?: string; fallback?: string }; payload?: string; coupon_code?: string; image?: { link?: string }; video?: { link?: string }; document?: { link?: string; filename?: string } };
type Component = { type?: string; sub_type?: string; parameters?: Param[] };

function toValue(p: Param | undefined): Value {
  // a tracked link is kept as it is (its suffix is each recipient's click token)
  if (typeof p?.tracked_link === "string") return { ...emptyValue(), mode: "tracked", text: p.tracked_link };
  if (p?.variable) return { mode: "variable", text: "", field: p.variable.field ?? "first_name", fallback: p.variable.fallback ?? "" };
  return { ...emptyValue(), text: p?.text ?? p?.payload ?? p?.coupon_code ?? "" };
}

function fromValue(v: Value): Param {
  if (v.mode === "tracked") return { type: "text", tracked_link: v.text };
  return v.mode === "variable" ? { type: "text", variable: { field: v.field, fallback: v.fallback } } : { type: "text", text: v.text };
}

/** The stored components → the editor's state (unknown shapes are kept as they are). */
function readComponents(components: unknown[]) {
  let headerKind: HeaderKind = "none";
  let headerLink = "";
  let headerFilename = "";
  let headerText = emptyValue();
  let body: Value[] = [];
  const buttons: ButtonState[] = [];
  for (const raw of components as Component[]) {
    const p = raw.parameters?.[0];
    if (raw.type === "header" && p) {
      if (p.type === "image" || p.type === "video" || p.type === "document") {
        headerKind = p.type;
        headerLink = p[p.type]?.link ?? "";
        headerFilename = p.document?.filename ?? "";
      } else if (p.type === "text") {
        headerKind = "text";
        headerText = toValue(p);
      }
    } else if (raw.type === "body") {
      body = (raw.parameters ?? []).map(toValue);
    } else if (raw.type === "button") {
      const sub = raw.sub_type === "url" || raw.sub_type === "copy_code" ? raw.sub_type : "quick_reply";
      buttons.push({ sub_type: sub, value: toValue(p) });
    }
  }
  return { headerKind, headerLink, headerFilename, headerText, body, buttons };
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
  const start = useMemo(() => readComponents(initial.template_components), [initial.template_components]);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [templateName, setTemplateName] = useState(initial.template_name);
  const [language, setLanguage] = useState(initial.language_code);
  const [dailyLimit, setDailyLimit] = useState(String(initial.daily_send_limit));
  const [priority, setPriority] = useState(String(initial.priority));
  const [budget, setBudget] = useState(initial.budget === null || initial.budget === undefined ? "" : String(initial.budget));
  const [sendWindow, setSendWindow] = useState<SendWindowValue>(initial.send_window ?? null);
  const [tier, setTier] = useState(initial.target_audience.customer_tier ?? "");
  const [city, setCity] = useState(initial.target_audience.city ?? "");
  const [tags, setTags] = useState<string[]>(initial.target_audience.tags ?? []);
  const [headerKind, setHeaderKind] = useState<HeaderKind>(start.headerKind);
  const [headerLink, setHeaderLink] = useState(start.headerLink);
  const [headerFilename, setHeaderFilename] = useState(start.headerFilename);
  const [headerText, setHeaderText] = useState<Value>(start.headerText);
  const [body, setBody] = useState<Value[]>(start.body);
  const [buttons, setButtons] = useState<ButtonState[]>(start.buttons);
  const useLibrary = Boolean(templateLibrary && templateLibrary.templates.length > 0);
  const [choice, setChoice] = useState<TemplateChoice | null>(null);
  const [ab, setAb] = useState<AbValue>({ variants: initial.variants ?? null, ab_test: initial.ab_test ?? null });

  const audience = useMemo(() => {
    const a: { customer_tier?: string; city?: string; tags?: string[] } = {};
    if (tier.trim()) a.customer_tier = tier.trim();
    if (city.trim()) a.city = city.trim();
    if (tags.length) a.tags = tags;
    return a;
  }, [tier, city, tags]);
  const deferredAudience = useDeferredValue(audience);
  const count = useQuery({
    queryKey: ["audience-count", deferredAudience],
    queryFn: () => countAudienceAction(deferredAudience),
    placeholderData: (prev) => prev,
    staleTime: 30_000,
  });

  // components in the order they are sent: header, body, buttons — error paths follow these indexes
  const { components, index } = useMemo(() => {
    const list: unknown[] = [];
    const idx = { header: -1, body: -1, buttons: [] as number[] };
    if (headerKind !== "none") {
      idx.header = list.length;
      if (headerKind === "text") list.push({ type: "header", parameters: [fromValue(headerText)] });
      else {
        const media: Record<string, string> = { link: headerLink.trim() };
        if (headerKind === "document" && headerFilename.trim()) media.filename = headerFilename.trim();
        list.push({ type: "header", parameters: [{ type: headerKind, [headerKind]: media }] });
      }
    }
    if (body.length > 0) {
      idx.body = list.length;
      list.push({ type: "body", parameters: body.map(fromValue) });
    }
    buttons.forEach((b, i) => {
      idx.buttons.push(list.length);
      const parameter =
        b.sub_type === "quick_reply" ? { type: "payload", payload: b.value.text } : b.sub_type === "copy_code" ? { type: "coupon_code", coupon_code: b.value.text } : fromValue(b.value);
      list.push({ type: "button", sub_type: b.sub_type, index: i, parameters: [parameter] });
    });
    return { components: list, index: idx };
  }, [headerKind, headerLink, headerFilename, headerText, body, buttons]);

  const payload = {
    name,
    description: description.trim() ? description : null,
    template_name: useLibrary ? (choice?.template_name ?? initial.template_name) : templateName,
    language_code: useLibrary ? (choice?.language_code ?? initial.language_code) : language,
    daily_send_limit: Number(dailyLimit),
    priority: Number(priority),
    // blank: no cap; anything else is checked by the server's schema (a number ≥ 0, 4 decimals)
    budget: budget.trim() === "" ? null : Number(budget.trim()),
    send_window: sendWindow,
    target_audience: audience,
    template_components: useLibrary ? (choice?.template_components ?? initial.template_components) : components,
    variants: ab.variants,
    ab_test: ab.ab_test,
  };

  const errors = state.errors ?? {};
  const err = (path: string) => errors[path];
  /** errors at or under a path (e.g. every problem of one component) */
  const errUnder = (prefix: string) =>
    Object.entries(errors)
      .filter(([k]) => k === prefix || k.startsWith(prefix + "."))
      .flatMap(([, v]) => v);
  const comp = (i: number) => `template_components.${i}`;

  return (
    <form action={formAction} className="space-y-6" noValidate>
      <input type="hidden" name="campaignId" value={initial.id ?? ""} />
      <input type="hidden" name="payload" value={JSON.stringify(payload)} />
      {!state.ok && state.message ? <Notice tone="error">{state.message}</Notice> : null}

      <Card>
        <CardHeader title="Campaign" description="What the campaign is called and how fast it sends." />
        <CardBody className="grid grid-cols-1 gap-5 sm:grid-cols-2">
          <Field label="Name" htmlFor="name" errors={err("name")} className="sm:col-span-2">
            <Input id="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} invalid={Boolean(err("name"))} placeholder="Summer Sale 2026" />
          </Field>
          <Field label="Description" htmlFor="description" errors={err("description")} className="sm:col-span-2" optional>
            <Textarea id="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
          </Field>
          <Field label="Daily limit" htmlFor="daily_send_limit" errors={err("daily_send_limit")} hint="Messages per day; 250 is safe for WhatsApp.">
            <Input id="daily_send_limit" type="number" inputMode="numeric" min={1} max={100000} value={dailyLimit} onChange={(e) => setDailyLimit(e.target.value)} invalid={Boolean(err("daily_send_limit"))} />
          </Field>
          <Field label="Priority" htmlFor="priority" errors={err("priority")} hint="1 (low) to 10 (high): higher priority sends first.">
            <Input id="priority" type="number" inputMode="numeric" min={1} max={10} value={priority} onChange={(e) => setPriority(e.target.value)} invalid={Boolean(err("priority"))} />
          </Field>
          <Field label="Budget" htmlFor="budget" errors={err("budget")} optional hint="The most this campaign may spend at Meta's rates (the rate card's currency, e.g. USD). Sending pauses before it would be exceeded.">
            <Input id="budget" type="number" inputMode="decimal" min={0} step="0.01" value={budget} onChange={(e) => setBudget(e.target.value)} invalid={Boolean(err("budget"))} placeholder="No cap" />
          </Field>
          <div className="sm:col-span-2">
            <SendWindowFields value={sendWindow} onChange={setSendWindow} errors={errors} timezone={timezone ?? "the workspace time zone"} />
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Message template" description="An approved WhatsApp template and the values of its variables." />
        <CardBody className="space-y-6">
          {useLibrary && templateLibrary ? (
            <TemplateComposer templates={templateLibrary.templates} sampleCustomer={templateLibrary.sampleCustomer} initial={initial} onChange={setChoice} />
          ) : null}
          {/* without a template library: the template's name, language and values typed by hand */}
          <div className={useLibrary ? "hidden" : "space-y-6"}>
          <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
            <Field label="Template name" htmlFor="template_name" errors={err("template_name")} hint="As approved in WhatsApp Manager, e.g. summer_sale_promo.">
              <Input id="template_name" value={templateName} onChange={(e) => setTemplateName(e.target.value)} invalid={Boolean(err("template_name"))} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="Language" htmlFor="language_code" errors={err("language_code")} hint="The template's language code, e.g. en_US.">
              <Input id="language_code" value={language} onChange={(e) => setLanguage(e.target.value)} invalid={Boolean(err("language_code"))} autoComplete="off" spellCheck={false} />
            </Field>
          </div>

          <fieldset className="space-y-3">
            <legend className="text-sm font-semibold text-slate-900">Header</legend>
            <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Header type">
              {(["none", "image", "video", "document", "text"] as const).map((k) => (
                <label key={k} className={cn("cursor-pointer rounded-lg border px-3 py-1.5 text-sm capitalize", headerKind === k ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50")}>
                  <input type="radio" name="header_kind" value={k} checked={headerKind === k} onChange={() => setHeaderKind(k)} className="sr-only" />
                  {k === "none" ? "No header" : k}
                </label>
              ))}
            </div>
            {headerKind === "image" || headerKind === "video" || headerKind === "document" ? (
              <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
                <Field label={`${headerKind[0].toUpperCase()}${headerKind.slice(1)} link`} htmlFor="header_link" errors={errUnder(comp(index.header))} hint="A public https link WhatsApp downloads the media from." className="sm:col-span-2">
                  <Input id="header_link" type="url" value={headerLink} onChange={(e) => setHeaderLink(e.target.value)} placeholder="https://example.com/banner.jpg" invalid={errUnder(comp(index.header)).length > 0} />
                </Field>
                {headerKind === "document" ? (
                  <Field label="File name" htmlFor="header_filename" optional>
                    <Input id="header_filename" value={headerFilename} onChange={(e) => setHeaderFilename(e.target.value)} placeholder="catalogue.pdf" />
                  </Field>
                ) : null}
              </div>
            ) : null}
            {headerKind === "text" ? <ValueEditor id="header_text" label="Header variable" value={headerText} onChange={setHeaderText} errors={errUnder(comp(index.header))} /> : null}
          </fieldset>

          <fieldset className="space-y-3">
            <legend className="text-sm font-semibold text-slate-900">Body variables</legend>
            <p className="text-sm text-slate-500">
              One value per <code className="rounded bg-slate-100 px-1">{"{{n}}"}</code> in the template body, in order. A customer variable is filled per recipient; the fallback is used when the customer has no value.
            </p>
            {body.map((v, i) => (
              <div key={i} className="flex items-start gap-2">
                <ValueEditor
                  id={`body_${i}`}
                  label={`{{${i + 1}}}`}
                  value={v}
                  onChange={(nv) => setBody((b) => b.map((x, j) => (j === i ? nv : x)))}
                  errors={index.body >= 0 ? errUnder(`${comp(index.body)}.parameters.${i}`) : undefined}
                />
                <Button variant="ghost" size="sm" className="mt-7" onClick={() => setBody((b) => b.filter((_, j) => j !== i))} aria-label={`Remove variable ${i + 1}`}>
                  Remove
                </Button>
              </div>
            ))}
            <Button variant="secondary" size="sm" onClick={() => setBody((b) => [...b, emptyValue()])}>
              Add body variable
            </Button>
          </fieldset>

          <fieldset className="space-y-3">
            <legend className="text-sm font-semibold text-slate-900">Buttons</legend>
            <p className="text-sm text-slate-500">Only buttons with a variable part need a value: a quick-reply payload, a URL suffix or a coupon code.</p>
            {buttons.map((b, i) => (
              <div key={i} className="rounded-lg border border-slate-200 p-3">
                <div className="flex flex-wrap items-end gap-3">
                  <Field label={`Button ${i + 1}`} htmlFor={`button_${i}_type`}>
                    <Select
                      id={`button_${i}_type`}
                      className="w-44"
                      value={b.sub_type}
                      onChange={(e) => setButtons((all) => all.map((x, j) => (j === i ? { sub_type: e.target.value as ButtonState["sub_type"], value: emptyValue() } : x)))}
                    >
                      <option value="quick_reply">Quick reply</option>
                      <option value="url">URL (dynamic suffix)</option>
                      <option value="copy_code">Copy code</option>
                    </Select>
                  </Field>
                  <Button variant="ghost" size="sm" onClick={() => setButtons((all) => all.filter((_, j) => j !== i))}>
                    Remove
                  </Button>
                </div>
                <div className="mt-3">
                  {b.sub_type === "url" ? (
                    <ValueEditor id={`button_${i}_value`} label="URL suffix" value={b.value} onChange={(nv) => setButtons((all) => all.map((x, j) => (j === i ? { ...x, value: nv } : x)))} errors={errUnder(comp(index.buttons[i] ?? -1))} />
                  ) : (
                    <Field label={b.sub_type === "quick_reply" ? "Payload" : "Coupon code"} htmlFor={`button_${i}_value`} errors={errUnder(comp(index.buttons[i] ?? -1))} hint={b.sub_type === "quick_reply" ? "Sent back to you when the customer taps the button." : "Up to 15 characters."}>
                      <Input
                        id={`button_${i}_value`}
                        value={b.value.text}
                        maxLength={b.sub_type === "copy_code" ? 15 : 1000}
                        onChange={(e) => setButtons((all) => all.map((x, j) => (j === i ? { ...x, value: { ...x.value, text: e.target.value } } : x)))}
                      />
                    </Field>
                  )}
                </div>
              </div>
            ))}
            <Button variant="secondary" size="sm" onClick={() => setButtons((all) => [...all, { sub_type: "quick_reply", value: emptyValue() }])} disabled={buttons.length >= 10}>
              Add button
            </Button>
          </fieldset>
          </div>
          {errors.template_components ? <p className="text-sm font-medium text-red-600">{errors.template_components.join(" ")}</p> : null}
        </CardBody>
      </Card>

      <AbTestFields
        initial={initial}
        primary={{ template_name: payload.template_name, language_code: payload.language_code, template_components: payload.template_components as Array<Record<string, unknown>> }}
        templateLibrary={templateLibrary}
        errors={errors}
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
            <Select id="aud_tier" value={tier} onChange={(e) => setTier(e.target.value)}>
              <option value="">Any tier</option>
              {[...new Set([...options.tiers, ...(tier ? [tier] : [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="City" htmlFor="aud_city" errors={errUnder("target_audience.city")} hint="Matched ignoring case." optional>
            <Input id="aud_city" list="aud_city_options" value={city} onChange={(e) => setCity(e.target.value)} placeholder="Any city" />
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
              {[...new Set([...options.tags, ...tags])].map((t) => {
                const on = tags.includes(t);
                return (
                  <label key={t} className={cn("cursor-pointer rounded-full border px-3 py-1 text-sm", on ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50")}>
                    <input type="checkbox" className="sr-only" checked={on} onChange={() => setTags((all) => (on ? all.filter((x) => x !== t) : [...all, t]))} />
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

      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 bg-slate-50/95 px-4 py-3 backdrop-blur sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:p-0">
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

function ValueEditor({ id, label, value, onChange, errors }: { id: string; label: string; value: Value; onChange: (v: Value) => void; errors?: string[] }) {
  const invalid = Boolean(errors && errors.length);
  return (
    <div className="grid grid-cols-1 flex-1 gap-3 sm:grid-cols-[10rem_1fr_1fr]">
      <Field label={label} htmlFor={`${id}_mode`}>
        <Select id={`${id}_mode`} value={value.mode} onChange={(e) => onChange({ ...value, mode: e.target.value as Value["mode"] })}>
          <option value="literal">Fixed text</option>
          <option value="variable">Customer data</option>
        </Select>
      </Field>
      {value.mode === "literal" ? (
        <Field label="Text" htmlFor={id} errors={errors} className="sm:col-span-2">
          <Input id={id} value={value.text} onChange={(e) => onChange({ ...value, text: e.target.value })} maxLength={1024} invalid={invalid} />
        </Field>
      ) : (
        <>
          <Field label="Field" htmlFor={id} errors={errors}>
            <Select id={id} value={value.field} onChange={(e) => onChange({ ...value, field: e.target.value })} invalid={invalid}>
              {VARIABLE_FIELDS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
              {!VARIABLE_FIELDS.some((f) => f.value === value.field) ? <option value={value.field}>{value.field}</option> : null}
            </Select>
          </Field>
          <Field label="Fallback" htmlFor={`${id}_fallback`} hint="When the customer has no value.">
            <Input id={`${id}_fallback`} value={value.fallback} onChange={(e) => onChange({ ...value, fallback: e.target.value })} maxLength={1024} placeholder="there" />
          </Field>
        </>
      )}
    </div>
  );
}
