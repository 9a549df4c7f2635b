"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { TemplateComposer, type TemplateChoice } from "@/components/templates/template-composer";
import type { SampleCustomer, TemplateOption } from "@/components/templates/types";
import type { ClearedPath } from "@/components/campaigns/campaign-form";

/** What the campaign's payload gets: `variants` and `ab_test` as the API takes them (null = off). */
export type AbValue = { variants: unknown[] | null; ab_test: { test_share: number; decide_after_hours: number; metric: string } | null };

type StoredVariant = { name?: string; template_name?: string; language_code?: string; template_components?: unknown; share?: number };
type Extra = { key: number; name: string; share: string; choice: TemplateChoice | null; templateName: string; language: string; body: string[] };

/** 100% split over n variants in whole percents: the first takes what the even split leaves (3 → 34, 33, 33) */
function evenShares(n: number): number[] {
  const each = Math.floor(100 / n);
  return [100 - each * (n - 1), ...Array<number>(n - 1).fill(each)];
}

const LETTERS = ["A", "B", "C", "D"];
const MAX_VARIANTS = 4;

function textOf(p: unknown): string {
  return typeof p === "object" && p !== null && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "";
}

function toExtra(v: StoredVariant, key: number): Extra {
  const components = Array.isArray(v.template_components) ? (v.template_components as Array<{ type?: string; parameters?: unknown[] }>) : [];
  const body = components.find((c) => c.type === "body")?.parameters?.map(textOf) ?? [];
  return {
    key, name: v.name ?? LETTERS[key] ?? `V${key}`, share: String(v.share ?? 50),
    choice: v.template_name ? { template_name: v.template_name, language_code: v.language_code ?? "en_US", template_components: components as Array<Record<string, unknown>> } : null,
    templateName: v.template_name ?? "", language: v.language_code ?? "en_US", body,
  };
}

/**
 * The campaign form's A/B test: the message above is variant A; up to three more variants, each with its
 * own template and values, and every variant's share of the recipients; optionally "test, then send the
 * winner". Controlled through onChange; the server checks every variant like the campaign's own template.
 */
