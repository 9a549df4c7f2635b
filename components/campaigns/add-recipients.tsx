"use client";

import type { NamedCountry } from "@/components/ui/format";
import Papa from "papaparse";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useRef, useState, useTransition, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Textarea } from "@/components/ui/field";
import { CsvFileInput } from "@/components/ui/csv-file-input";
import { formatInt } from "@/components/ui/format";
import { csvFileEncoding } from "@/lib/csv-encoding";
import { isPhoneHeader } from "@/lib/marketing/customers/customer-csv";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress";
import { useToast } from "@/components/ui/toast";
import { addRecipientsAction } from "@/app/(dashboard)/campaigns/actions";
import { startAddAudienceJobAction } from "@/app/(dashboard)/campaigns/job-actions";
import type { JobView } from "@/lib/marketing/jobs/job";
import { JobProgress, useCampaignJob } from "./job-progress";
import { UnprefixedNumbersNotice, unprefixedOf } from "@/components/customers/unprefixed-numbers-notice";
import type { AddRecipientsResult } from "@/lib/marketing/recipients/add-recipients";

type Tab = "paste" | "csv" | "audience";
const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ["paste", "Paste numbers"],
  ["csv", "Upload CSV"],
  ["audience", "Target audience"],
];

/** Numbers from pasted text: one per line, or separated by commas, semicolons or tabs. */
function splitNumbers(text: string): string[] {
  return text
    .split(/[\n\r,;\t]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function AddRecipients({ campaignId, audienceSummary, audienceCount, audienceCountApproximate = false, audienceJob = null, defaultCountry = null }: {
  campaignId: string;
  /** the campaign's audience in words; null: it has none to add (a follow-up), and no Target audience tab */
  audienceSummary: string | null;
  audienceCount: number;
  /** the workspace's default country for numbers without + or 00 (Settings) */
  defaultCountry?: NamedCountry | null;
  /** the count is an earlier count or an estimate (a large audience), not a live one */
  audienceCountApproximate?: boolean;
  /** the campaign's latest audience job (still running after a reload, or its result) */
  audienceJob?: JobView | null;
}) {
  const tabs = audienceSummary === null ? TABS.filter(([k]) => k !== "audience") : TABS;
  const [tab, setTab] = useState<Tab>(audienceJob && audienceSummary !== null ? "audience" : "paste");
  const tabButtons = useRef<Array<HTMLButtonElement | null>>([]);
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex(([k]) => k === tab);
    const to = e.key === "ArrowRight" ? (at + 1) % tabs.length : e.key === "ArrowLeft" ? (at + tabs.length - 1) % tabs.length : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    setTab(tabs[to][0]);
    tabButtons.current[to]?.focus();
  };
  const [text, setText] = useState("");
  const [csvNumbers, setCsvNumbers] = useState<string[] | null>(null);
  const [csvName, setCsvName] = useState("");
  const [reading, setReading] = useState<number | null>(null);
  const [result, setResult] = useState<AddRecipientsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, start] = useTransition();
  const router = useRouter();
  const toast = useToast();
  const [startError, setStartError] = useState<string | null>(null);
  const onJobFinished = useCallback(
    (job: JobView) => {
      if (job.status !== "done") return;
      toast.show(`Added ${formatInt((job.result as AddRecipientsResult).recipients_added)} recipients.`);
      router.refresh();
    },
    [router, toast],
  );
  const audience = useCampaignJob(campaignId, audienceJob, onJobFinished);
  const jobResult = audience.job?.status === "done" ? (audience.job.result as AddRecipientsResult) : null;
  const jobError = startError ?? (audience.job?.status === "failed" ? (audience.job.error?.message ?? "Could not add the audience.") : null);

  function startAudience() {
    setStartError(null);
    setError(null);
    setResult(null);
    start(async () => {
      const r = await startAddAudienceJobAction(campaignId);
      if (r.ok && r.data) audience.start(r.data);
      else setStartError(r.message ?? "Could not add the audience.");
    });
  }

  function submit(input: { source: "audience" } | { source: "numbers"; phone_numbers: string[] }) {
    setError(null);
    setResult(null);
    start(async () => {
      const r = await addRecipientsAction(campaignId, input);
      if (r.ok && r.data) {
        setResult(r.data);
        toast.show(`Added ${formatInt(r.data.recipients_added)} recipients.`);
        if (input.source === "numbers") {
          setText("");
          setCsvNumbers(null);
        }
        router.refresh();
      } else setError(r.message ?? "Could not add recipients.");
    });
  }

  async function readCsv(file: File) {
    setCsvName(file.name);
    setCsvNumbers(null);
    setReading(0);
    const encoding = await csvFileEncoding(file);
    const numbers: string[] = [];
    let phoneCol = -1;
    let first = true;
    Papa.parse<string[]>(file, {
      encoding,
      skipEmptyLines: "greedy",
      chunkSize: 512 * 1024,
      chunk: (res) => {
        for (const row of res.data) {
          if (first) {
            first = false;
            const idx = row.findIndex(isPhoneHeader);
            if (idx >= 0) {
              phoneCol = idx;
              continue;
            }
            phoneCol = 0; // no header: the first column holds the numbers
          }
          const v = row[phoneCol]?.trim();
          if (v) numbers.push(v);
        }
        setReading((100 * res.meta.cursor) / Math.max(1, file.size));
      },
      complete: () => {
        setReading(null);
        setCsvNumbers(numbers);
      },
      error: () => {
        setReading(null);
        setError("This file could not be read as CSV.");
      },
    });
  }

  const pasted = splitNumbers(text);
  const pastedUnprefixed = useMemo(() => unprefixedOf(splitNumbers(text), defaultCountry?.code ?? null), [text, defaultCountry]);
  const csvUnprefixed = useMemo(() => (csvNumbers ? unprefixedOf(csvNumbers, defaultCountry?.code ?? null) : null), [csvNumbers, defaultCountry]);
  return (
    <Card>
      <CardHeader
        title="Add recipients"
        description={`${defaultCountry ? `Numbers without + or 00 are read as ${defaultCountry.name} numbers.` : "Numbers need their country code."} Duplicates and numbers already in the campaign are skipped.`}
      />
      <CardBody className="space-y-4">
        {/* tabs (the ARIA pattern): one Tab stop, the arrow keys (and Home / End) move between them and select, the panel follows */}
        <div role="tablist" aria-label="How to add recipients" onKeyDown={onTabKey} className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-1">
          {tabs.map(([k, label], i) => (
            <button
              key={k}
              ref={(el) => {
                tabButtons.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`add-recipients-tab-${k}`}
              aria-selected={tab === k}
              // only the shown panel exists
              aria-controls={tab === k ? "add-recipients-panel" : undefined}
              tabIndex={tab === k ? 0 : -1}
              onClick={() => setTab(k)}
              className={cn("rounded-md px-3 py-1.5 text-sm font-medium", tab === k ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900")}
            >
              {label}
            </button>
          ))}
        </div>

        <div role="tabpanel" id="add-recipients-panel" aria-labelledby={`add-recipients-tab-${tab}`}>
          {tab === "paste" ? (
            <div className="space-y-3">
              <Field label="Phone numbers" htmlFor="paste_numbers" hint="One per line, or separated by commas.">
                <Textarea id="paste_numbers" rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={"+1 469 465 2751\n+19453083188"} className="font-mono" />
              </Field>
              <UnprefixedNumbersNotice unprefixed={pastedUnprefixed} defaultCountry={defaultCountry} />
              <Button onClick={() => submit({ source: "numbers", phone_numbers: pasted })} disabled={pasted.length === 0} pending={busy}>
                Add {pasted.length > 0 ? formatInt(pasted.length) : ""} number{pasted.length === 1 ? "" : "s"}
              </Button>
            </div>
          ) : null}

          {tab === "csv" ? (
            <div className="space-y-3">
              <CsvFileInput
                id="recipients_csv"
                accept=".csv,text/csv,text/plain"
                onFile={(f) => void readCsv(f)}
                hint="A “phone” column, or the numbers in the first column. Up to 100,000 numbers a file."
              />
              {reading !== null ? <ProgressBar value={reading} label="Reading the file" /> : null}
              {csvUnprefixed ? <UnprefixedNumbersNotice unprefixed={csvUnprefixed} defaultCountry={defaultCountry} /> : null}
              {csvNumbers ? (
                <Button onClick={() => submit({ source: "numbers", phone_numbers: csvNumbers })} disabled={csvNumbers.length === 0} pending={busy}>
                  Add {formatInt(csvNumbers.length)} numbers from {csvName}
                </Button>
              ) : null}
            </div>
          ) : null}

          {tab === "audience" && audienceSummary !== null ? (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">
                Adds every subscribed, active customer matching the campaign’s audience: <span className="font-medium">{audienceSummary}</span>.
              </p>
              <Button onClick={startAudience} pending={busy || audience.open} disabled={audience.open}>
                Add {audienceCountApproximate ? "about " : ""}{formatInt(audienceCount)} matching customers
              </Button>
              {audience.job && audience.open ? <JobProgress job={audience.job} label="Adding the audience" unit="customers" /> : null}
              {audience.pollError && audience.open ? <p className="text-xs text-slate-500">{audience.pollError}</p> : null}
              {jobError ? <Notice tone="error">{jobError}</Notice> : null}
              {jobResult ? <AddResult result={jobResult} /> : null}
            </div>
          ) : null}
        </div>

        {busy && tab !== "audience" ? (
          <div aria-live="polite" className="space-y-1.5">
            <p className="text-sm text-slate-600">Adding recipients… large lists take a few seconds; you can keep reading this page.</p>
            <ProgressBar value={null} label="Adding recipients" />
          </div>
        ) : null}
        {error ? <Notice tone="error">{error}</Notice> : null}
        {result ? <AddResult result={result} /> : null}
      </CardBody>
    </Card>
  );
}

/** Added / duplicates / invalid of one add, and the invalid numbers. */
function AddResult({ result }: { result: AddRecipientsResult }) {
  return (
    <div className="space-y-2" aria-live="polite">
      <dl className="grid grid-cols-3 gap-3 rounded-lg bg-slate-50 p-4 text-sm" data-testid="add-recipients-result">
        <div>
          <dt className="text-slate-500">Added</dt>
          <dd className="text-lg font-semibold tabular-nums text-emerald-700">{formatInt(result.recipients_added)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Duplicates</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatInt(result.duplicates_skipped)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Invalid</dt>
          <dd className={cn("text-lg font-semibold tabular-nums", result.invalid_count > 0 && "text-red-600")}>{formatInt(result.invalid_count)}</dd>
        </div>
      </dl>
      {result.invalid.length > 0 ? (
        <details className="rounded-lg border border-slate-200 px-4 py-2 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Invalid numbers</summary>
          <ul className="mt-2 max-h-48 space-y-1 overflow-y-auto focus-visible:-outline-offset-2" tabIndex={0} aria-label="Invalid numbers">
            {result.invalid.slice(0, 200).map((i) => (
              <li key={i.index} className="flex justify-between gap-4">
                <span className="font-mono text-xs">{i.phone_number || "(empty)"}</span>
                <span className="text-slate-500">{i.reason}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
