"use client";

import { useActionState, useEffect, useMemo, useState, type FocusEvent, type FormEvent } from "react";
import { submitTemplateAction } from "@/app/(dashboard)/templates/actions";
import { initialActionState } from "@/components/forms/action-state";
import { Button } from "@/components/ui/button";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { buildComponents, type SlotValues } from "@/lib/marketing/templates/form-values";
import { deriveTemplateRequirements, textVariables } from "@/lib/marketing/templates/requirements";
import { draftComponents, ZTemplateDraft, type TTemplateDraftInput } from "@/lib/marketing/templates/template-draft";
import { TemplatePreview } from "../template-preview";
import { focusFirstProblem, submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

type Header = NonNullable<TTemplateDraftInput["header"]>;
type DraftButton = NonNullable<TTemplateDraftInput["buttons"]>[number];

const NEW_BUTTON: Record<DraftButton["type"], DraftButton> = {
  QUICK_REPLY: { type: "QUICK_REPLY", text: "" },
  URL: { type: "URL", text: "", url: "https://", example: "" },
  PHONE_NUMBER: { type: "PHONE_NUMBER", text: "", phone_number: "+" },
  COPY_CODE: { type: "COPY_CODE", example: "" },
};
/** The id of the field a ZTemplateDraft issue path is about ("buttons.0.phone_number" → "tb-button-0-phone"). */
function fieldIdOf(path: string): string {
  if (path === "body.text") return "tb-body";
  const example = /^body\.examples\.(\d+)$/.exec(path);
  if (example) return `tb-example-${example[1]}`;
  const button = /^buttons\.(\d+)\.(\w+)$/.exec(path);
  if (button) return `tb-button-${button[1]}-${button[2] === "phone_number" ? "phone" : button[2]}`;
  return `tb-${path.replaceAll(".", "-")}`;
}

const BUTTON_LABEL: Record<DraftButton["type"], string> = { QUICK_REPLY: "Quick reply", URL: "Website link", PHONE_NUMBER: "Call a number", COPY_CODE: "Copy offer code" };

/**
 * Writes a template for Meta's review: name, category, language, header, body with numbered variables and
 * the sample value Meta requires for each, footer and buttons, with a live WhatsApp preview filled with
 * the samples. The same checks as the server (ZTemplateDraft) run as you type, and show beside a field once
 * the user has left it, or on every field when they submit (a draft that fails them is not sent: focus moves
 * to its first error; the submit button stays enabled, so it stays in the Tab order). Editing keeps the name
 * and language (Meta's rule) and resubmits for review.
 */
export function TemplateBuilder({ initial, templateId }: { initial: TTemplateDraftInput; templateId?: string }) {
  const [draft, setDraft] = useState<TTemplateDraftInput>(initial);
  /** edited since the last submit: the server's errors were about an older draft */
  const [edited, setEdited] = useState(false);
  /** the fields the user has left (their ids), and how many submits the checks refused */
  const [left, setLeft] = useState<ReadonlySet<string>>(() => new Set());
  const [refused, setRefused] = useState(0);
  const [state, formAction, pending] = useActionState(submitTemplateAction, initialActionState);
  const formRef = useActionFormRef(state);
  const set = (patch: Partial<TTemplateDraftInput>) => {
    setEdited(true);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const header: Header = draft.header ?? { format: "NONE" };
  const buttons = draft.buttons ?? [];
  const bodyVars = textVariables(draft.body.text);
  const examples = draft.body.examples ?? [];

  const check = useMemo(() => ZTemplateDraft.safeParse(draft), [draft]);
  const local: Record<string, string[]> = {};
  if (!check.success) {
    for (const i of check.error.issues) {
      const path = i.path.map(String).join(".") || "_form";
      if (refused > 0 || left.has(fieldIdOf(path))) (local[path] ??= []).push(i.message);
    }
  }
  const errors = edited ? local : { ...(state.errors ?? {}), ...local };
  const err = (path: string) => errors[path];
  // after a refused submit has rendered its errors: to the first one
  useEffect(() => {
    if (refused > 0 && formRef.current) focusFirstProblem(formRef.current);
  }, [refused, formRef]);
  const submit = submitKeepingValues(formAction);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (!check.success) {
      event.preventDefault();
      setRefused((n) => n + 1);
      return;
    }
    setEdited(false);
    submit(event);
  };
  const onBlur = (event: FocusEvent<HTMLFormElement>) => {
    // leaving a field for this form's submit button: the submit checks every field at once. Marking the
    // field first would show its error between the button's press and release, push the button down, and
    // lose the click (QA: a footer's error ate the first click on Submit for review)
    const to = event.relatedTarget;
    if (to instanceof HTMLButtonElement && to.type === "submit" && to.form === event.currentTarget) return;
    const id = event.target.id;
    if (id && !left.has(id)) setLeft((s) => new Set(s).add(id));
  };

  // the preview: the draft's components as Meta will list them, filled with the sample values
  const preview = useMemo(() => {
    const d = draft;
    const comps = draftComponents({ ...d, header: d.header ?? { format: "NONE" }, footer: d.footer || undefined, buttons: d.buttons ?? [], body: { text: d.body.text, examples: d.body.examples ?? [] } } as Parameters<typeof draftComponents>[0]);
    const req = deriveTemplateRequirements(comps, "POSITIONAL");
    const values: SlotValues = {};
    for (const s of req.slots) values[s.key] = { mode: "literal", text: s.example ?? "" };
    return { req, components: buildComponents(req, values) };
  }, [draft]);

  const setButton = (i: number, b: DraftButton) => set({ buttons: buttons.map((x, j) => (j === i ? b : x)) });

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} onBlur={onBlur} noValidate className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]" data-testid="template-builder">
      <input type="hidden" name="payload" value={JSON.stringify({ ...draft, footer: draft.footer || undefined })} />
      <input type="hidden" name="templateId" value={templateId ?? ""} />
      <div className="space-y-5">
        {state.message && !state.ok ? <Notice tone="error" title="Not submitted">{state.message}</Notice> : null}
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <Field label="Template name" htmlFor="tb-name" errors={err("name")} hint="Lowercase letters, digits and _" className="sm:col-span-3">
            <Input id="tb-name" value={draft.name} disabled={!!templateId} invalid={!!err("name")} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field label="Category" htmlFor="tb-category" errors={err("category")}>
            <Select id="tb-category" value={draft.category} onChange={(e) => set({ category: e.target.value as "MARKETING" | "UTILITY" })}>
              <option value="MARKETING">Marketing</option>
              <option value="UTILITY">Utility</option>
            </Select>
          </Field>
          <Field label="Language" htmlFor="tb-language" errors={err("language")} hint="e.g. en_US, de, pt_BR">
            <Input id="tb-language" value={draft.language} disabled={!!templateId} invalid={!!err("language")} onChange={(e) => set({ language: e.target.value })} />
          </Field>
          <Field label="Header" htmlFor="tb-header-format">
            <Select id="tb-header-format" value={header.format} onChange={(e) => {
              const f = e.target.value as Header["format"];
              set({ header: f === "NONE" ? { format: "NONE" } : f === "TEXT" ? { format: "TEXT", text: "", example: "" } : { format: f, example: "" } });
            }}>
              <option value="NONE">None</option>
              <option value="TEXT">Text</option>
              <option value="IMAGE">Image</option>
              <option value="VIDEO">Video</option>
              <option value="DOCUMENT">Document</option>
            </Select>
          </Field>
        </div>
        {header.format === "TEXT" ? (
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Field label="Header text" htmlFor="tb-header-text" errors={err("header.text")} hint="Up to 60 characters; one variable {{1}} at most">
              <Input id="tb-header-text" value={header.text} maxLength={60} onChange={(e) => set({ header: { ...header, text: e.target.value } })} />
            </Field>
            {textVariables(header.text).length > 0 ? (
              <Field label="Sample for the header's {{1}}" htmlFor="tb-header-example" errors={err("header.example")}>
                <Input id="tb-header-example" value={header.example ?? ""} onChange={(e) => set({ header: { ...header, example: e.target.value } })} />
              </Field>
            ) : null}
          </div>
        ) : header.format !== "NONE" ? (
          <Field label={`Sample ${header.format.toLowerCase()} handle`} htmlFor="tb-header-example" errors={err("header.example")} hint="The handle Meta's resumable upload returned for a sample file">
            <Input id="tb-header-example" value={header.example} onChange={(e) => set({ header: { ...header, example: e.target.value } })} />
          </Field>
        ) : null}
        <Field label="Body" htmlFor="tb-body" errors={err("body.text")} hint="Variables are numbered {{1}}, {{2}}, …; *bold*, _italic_, ~strike~">
          <Textarea id="tb-body" rows={5} value={draft.body.text} maxLength={1024} invalid={!!err("body.text")} onChange={(e) => set({ body: { ...draft.body, text: e.target.value } })} />
        </Field>
        {bodyVars.length > 0 ? (
          <fieldset className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2" data-testid="tb-samples">
            <legend className="px-1 text-sm font-medium text-slate-800">Sample values Meta reviews</legend>
            {bodyVars.map((v, i) => (
              <Field key={v} label={`Sample for {{${v}}}`} htmlFor={`tb-example-${i}`} errors={err(`body.examples.${i}`)}>
                <Input id={`tb-example-${i}`} value={examples[i] ?? ""} onChange={(e) => {
                  const next = bodyVars.map((_, k) => examples[k] ?? "");
                  next[i] = e.target.value;
                  set({ body: { ...draft.body, examples: next } });
                }} />
              </Field>
            ))}
          </fieldset>
        ) : null}
        <Field label="Footer" htmlFor="tb-footer" optional errors={err("footer")} hint="Up to 60 characters, no variables">
          <Input id="tb-footer" value={draft.footer ?? ""} maxLength={60} onChange={(e) => set({ footer: e.target.value })} />
        </Field>
        <div className="space-y-3" data-testid="tb-buttons">
          <p className="text-sm font-medium text-slate-800">Buttons <span className="font-normal text-slate-500">(optional, up to 10)</span></p>
          {err("buttons") ? <p className="text-xs font-medium text-red-600" role="alert">{err("buttons")!.join(" ")}</p> : null}
          {buttons.map((b, i) => (
            <fieldset key={i} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 p-3">
              <legend className="px-1 text-sm text-slate-700">{BUTTON_LABEL[b.type]}</legend>
              {b.type !== "COPY_CODE" ? (
                <Field label="Button text" htmlFor={`tb-button-${i}-text`} errors={err(`buttons.${i}.text`)} className="w-44">
                  <Input id={`tb-button-${i}-text`} value={b.text} maxLength={25} onChange={(e) => setButton(i, { ...b, text: e.target.value })} />
                </Field>
              ) : null}
              {b.type === "URL" ? (
                <>
                  <Field label="URL" htmlFor={`tb-button-${i}-url`} errors={err(`buttons.${i}.url`)} hint="May end in {{1}}" className="min-w-56 flex-1">
                    <Input id={`tb-button-${i}-url`} value={b.url} onChange={(e) => setButton(i, { ...b, url: e.target.value })} />
                  </Field>
                  {textVariables(b.url).length > 0 ? (
                    <Field label="Sample URL" htmlFor={`tb-button-${i}-example`} errors={err(`buttons.${i}.example`)} className="min-w-56 flex-1">
                      <Input id={`tb-button-${i}-example`} value={b.example ?? ""} onChange={(e) => setButton(i, { ...b, example: e.target.value })} />
                    </Field>
                  ) : null}
                </>
              ) : null}
              {b.type === "PHONE_NUMBER" ? (
                <Field label="Phone number" htmlFor={`tb-button-${i}-phone`} errors={err(`buttons.${i}.phone_number`)} className="w-48">
                  <Input id={`tb-button-${i}-phone`} value={b.phone_number} onChange={(e) => setButton(i, { ...b, phone_number: e.target.value })} />
                </Field>
              ) : null}
              {b.type === "COPY_CODE" ? (
                <Field label="Sample code" htmlFor={`tb-button-${i}-example`} errors={err(`buttons.${i}.example`)} className="w-44">
                  <Input id={`tb-button-${i}-example`} value={b.example} maxLength={15} onChange={(e) => setButton(i, { ...b, example: e.target.value })} />
                </Field>
              ) : null}
              <Button type="button" variant="ghost" size="sm" onClick={() => set({ buttons: buttons.filter((_, j) => j !== i) })}>Remove</Button>
            </fieldset>
          ))}
          {buttons.length < 10 ? (
            <div className="flex flex-wrap gap-2">
              {(Object.keys(NEW_BUTTON) as Array<DraftButton["type"]>).map((type) => (
                <Button key={type} type="button" variant="secondary" size="sm" onClick={() => set({ buttons: [...buttons, NEW_BUTTON[type]] })}>+ {BUTTON_LABEL[type]}</Button>
              ))}
            </div>
          ) : null}
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" pending={pending}>{templateId ? "Submit edit for review" : "Submit for review"}</Button>
          <p className="text-xs text-slate-500">Meta reviews every new template and every edit; the status here changes when its decision arrives.</p>
        </div>
      </div>
      <div className="space-y-2">
        <p className="text-sm font-medium text-slate-800">Preview with the sample values</p>
        <TemplatePreview requirements={preview.req} components={preview.components} />
      </div>
    </form>
  );
}
