"use client";

import Papa from "papaparse";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Button, buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { countOf, formatInt } from "@/components/ui/format";
import { CsvFileInput } from "@/components/ui/csv-file-input";
import { csvFileEncoding, fileNotCsvReason } from "@/lib/csv-encoding";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import type { ActionState } from "@/components/forms/action-state";
import { JobProgress, useJob } from "@/components/campaigns/job-progress";
import { importCustomersAction, type ImportCustomersStart } from "@/app/(dashboard)/customers/actions";
import { CSV_COLUMNS_HELP, FILE_TOO_LARGE_MESSAGE, isSeparatorLine, mapCustomerRecords, mapHeader, MAX_IMPORT_FILE_BYTES, MAX_IMPORT_ROWS, noUnprefixedNumbers, type CsvRowError, type UnprefixedNumbers } from "@/lib/marketing/customers/customer-csv";
import { UnprefixedNumbersNotice } from "./unprefixed-numbers-notice";
import { isPhoneCountry } from "@/lib/marketing/phone";
import type { NamedCountry } from "@/components/ui/format";
import type { JobView } from "@/lib/marketing/jobs/job";

type Phase =
  | { kind: "idle" }
  | { kind: "reading"; pct: number }
  | { kind: "checking"; pct: number; rows: number }
  | { kind: "invalid"; errors: CsvRowError[]; errorCount: number; rows: number; serverSide?: boolean }
  | { kind: "ready"; rows: number; unprefixed: UnprefixedNumbers }
  | { kind: "saving"; rows: number }
  | { kind: "job" }
  | { kind: "done"; message: string }
  | { kind: "failed"; message: string };

const SAMPLE = "phone,name,customer_tier,city,tags,subscription,attributes.loyalty_points\n+14155550101,Ava Smith,premium,New York,fashion;shoes,subscribed,1200\n+14155550102,Liam Garcia,standard,Chicago,home,subscribed,80\n";

/** What a finished import job says: its counts, or how far it got before it stopped. */
function jobOutcome(job: JobView): Phase {
  if (job.status === "done") {
    const message = (job.result as { message?: unknown } | null)?.message;
    return { kind: "done", message: typeof message === "string" ? message : `Imported ${countOf(job.done_rows, "customer")}.` };
  }
  const saved = job.done_rows > 0 ? `The first ${formatInt(job.done_rows)} of ${formatInt(job.total_rows)} rows are saved; ` : "Nothing was saved; ";
  const why = job.error && job.error.code !== "INTERNAL" ? `: ${job.error.message}` : " on an unexpected error.";
  return { kind: "failed", message: `The import stopped${why} ${saved}import the file again to finish (rows already saved are updated, never duplicated).` };
}

function initialPhase(job: JobView | null): Phase {
  if (!job) return { kind: "idle" };
  return job.status === "queued" || job.status === "running" ? { kind: "job" } : jobOutcome(job);
}

/**
 * CSV import in steps that never block the page: the file is read and checked in the browser with a
 * progress bar (every bad row reported by line, nothing uploaded), then a clean file is sent once; the
 * server checks every row again and, only if all are good, imports it as a job in resumable chunks
 * whose progress (rows done of total) is shown here, also after a reload (`initialJob`: the user's
 * latest import). `openHref`: this page with the import card open, where a finished import's result stays.
 */
