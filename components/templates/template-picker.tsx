"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Checkbox, Field, Input, Select } from "@/components/ui/field";
import { categoryChangeLabel } from "./template-notices";
import type { TemplateOption } from "./types";

const STATUS_TONES: Record<string, Tone> = { APPROVED: "green", PENDING: "amber", IN_APPEAL: "amber", REJECTED: "red", PAUSED: "amber", DISABLED: "red" };
const QUALITY_TONES: Record<string, Tone> = { GREEN: "green", YELLOW: "amber", RED: "red" };

export function TemplateStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONES[status] ?? "gray"} dot>{status.charAt(0) + status.slice(1).toLowerCase().replaceAll("_", " ")}</Badge>;
}

/**
 * Pick a template from the library: search by name, filter by category and language. A refused save's errors
 * about the template show at the picker's top and mark its first control, the search, invalid and described
 * by them (where focus goes after the refusal), and the list red.
 */
export function TemplatePicker({ templates, selected, onSelect, canSync = true, idPrefix = "tpl", errors }: {
  /** prefixes the filters' ids (several pickers on one page) */
  idPrefix?: string;
  /** why the template was refused (none picked, for one) */
  errors?: string[];
  templates: TemplateOption[];
  selected: { name: string; language: string } | null;
  onSelect: (t: TemplateOption) => void;
  canSync?: boolean;
}) {
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState("");
  const [language, setLanguage] = useState("");
  const [all, setAll] = useState(false);
  const categories = useMemo(() => [...new Set(templates.map((t) => t.category))].sort(), [templates]);
  const languages = useMemo(() => [...new Set(templates.map((t) => t.language))].sort(), [templates]);
  const list = templates.filter(
    (t) =>
      (all || t.status === "APPROVED" || (selected && t.name === selected.name && t.language === selected.language)) &&
      (!category || t.category === category) &&
      (!language || t.language === language) &&
      (!search.trim() || t.name.toLowerCase().includes(search.trim().toLowerCase().replace(/\s+/g, "_"))),
  );
  const invalid = Boolean(errors?.length);
  const errorId = `${idPrefix}-picker-error`;
  return (
    <div className="space-y-3" data-testid="template-picker">
      {invalid ? (
        <p id={errorId} role="alert" className="text-sm font-medium text-red-600">
          {errors!.join(" ")}
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Search templates" htmlFor={`${idPrefix}-search`} className="min-w-48 flex-1">
          <Input id={`${idPrefix}-search`} type="search" invalid={invalid} aria-describedby={invalid ? errorId : undefined} value={search} placeholder="summer_sale" onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <Field label="Category" htmlFor={`${idPrefix}-category`} className="w-40">
          <Select id={`${idPrefix}-category`} value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">All</option>
            {categories.map((c) => (
              <option key={c} value={c}>{c.charAt(0) + c.slice(1).toLowerCase()}</option>
            ))}
          </Select>
        </Field>
        <Field label="Language" htmlFor={`${idPrefix}-language`} className="w-32">
          <Select id={`${idPrefix}-language`} value={language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="">All</option>
            {languages.map((l) => (
              <option key={l} value={l}>{l}</option>
            ))}
          </Select>
        </Field>
        {canSync ? <SyncTemplatesButton /> : null}
      </div>
      <Checkbox label="Also show templates that are not approved" checked={all} onChange={(e) => setAll(e.target.checked)} />
      {list.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-4 text-center text-sm text-slate-500">No template matches. Templates are created and approved in WhatsApp Manager, then synced here.</p>
      ) : (
        <ul className={cn("max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-lg border", invalid ? "border-red-400" : "border-slate-200")} aria-label="Templates">
          {list.map((t) => {
            const active = selected?.name === t.name && selected.language === t.language;
            return (
              <li key={t.id}>
                <button
                  type="button"
                  aria-pressed={active}
                  onClick={() => onSelect(t)}
                  title={t.name}
                  className={cn(
                    "flex w-full flex-wrap items-center justify-between gap-x-3 gap-y-1.5 px-3 py-2 text-left text-sm hover:bg-slate-50 focus-visible:-outline-offset-2",
                    active && "bg-brand-50 ring-1 ring-inset ring-brand-600/30",
                  )}
                  data-testid={`template-option-${t.name}`}
                >
                  <span className="min-w-0 flex-[1_1_14rem]">
                    <span className="block font-mono text-[13px] text-slate-900 [overflow-wrap:anywhere]">{t.name}</span>
                    <span className="line-clamp-2 text-xs text-slate-500">{t.parameters.body.text}</span>
                  </span>
                  <span className="flex flex-wrap items-center gap-1.5">
                    <Badge>{t.language}</Badge>
                    <Badge tone="sky">{t.category.toLowerCase()}</Badge>
                    {categoryChangeLabel(t) ? <Badge tone="amber">{categoryChangeLabel(t)}</Badge> : null}
                    {t.quality_score && QUALITY_TONES[t.quality_score] ? <Badge tone={QUALITY_TONES[t.quality_score]}>quality {t.quality_score.toLowerCase()}</Badge> : null}
                    <TemplateStatusBadge status={t.status} />
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** POST /api/marketing/templates/sync, then refresh the page's data. */
export function SyncTemplatesButton() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const res = await fetch("/api/marketing/templates/sync", { method: "POST" });
            const body = (await res.json().catch(() => ({}))) as { synced?: number; error?: { message?: string } };
            setMessage(res.ok ? `Synced ${body.synced ?? 0} templates` : (body.error?.message ?? "Sync failed"));
            router.refresh();
          })
        }
      >
        {pending ? "Syncing…" : "Sync from WhatsApp"}
      </Button>
      {message ? <span className="text-xs text-slate-500" role="status">{message}</span> : null}
    </div>
  );
}
