"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { focusFirstProblem } from "@/components/forms/keep-values";
import { importRateCardAction } from "@/app/(dashboard)/settings/cost-actions";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { formatDay } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { readCsvText } from "@/lib/csv-encoding";
import { formatMoney } from "./money";

export type RateCardView = {
  currency: string; effective_from: string; source: string; created_at: string;
  rates: Array<{ market: string; marketing?: string; utility?: string; authentication?: string; authentication_international?: string }>;
} | null;

/** Settings › Rate card: the card in force, and (admins) uploading Meta's rate-card CSV. */
export function RateCardSection({ card, isAdmin, today }: { card: RateCardView; isAdmin: boolean; today: string }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [effective, setEffective] = useState(today);
  const [result, setResult] = useState<{ ok: boolean; message?: string; rows?: RowProblem[]; errors?: Record<string, string[]> } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // a refused upload: focus goes to the first field marked invalid (the file, the date)
  useEffect(() => {
    if (result && !result.ok && result.errors && formRef.current) focusFirstProblem(formRef.current);
  }, [result]);
  const fieldErrors = result?.ok === false ? result.errors : undefined;
  const [busy, start] = useTransition();
  const [showAll, setShowAll] = useState(false);
  const rates = card ? (showAll ? card.rates : card.rates.slice(0, 8)) : [];
  const m = (v?: string) => (v === undefined ? "—" : formatMoney(Number(v), card?.currency));
  return (
    <Card data-testid="rate-card">
      <CardHeader
        title="Rate card"
        description={card ? `In force: Meta's rates in ${card.currency} from ${formatDay(card.effective_from)} (${card.source}). Meta changes its rates: upload the new card when it does.` : "No rate card: costs cannot be estimated."}
      />
      <CardBody className="space-y-4">
        {card ? (
          <>
            <Table label="Rate card">
              <TableHeader columns={["Market", { label: "Marketing", numeric: true }, { label: "Utility", numeric: true }, { label: "Authentication", numeric: true, className: "hidden sm:table-cell" }]} />
              <TBody>
                {rates.map((r) => (
                  <TR key={r.market}>
                    <TD>{r.market}</TD>
                    <TD numeric>{m(r.marketing)}</TD>
                    <TD numeric>{m(r.utility)}</TD>
                    <TD numeric className="hidden sm:table-cell">{m(r.authentication)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            {card.rates.length > 8 ? (
              <Button type="button" variant="ghost" size="sm" onClick={() => setShowAll(!showAll)}>
                {showAll ? "Show fewer" : `Show all ${card.rates.length} markets`}
              </Button>
            ) : null}
          </>
        ) : null}
        {isAdmin ? (
          <form
            ref={formRef}
            noValidate
            className="grid grid-cols-1 gap-4 border-t border-slate-100 pt-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
            onSubmit={(e) => {
              e.preventDefault();
              if (!file) {
                setResult({ ok: false, errors: { csv: ["Choose Meta's rate-card CSV first."] } });
                return;
              }
              start(async () => {
                const csv = await readCsvText(file);
                const r = await importRateCardAction({ csv, effective_from: effective, source: file.name.slice(0, 300) });
                const rows = Array.isArray(r.details) ? (r.details as RowProblem[]).slice(0, 20) : undefined;
                // the form's own fields beside them; a bad row of the file stays in the message with its line
                const errors = r.errors?.csv || r.errors?.effective_from ? { csv: r.errors.csv, effective_from: r.errors.effective_from } : undefined;
                setResult({ ok: r.ok, message: errors ? undefined : r.message, rows, errors });
                if (r.ok) router.refresh();
              });
            }}
          >
            <Field label="Meta's rate card (CSV)" htmlFor="rate_card_file" errors={fieldErrors?.csv} hint="Columns Market, Currency, Marketing, Utility, Authentication (and optionally Authentication-International); one row per market, with an “Other” row.">
              <Input id="rate_card_file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </Field>
            <Field label="In force from" htmlFor="rate_card_effective" errors={fieldErrors?.effective_from}>
              <Input id="rate_card_effective" type="date" value={effective} onChange={(e) => setEffective(e.target.value)} />
            </Field>
            <Button type="submit" pending={busy} className="sm:mt-[26px]">Upload card</Button>
          </form>
        ) : null}
        {result?.message ? (
          <Notice tone={result.ok ? "success" : "error"}>
            {/* with the list below, its first line is not said twice */}
            {result.rows && result.rows.length > 1 ? result.message.replace(/ Line \d+.*$/s, "") : result.message}
            {result.rows && result.rows.length > 1 ? (
              <ul className="mt-2 list-disc pl-5 text-xs">
                {result.rows.map((r, i) => <li key={i}>{rowProblem(r)}</li>)}
              </ul>
            ) : null}
          </Notice>
        ) : null}
      </CardBody>
    </Card>
  );
}

/** One problem of a refused card: its file line and column, as the server lists them. */
type RowProblem = { path: string; message: string; row?: number; field?: string | null };

function rowProblem(r: RowProblem): string {
  if (typeof r.row !== "number") return `${r.path}: ${r.message}`;
  return `Line ${r.row}${r.field ? ` (${r.field})` : ""}: ${r.message}`;
}
