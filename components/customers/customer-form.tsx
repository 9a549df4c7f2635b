"use client";

import Link from "next/link";
import { useActionState, useEffect, useState, type FormEvent } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import type { NamedCountry } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { initialActionState, type ActionState } from "@/components/forms/action-state";
import { focusFirstProblem, submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";
import { addCustomerAction, updateCustomerAction, type CustomerFormData } from "@/app/(dashboard)/customers/actions";

type AttributeValue = string | number | boolean | null;
/** one key/value pair as typed; `original` is the stored value, kept as it was (a number stays a number) while its text is unchanged */
type AttributeRow = { key: string; value: string; original?: AttributeValue; rowId: number };

export type CustomerFormInitial = {
  /** set when editing: the customer whose profile this is (the number is not edited here) */
  id?: string;
  /** the number as the user may see it, shown read-only when editing */
  shownPhone?: string;
  name: string | null;
  customer_tier: string | null;
  city: string | null;
  tags: string[];
  attributes: Record<string, AttributeValue>;
};

const blank = (v: string) => (v.trim() === "" ? null : v.trim());
const shortened = (text: string) => (text.length > 24 ? `${text.slice(0, 23)}…` : text);
const splitTags = (text: string) => text.split(",").map((t) => t.trim()).filter(Boolean);

/**
 * Adds a customer (no `initial.id`) or corrects one's profile. The server checks everything (noValidate):
 * its messages show beside their fields; a number that already belongs to a customer links to them. Only the
 * shape of the attribute pairs is checked here (a value needs a name, a name is used once), as the payload is
 * an object keyed by those names.
 */
export function CustomerForm({ initial, options, defaultCountry = null }: {
  initial: CustomerFormInitial;
  options: { tiers: string[]; cities: string[] };
  defaultCountry?: NamedCountry | null;
}) {
  const editing = Boolean(initial.id);
  const [state, formAction, pending] = useActionState(editing ? updateCustomerAction : addCustomerAction, initialActionState as ActionState<CustomerFormData>);
  const formRef = useActionFormRef(state);
  const [phone, setPhone] = useState("");
  const [name, setName] = useState(initial.name ?? "");
  const [tier, setTier] = useState(initial.customer_tier ?? "");
  const [city, setCity] = useState(initial.city ?? "");
  const [tags, setTags] = useState(initial.tags.join(", "));
  // a pair's id names its fields: the stored pairs are numbered in order (the same on the server and in the browser)
  const [rows, setRows] = useState<AttributeRow[]>(() =>
    Object.entries(initial.attributes).map(([key, v], rowId) => ({ key, value: v === null ? "" : String(v), original: v, rowId })));
  const [nextRowId, setNextRowId] = useState(rows.length);
  const addRow = () => {
    setRows((all) => [...all, { key: "", value: "", rowId: nextRowId }]);
    setNextRowId((n) => n + 1);
  };
  const [rowErrors, setRowErrors] = useState<{ errors: Record<number, string>; at: number }>({ errors: {}, at: 0 });

  // focus the first pair refused here (a refused save's fields are focused by useActionFormRef)
  useEffect(() => {
    if (rowErrors.at > 0 && formRef.current) focusFirstProblem(formRef.current);
  }, [rowErrors, formRef]);

  const used = rows.filter((r) => r.key.trim() !== "" || r.value.trim() !== "");
  const attributes = Object.fromEntries(used.map((r) => [r.key.trim(), r.original !== undefined && r.value === (r.original === null ? "" : String(r.original)) ? r.original : r.value]));
  const tagList = splitTags(tags);
  const payload = {
    ...(editing ? {} : { phone }),
    name: blank(name),
    customer_tier: blank(tier),
    city: blank(city),
    tags: tagList,
    attributes,
  };

  // a refused save's errors, each until its field is edited (the next save checks everything again)
  const [edited, setEdited] = useState<{ of: ActionState<CustomerFormData>; fields: string[] }>({ of: state, fields: [] });
  const editedFields = edited.of === state ? edited.fields : [];
  const errors = Object.fromEntries(Object.entries(state.errors ?? {}).filter(([k]) => !editedFields.some((f) => k === f || k.startsWith(`${f}.`))));
  const touch = (field: string) => setEdited((e) => ({ of: state, fields: [...(e.of === state ? e.fields : []), field] }));
  const tagErrors = Object.entries(errors)
    .filter(([k]) => k === "tags" || k.startsWith("tags."))
    .flatMap(([k, messages]) => {
      const i = Number(k.split(".")[1]);
      return messages.map((m) => (Number.isInteger(i) && tagList[i] !== undefined ? `“${shortened(tagList[i])}”: ${m}` : m));
    });
  const attributeErrors = (key: string) => errors[`attributes.${key.trim()}`];
  const existingId = errors.phone ? (state.data?.existingCustomerId ?? null) : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const problems: Record<number, string> = {};
    const seen = new Set<string>();
    for (const r of used) {
      const key = r.key.trim();
      if (key === "") problems[r.rowId] = "Give this value a name.";
      else if (seen.has(key)) problems[r.rowId] = `“${shortened(key)}” is used twice: keep one.`;
      seen.add(key);
    }
    if (Object.keys(problems).length > 0) {
      event.preventDefault();
      setRowErrors({ errors: problems, at: Date.now() });
      return;
    }
    setRowErrors({ errors: {}, at: 0 });
    submitKeepingValues(formAction)(event);
  };

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="space-y-6" noValidate>
      <input type="hidden" name="customerId" value={initial.id ?? ""} />
      <input type="hidden" name="payload" value={JSON.stringify(payload)} />
      {!state.ok && state.message && !state.errors ? <Notice tone="error">{state.message}</Notice> : null}
      <Card>
        <CardHeader title="Profile" description={editing ? "Tier, city and tags choose which campaign audiences they are in." : "They start subscribed to marketing messages, unless this number was erased before."} />
        <CardBody className="grid grid-cols-1 gap-5 sm:grid-cols-2">
          {editing ? (
            <div className="space-y-1.5 sm:col-span-2">
              <p className="text-sm font-medium text-slate-800">WhatsApp number</p>
              <p className="font-mono text-sm tabular-nums text-slate-900" data-testid="customer-phone">{initial.shownPhone}</p>
              <p className="text-xs text-slate-500">The number cannot be changed here.</p>
            </div>
          ) : (
            <Field
              label="WhatsApp number"
              htmlFor="customer-phone"
              errors={errors.phone}
              className="sm:col-span-2"
              hint={existingId ? (
                <Link href={`/customers/${existingId}`} className="font-medium text-brand-700 underline hover:text-brand-800">Open the customer with this number</Link>
              ) : defaultCountry ? `With its country code (+44 7911 123456), or as a ${defaultCountry.name} number.` : "With its country code, for example +44 7911 123456."}
            >
              <Input id="customer-phone" type="tel" autoComplete="off" inputMode="tel" value={phone} onChange={(e) => { touch("phone"); setPhone(e.target.value); }} maxLength={40} placeholder="+44 7911 123456" />
            </Field>
          )}
          <Field label="Name" htmlFor="customer-name" errors={errors.name} optional>
            <Input id="customer-name" value={name} onChange={(e) => { touch("name"); setName(e.target.value); }} maxLength={200} autoComplete="off" />
          </Field>
          <Field label="Tier" htmlFor="customer-tier" errors={errors.customer_tier} optional>
            <Input id="customer-tier" value={tier} onChange={(e) => { touch("customer_tier"); setTier(e.target.value); }} maxLength={100} list="customer-tier-options" autoComplete="off" />
          </Field>
          <datalist id="customer-tier-options">{options.tiers.map((t) => <option key={t} value={t} />)}</datalist>
          <Field label="City" htmlFor="customer-city" errors={errors.city} optional>
            <Input id="customer-city" value={city} onChange={(e) => { touch("city"); setCity(e.target.value); }} maxLength={200} list="customer-city-options" autoComplete="off" />
          </Field>
          <datalist id="customer-city-options">{options.cities.map((c) => <option key={c} value={c} />)}</datalist>
          <Field label="Tags" htmlFor="customer-tags" errors={tagErrors.length ? tagErrors : undefined} hint="Separate tags with commas." optional>
            <Input id="customer-tags" value={tags} onChange={(e) => { touch("tags"); setTags(e.target.value); }} autoComplete="off" placeholder="vip, newsletter" />
          </Field>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Attributes" description="Other facts about the customer, each a name and a value (for example loyalty_points and 120)." />
        <CardBody className="space-y-3">
          {rows.length === 0 ? <p className="text-sm text-slate-500">No attributes.</p> : null}
          {rows.map((r, i) => {
            const keyError = rowErrors.errors[r.rowId];
            const valueError = keyError ? undefined : attributeErrors(r.key);
            const update = (patch: Partial<AttributeRow>) => {
              setRows((all) => all.map((x) => (x.rowId === r.rowId ? { ...x, ...patch } : x)));
              if (keyError) setRowErrors((e) => ({ errors: Object.fromEntries(Object.entries(e.errors).filter(([id]) => Number(id) !== r.rowId)), at: e.at }));
            };
            return (
              <fieldset key={r.rowId} className="grid grid-cols-[1fr_auto] items-end gap-3 sm:grid-cols-[1fr_1fr_auto]">
                <legend className="sr-only">Attribute {i + 1}</legend>
                <Field label="Attribute" htmlFor={`attribute-${r.rowId}-key`} errors={keyError} className="col-span-2 sm:col-span-1">
                  <Input id={`attribute-${r.rowId}-key`} value={r.key} onChange={(e) => { touch(`attributes.${r.key.trim()}`); update({ key: e.target.value }); }} maxLength={64} autoComplete="off" />
                </Field>
                <Field label="Value" htmlFor={`attribute-${r.rowId}-value`} errors={valueError}>
                  <Input id={`attribute-${r.rowId}-value`} value={r.value} onChange={(e) => { touch(`attributes.${r.key.trim()}`); update({ value: e.target.value }); }} maxLength={1000} autoComplete="off" />
                </Field>
                <Button variant="ghost" onClick={() => setRows((all) => all.filter((x) => x.rowId !== r.rowId))} aria-label={`Remove attribute ${r.key.trim() || i + 1}`}>
                  Remove
                </Button>
              </fieldset>
            );
          })}
          {errors.attributes ? <p role="alert" className="text-xs font-medium text-red-600">{errors.attributes.join(" ")}</p> : null}
          <Button variant="secondary" size="sm" onClick={addRow}>Add attribute</Button>
        </CardBody>
      </Card>
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={pending}>{editing ? "Save changes" : "Add customer"}</Button>
        <ButtonLink href={editing ? `/customers/${initial.id}` : "/customers"} variant="ghost">Cancel</ButtonLink>
      </div>
    </form>
  );
}