export function AbTestFields({ initial, primary, templateLibrary, errors, clearErrors = () => {}, markTemplate = () => false, onChange }: {
  initial: { variants?: StoredVariant[] | null; ab_test?: { test_share: number; decide_after_hours: number; metric: string } | null };
  /** the campaign's own message: variant A */
  primary: TemplateChoice;
  templateLibrary?: { templates: TemplateOption[]; sampleCustomer: SampleCustomer | null } | null;
  errors: Record<string, string[] | undefined>;
  /** a field changed: its errors from the refused save no longer hold */
  clearErrors?: (...paths: ClearedPath[]) => void;
  /** whether a variant's template fields are marked with what they still need (after a refused save) */
  markTemplate?: (pickPath: string) => boolean;
  onChange: (value: AbValue) => void;
}) {
  const stored = initial.variants ?? [];
  const useLibrary = Boolean(templateLibrary && templateLibrary.templates.length > 0);
  const [on, setOn] = useState(stored.length >= 2);
  const [nameA, setNameA] = useState(stored[0]?.name ?? "A");
  const [shareA, setShareA] = useState(String(stored[0]?.share ?? 50));
  const [extras, setExtras] = useState<Extra[]>(stored.length >= 2 ? stored.slice(1).map((v, i) => toExtra(v, i + 1)) : [toExtra({ name: "B", share: 50 }, 1)]);
  const [testOn, setTestOn] = useState(Boolean(initial.ab_test));
  const [testShare, setTestShare] = useState(String(initial.ab_test?.test_share ?? 20));
  const [hours, setHours] = useState(String(initial.ab_test?.decide_after_hours ?? 24));
  const [metric, setMetric] = useState(initial.ab_test?.metric ?? "read_rate");

  const value = (): AbValue => {
    if (!on) return { variants: null, ab_test: null };
    const variants = [
      { name: nameA, share: Number(shareA), template_name: primary.template_name, language_code: primary.language_code, template_components: primary.template_components },
      ...extras.map((x) => {
        const message = useLibrary
          ? { template_name: x.choice?.template_name ?? "", language_code: x.choice?.language_code ?? "en_US", template_components: x.choice?.template_components ?? [] }
          : {
              template_name: x.templateName, language_code: x.language,
              template_components: x.body.length ? [{ type: "body", parameters: x.body.map((text) => ({ type: "text", text })) }] : [],
            };
        return { name: x.name, share: Number(x.share), ...message };
      }),
    ];
    return { variants, ab_test: testOn ? { test_share: Number(testShare), decide_after_hours: Number(hours), metric } : null };
  };
  // the parent's payload follows the latest value
  const json = JSON.stringify(value());
  useEffect(() => onChange(JSON.parse(json) as AbValue), [json, onChange]);

  const setExtra = (key: number, patch: Partial<Extra>) => setExtras((all) => all.map((x) => (x.key === key ? { ...x, ...patch } : x)));
  /**
   * The messages at or under a path, one per path: zod may say two things of one value ("Invalid URL" and
   * "must be an http(s) URL" of an empty link), which read as one garbled sentence when joined.
   */
  const errUnder = (prefix: string) => Object.entries(errors).filter(([k]) => k === prefix || k.startsWith(prefix + ".")).flatMap(([, v]) => v?.slice(0, 1) ?? []);
  const total = Number(shareA) + extras.reduce((s, x) => s + Number(x.share || 0), 0);
  /** a variant added or removed: every variant gets an even share again (A the remainder), so the split adds up */
  const resplit = (next: Extra[]) => {
    const [first, ...rest] = evenShares(next.length + 1);
    setShareA(String(first));
    setExtras(next.map((x, i) => ({ ...x, share: String(rest[i]) })));
  };
  // the form always sends 2 to 4 variants with distinct fields, so the list refused as a whole is its split:
  // said once beside the total, every share marked and described by it
  const splitErrors = errors.variants ?? [];
  const splitErrorId = "variant-shares-error";
  const shareProps = (n: number) => {
    const own = errUnder(`variants.${n}.share`).length > 0;
    const describedBy = [own ? `variant_${n}_share-error` : null, splitErrors.length ? splitErrorId : null].filter(Boolean).join(" ");
    return { invalid: splitErrors.length > 0, "aria-describedby": describedBy || undefined };
  };
  const editShare = (n: number) => clearErrors(`variants.${n}.share`, { exact: "variants" });
  /** a variant's message changed: a new template clears what was said of the old one and its values */
  const pickVariant = (n: number, before: TemplateChoice | null, choice: TemplateChoice) => {
    if (choice.template_name !== before?.template_name || choice.language_code !== before.language_code) {
      clearErrors(`variants.${n}.template_name`, `variants.${n}.language_code`, `variants.${n}.template_components`);
    } else clearErrors(`variants.${n}.template_components`);
  };

  return (
    <Card>
      <CardHeader title="A/B test" description="Send different messages to parts of the audience and compare them. Each recipient always gets the same variant." />
      <CardBody className="space-y-5">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" checked={on} onChange={(e) => { clearErrors("variants", "ab_test"); setOn(e.target.checked); }} />
          Test several messages (A/B test)
        </label>
        {on ? (
          <>
            <div className="grid grid-cols-1 gap-4 rounded-lg border border-slate-200 p-3 sm:grid-cols-[1fr_8rem]">
              <Field label="Variant A name" htmlFor="variant_0_name" errors={errUnder("variants.0.name")} hint="Variant A sends the message above.">
                <Input id="variant_0_name" value={nameA} maxLength={60} onChange={(e) => { clearErrors("variants.0.name"); setNameA(e.target.value); }} />
              </Field>
              <Field label="Variant A share (%)" htmlFor="variant_0_share" errors={errUnder("variants.0.share")}>
                <Input id="variant_0_share" type="number" min={1} max={99} value={shareA} {...shareProps(0)} onChange={(e) => { editShare(0); setShareA(e.target.value); }} />
              </Field>
            </div>
            {extras.map((x, i) => {
              const n = i + 1;
              const letter = LETTERS[n];
              return (
                <div key={x.key} className="space-y-4 rounded-lg border border-slate-200 p-3" data-testid={`variant-${n}`}>
                  <div className="grid grid-cols-1 gap-4 sm:grid-cols-[1fr_8rem_auto]">
                    <Field label={`Variant ${letter} name`} htmlFor={`variant_${n}_name`} errors={errUnder(`variants.${n}.name`)}>
                      <Input id={`variant_${n}_name`} value={x.name} maxLength={60} onChange={(e) => { clearErrors(`variants.${n}.name`); setExtra(x.key, { name: e.target.value }); }} />
                    </Field>
                    <Field label={`Variant ${letter} share (%)`} htmlFor={`variant_${n}_share`} errors={errUnder(`variants.${n}.share`)}>
                      <Input id={`variant_${n}_share`} type="number" min={1} max={99} value={x.share} {...shareProps(n)} onChange={(e) => { editShare(n); setExtra(x.key, { share: e.target.value }); }} />
                    </Field>
                    {extras.length > 1 ? (
                      <Button variant="ghost" size="sm" className="mt-7" onClick={() => { clearErrors("variants"); resplit(extras.filter((y) => y.key !== x.key)); }}>
                        Remove
                      </Button>
                    ) : null}
                  </div>
                  {useLibrary && templateLibrary ? (
                    <TemplateComposer
                      templates={templateLibrary.templates}
                      sampleCustomer={templateLibrary.sampleCustomer}
                      initial={{ template_name: x.choice?.template_name ?? "", language_code: x.choice?.language_code ?? "en_US", template_components: x.choice?.template_components ?? [] }}
                      onChange={(choice) => { pickVariant(n, x.choice, choice); setExtra(x.key, { choice }); }}
                      canSync={false}
                      idPrefix={`variant-${n}-tpl`}
                      markProblems={markTemplate(`variants.${n}.template_name`)}
                      errors={[...errUnder(`variants.${n}.template_name`), ...errUnder(`variants.${n}.language_code`)]}
                    />
                  ) : (
                    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
                      <Field label={`Variant ${letter} template name`} htmlFor={`variant_${n}_template`} errors={errUnder(`variants.${n}.template_name`)}>
                        <Input id={`variant_${n}_template`} value={x.templateName} onChange={(e) => { clearErrors(`variants.${n}.template_name`); setExtra(x.key, { templateName: e.target.value }); }} autoComplete="off" spellCheck={false} />
                      </Field>
                      <Field label={`Variant ${letter} language`} htmlFor={`variant_${n}_language`} errors={errUnder(`variants.${n}.language_code`)}>
                        <Input id={`variant_${n}_language`} value={x.language} onChange={(e) => { clearErrors(`variants.${n}.language_code`); setExtra(x.key, { language: e.target.value }); }} autoComplete="off" spellCheck={false} />
                      </Field>
                      {x.body.map((text, j) => (
                        <Field key={j} label={`Variant ${letter} {{${j + 1}}}`} htmlFor={`variant_${n}_body_${j}`} className="sm:col-span-2" errors={errUnder(`variants.${n}.template_components.0.parameters.${j}`)}>
                          <Input id={`variant_${n}_body_${j}`} value={text} maxLength={1024}
                            onChange={(e) => { clearErrors(`variants.${n}.template_components.0.parameters.${j}`, { exact: `variants.${n}.template_components` }); setExtra(x.key, { body: x.body.map((t, k) => (k === j ? e.target.value : t)) }); }} />
                        </Field>
                      ))}
                      <div className="sm:col-span-2">
                        <Button variant="secondary" size="sm" onClick={() => setExtra(x.key, { body: [...x.body, ""] })}>
                          Add body value
                        </Button>
                      </div>
                    </div>
                  )}
                  {/* what is said of the variant's message as a whole; its values' problems are marked at each field */}
                  {errors[`variants.${n}.template_components`]?.length ? <p className="text-sm font-medium text-red-600" role="alert">{errors[`variants.${n}.template_components`]!.join(" ")}</p> : null}
                </div>
              );
            })}
            <div className="flex flex-wrap items-center gap-3">
              <Button variant="secondary" size="sm" disabled={extras.length + 1 >= MAX_VARIANTS}
                onClick={() => { clearErrors({ exact: "variants" }); resplit([...extras, toExtra({ name: LETTERS[extras.length + 1] }, Math.max(0, ...extras.map((y) => y.key)) + 1)]); }}>
                Add variant
              </Button>
              <span className={total === 100 ? "text-sm text-slate-500" : "text-sm font-medium text-red-600"} data-testid="variant-share-total">Shares: {total}% of 100%</span>
            </div>
            {splitErrors.length ? <p id={splitErrorId} role="alert" className="text-sm font-medium text-red-600">{splitErrors.join(" ")}</p> : null}

            <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
                <input type="checkbox" checked={testOn} onChange={(e) => { clearErrors("ab_test"); setTestOn(e.target.checked); }} />
                Test first, then send the winner to everyone else
              </label>
              {testOn ? (
                <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
                  <Field label="Test share (%)" htmlFor="ab_test_share" errors={errUnder("ab_test.test_share")} hint="Sent first, split by the variants' shares.">
                    <Input id="ab_test_share" type="number" min={1} max={99} value={testShare} onChange={(e) => { clearErrors("ab_test.test_share"); setTestShare(e.target.value); }} />
                  </Field>
                  <Field label="Decide after (hours)" htmlFor="ab_test_hours" errors={errUnder("ab_test.decide_after_hours")} hint="Counted from the first test message.">
                    <Input id="ab_test_hours" type="number" min={1} max={720} value={hours} onChange={(e) => { clearErrors("ab_test.decide_after_hours"); setHours(e.target.value); }} />
                  </Field>
                  <Field label="Winner by" htmlFor="ab_test_metric" errors={errUnder("ab_test.metric")}>
                    <Select id="ab_test_metric" value={metric} onChange={(e) => { clearErrors("ab_test.metric"); setMetric(e.target.value); }}>
                      <option value="read_rate">Read rate</option>
                      <option value="click_rate">Click rate (tracked link)</option>
                      <option value="reply_rate">Reply rate</option>
                    </Select>
                  </Field>
                </div>
              ) : null}
            </fieldset>
          </>
        ) : null}
      </CardBody>
    </Card>
  );
}