export function CustomerImport({ closeHref, openHref, initialJob = null, defaultCountry = null }: {
  closeHref?: string; openHref?: string; initialJob?: JobView | null;
  /** the workspace's default country for numbers without + or 00 (Settings): the check reads them as the server will */
  defaultCountry?: NamedCountry | null;
}) {
  const [phase, setPhase] = useState<Phase>(() => initialPhase(initialJob));
  const [file, setFile] = useState<File | null>(null);
  const [, startTransition] = useTransition();
  const inputRef = useRef<HTMLInputElement>(null);
  const toast = useToast();
  const router = useRouter();
  const onJobFinished = useCallback(
    (job: JobView) => {
      const outcome = jobOutcome(job);
      setPhase(outcome);
      if (outcome.kind === "done") toast.show(outcome.message);
      if (openHref) router.replace(openHref, { scroll: false });
      router.refresh();
    },
    [openHref, router, toast],
  );
  const importJob = useJob("/api/dashboard/jobs", initialJob, onJobFinished);
  // how the check reads numbers without + or 00, as the server will (a ref: the hydration pick-up below runs once; the setting is changed on another page)
  const reading = useRef({ defaultCountry: isPhoneCountry(defaultCountry?.code) ? defaultCountry.code : null });

  // a file chosen before the page became interactive (slow connection) fired its change event before
  // React listened: pick it up once hydrated
  useEffect(() => {
    const early = inputRef.current?.files?.[0];
    if (early) queueMicrotask(() => void check(early));
  }, []);

  async function check(f: File) {
    setFile(f);
    setPhase({ kind: "reading", pct: 0 });
    // what the server refuses before it reads a row is said here, before the upload
    if (f.size > MAX_IMPORT_FILE_BYTES) {
      setPhase({ kind: "failed", message: FILE_TOO_LARGE_MESSAGE });
      return;
    }
    const notCsv = await fileNotCsvReason(f);
    if (notCsv) {
      setPhase({ kind: "failed", message: notCsv });
      return;
    }
    const records: string[][] = [];
    // broken quotes, as the server reports them (Papa's row of the first, counted from the first record)
    const bad: { quotes: { row: number; message: string } | null } = { quotes: null };
    try {
      const encoding = await csvFileEncoding(f);
      await new Promise<void>((resolve, reject) => {
        Papa.parse<string[]>(f, {
          encoding,
          skipEmptyLines: "greedy",
          chunkSize: 512 * 1024,
          chunk: (results) => {
            const quotes = results.errors.find((e) => e.type === "Quotes");
            if (quotes && !bad.quotes) bad.quotes = { row: records.length + (quotes.row ?? 0), message: quotes.message };
            for (const r of results.data) records.push(r);
            setPhase({ kind: "reading", pct: (100 * results.meta.cursor) / Math.max(1, f.size) });
          },
          complete: () => resolve(),
          error: (e) => reject(e),
        });
      });
    } catch {
      setPhase({ kind: "failed", message: "This file could not be read as CSV." });
      return;
    }
    if (bad.quotes) {
      setPhase({ kind: "failed", message: `The file is not valid CSV (line ${bad.quotes.row + 1}: ${bad.quotes.message}).` });
      return;
    }
    // Excel's "sep=;" line above the header, as the server drops it
    const offset = isSeparatorLine(records[0]) ? 1 : 0;
    if (offset) records.shift();
    if (records.length < 2) {
      setPhase({ kind: "failed", message: "The file has no rows under its header." });
      return;
    }
    const rowCount = records.length - 1;
    if (rowCount > MAX_IMPORT_ROWS) {
      setPhase({ kind: "failed", message: `The file has ${formatInt(rowCount)} rows; at most ${formatInt(MAX_IMPORT_ROWS)} a file.` });
      return;
    }
    const header = mapHeader(records[0], 1 + offset);
    if (!header.ok) {
      setPhase({ kind: "invalid", errors: header.errors, errorCount: header.errors.length, rows: rowCount });
      return;
    }
    // check in slices, yielding to the browser so the page stays responsive and the bar moves
    const seen = new Map<string, number>();
    const errors: CsvRowError[] = [];
    let errorCount = 0;
    const unprefixed = noUnprefixedNumbers();
    const SLICE = 5000;
    for (let i = 1; i < records.length; i += SLICE) {
      const r = mapCustomerRecords(header, records.slice(i, i + SLICE), i + 1 + offset, seen, reading.current);
      errorCount += r.errorCount;
      unprefixed.count += r.unprefixed.count;
      unprefixed.example ??= r.unprefixed.example;
      unprefixed.national.count += r.unprefixed.national.count;
      unprefixed.national.example ??= r.unprefixed.national.example;
      for (const e of r.errors) if (errors.length < 1000) errors.push(e);
      setPhase({ kind: "checking", pct: (100 * Math.min(records.length, i + SLICE)) / records.length, rows: rowCount });
      await new Promise((res) => setTimeout(res, 0));
    }
    setPhase(errorCount > 0 ? { kind: "invalid", errors, errorCount, rows: rowCount } : { kind: "ready", rows: rowCount, unprefixed });
  }

  function save() {
    if (!file || phase.kind !== "ready") return;
    const rows = phase.rows;
    setPhase({ kind: "saving", rows });
    const fd = new FormData();
    fd.set("file", file);
    startTransition(async () => {
      let result: ActionState<ImportCustomersStart>;
      try {
        result = await importCustomersAction(fd);
      } catch {
        setPhase({ kind: "failed", message: "The upload was interrupted: nothing was imported. Try again." });
        return;
      }
      if (result.ok && result.data?.ok) {
        importJob.start(result.data.job);
        setPhase({ kind: "job" });
      } else if (result.data && !result.data.ok) {
        setPhase({ kind: "invalid", errors: result.data.errors, errorCount: result.data.errorCount, rows: result.data.rowCount, serverSide: true });
      } else {
        setPhase({ kind: "failed", message: result.message ?? "The import failed: nothing was imported." });
      }
    });
  }

  function reset() {
    setPhase({ kind: "idle" });
    setFile(null);
    if (inputRef.current) inputRef.current.value = "";
  }

  return (
    <Card>
      <CardHeader
        title="Import customers from CSV"
        description={<>Columns: {CSV_COLUMNS_HELP}. Existing customers (same phone) are updated. Every row is checked before anything is written.</>}
        actions={
          <>
            <a className="text-sm font-medium text-brand-700 hover:underline" href={`data:text/csv;charset=utf-8,${encodeURIComponent(SAMPLE)}`} download="customers-sample.csv">
              Sample file
            </a>
            {closeHref ? (
              <Link href={closeHref} className={buttonClass("ghost", "sm")}>
                Close
              </Link>
            ) : null}
          </>
        }
      />
      <CardBody className="space-y-4">
        <CsvFileInput
          ref={inputRef}
          id="customers-csv"
          accept=".csv,text/csv"
          disabled={phase.kind === "reading" || phase.kind === "checking" || phase.kind === "saving" || phase.kind === "job"}
          onFile={(f) => void check(f)}
        />
        <div aria-live="polite" className="space-y-3">
          {phase.kind === "reading" ? <Step label="Reading the file…" pct={phase.pct} /> : null}
          {phase.kind === "checking" ? <Step label={`Checking ${formatInt(phase.rows)} rows…`} pct={phase.pct} /> : null}
          {phase.kind === "saving" ? <Step label={`Uploading and checking ${formatInt(phase.rows)} rows…`} pct={null} /> : null}
          {phase.kind === "job" && importJob.job ? (
            <>
              <JobProgress job={importJob.job} label="Importing customers" unit="rows" note="Every row was checked before anything was written; rows are saved in chunks, each once." />
              {importJob.pollError ? <p className="text-xs text-amber-700">{importJob.pollError}</p> : null}
            </>
          ) : null}
          {phase.kind === "ready" ? (
            <Notice tone="success" title={`${countOf(phase.rows, "row")} ${phase.rows === 1 ? "looks" : "look"} good`}>
              The server checks every row again before writing any; then they are saved in chunks with progress shown here. If the import stops part-way, the rows saved stay and importing the file again finishes it.
              <div className="mt-2">
                <UnprefixedNumbersNotice unprefixed={phase.unprefixed} defaultCountry={defaultCountry} />
              </div>
              <div className="mt-2 flex flex-wrap gap-2">
                <Button onClick={save}>Import {countOf(phase.rows, "customer")}</Button>
                <Button variant="secondary" onClick={reset}>
                  Choose another file
                </Button>
              </div>
            </Notice>
          ) : null}
          {phase.kind === "done" ? (
            <div data-testid="import-result">
              <Notice tone="success" title="Import finished">
                {phase.message}{" "}
                <button type="button" className="font-medium underline" onClick={reset}>
                  Import another file
                </button>
              </Notice>
            </div>
          ) : null}
          {phase.kind === "failed" ? (
            <div data-testid="import-result">
              <Notice tone="error">{phase.message}</Notice>
            </div>
          ) : null}
          {phase.kind === "invalid" ? (
            <div className="space-y-3">
              <Notice tone="error" title={`${formatInt(phase.errorCount)} problem${phase.errorCount === 1 ? "" : "s"} in ${formatInt(phase.rows)} row${phase.rows === 1 ? "" : "s"} — nothing was imported`}>
                Fix the rows below in your file and choose it again.{phase.errorCount > phase.errors.length ? ` The first ${formatInt(phase.errors.length)} are listed.` : ""}
              </Notice>
              <div className="max-h-80 overflow-y-auto rounded-lg border border-slate-200">
                <Table label="Rows with errors" data-testid="import-errors">
                  {/* on a phone the column and the value go above the problem: four columns left the problem a word wide */}
                  <TableHeader columns={[{ label: "Line", numeric: true }, { label: "Column", className: "hidden md:table-cell" }, { label: "Value", className: "hidden md:table-cell" }, "Problem"]} />
                  <TBody>
                    {phase.errors.map((e, i) => (
                      <TR key={i}>
                        <TD numeric className="align-top">{e.line}</TD>
                        <TD className="hidden whitespace-nowrap font-medium md:table-cell">{e.column}</TD>
                        <TD className="hidden max-w-48 truncate font-mono text-xs md:table-cell">{e.value || "—"}</TD>
                        <TD>
                          <span className="mb-0.5 block text-xs text-slate-500 md:hidden">
                            <span className="font-medium text-slate-700">{e.column}</span>
                            {e.value ? <> · <span className="break-all font-mono">{e.value}</span></> : null}
                          </span>
                          {e.message}
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </div>
            </div>
          ) : null}
        </div>
      </CardBody>
    </Card>
  );
}

function Step({ label, pct }: { label: string; pct: number | null }) {
  return (
    <div>
      <div className="mb-1.5 flex justify-between text-sm text-slate-700">
        <span>{label}</span>
        {pct !== null ? <span className="tabular-nums text-slate-500">{Math.floor(pct)}%</span> : null}
      </div>
      <ProgressBar value={pct} label={label} />
    </div>
  );
}
