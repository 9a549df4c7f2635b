"use client";

import type { NamedCountry } from "@/components/ui/format";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Textarea } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";

type Result = { phone_number: string; status: "sent" | "failed"; whatsapp_message_id?: string; error?: string };

/**
 * Send the campaign's message now to a few numbers (POST /api/marketing/campaigns/{id}/test-send);
 * the team's test numbers are remembered in the workspace settings and offered again.
 */
export function TestSendPanel({ campaignId, rememberedNumbers, lastTestSendAt, requireTestSend, disabled, defaultCountry = null }: {
  campaignId: string;
  /** the workspace's default country: numbers without + or 00 are read as its numbers where valid */
  defaultCountry?: NamedCountry | null;
  rememberedNumbers: string[];
  lastTestSendAt?: string | null;
  requireTestSend?: boolean;
  disabled?: boolean;
}) {
  const router = useRouter();
  const [numbers, setNumbers] = useState(rememberedNumbers.slice(0, 3).map((n) => `+${n}`).join("\n"));
  const [results, setResults] = useState<Result[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const list = numbers.split(/[\n,;]+/).map((n) => n.trim()).filter(Boolean);

  const send = () =>
    start(async () => {
      setError(null);
      setResults(null);
      const res = await fetch(`/api/marketing/campaigns/${campaignId}/test-send`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ phone_numbers: list }),
      });
      const body = (await res.json().catch(() => ({}))) as { results?: Result[]; error?: { message?: string; details?: unknown } };
      if (!res.ok) {
        setError(body.error?.message ?? "The test could not be sent.");
        return;
      }
      setResults(body.results ?? []);
      router.refresh();
    });

  return (
    <div className="space-y-3" data-testid="test-send-panel">
      <p className="text-sm text-slate-600">
        Send this exact message to up to 10 numbers now. Values come from each number&apos;s customer record, or the fallbacks. Tests are not recipients and change no campaign numbers.
        {requireTestSend ? " A successful test of the current template and values is required before activation." : ""}
      </p>
      {lastTestSendAt ? <p className="text-xs text-slate-500">Last successful test: {formatDateTime(lastTestSendAt)}</p> : null}
      <Field label="Test numbers" htmlFor="test-numbers" hint={defaultCountry ? `One per line; without + or 00, read as ${defaultCountry.name} numbers` : "One per line, with the country code"}>
        <Textarea id="test-numbers" rows={3} value={numbers} onChange={(e) => setNumbers(e.target.value)} placeholder="+1 415 555 0100" />
      </Field>
      {rememberedNumbers.length > 0 ? (
        <div className="flex flex-wrap gap-1.5">
          {rememberedNumbers.map((n) => (
            <button key={n} type="button" className="rounded-full border border-slate-200 px-2 py-0.5 text-xs text-slate-600 hover:bg-slate-50"
              onClick={() => setNumbers((cur) => (cur.includes(n) ? cur : `${cur.trim() ? `${cur.trim()}\n` : ""}+${n}`))}>
              +{n}
            </button>
          ))}
        </div>
      ) : null}
      <Button type="button" onClick={send} disabled={pending || disabled || list.length === 0 || list.length > 10}>
        {pending ? "Sending…" : `Send test${list.length > 1 ? ` to ${list.length} numbers` : ""}`}
      </Button>
      {list.length > 10 ? <p className="text-sm text-red-700">At most 10 numbers.</p> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {results ? (
        <ul className="space-y-1 text-sm" data-testid="test-send-results">
          {results.map((r) => (
            <li key={r.phone_number} className="flex items-start gap-2">
              <Badge tone={r.status === "sent" ? "green" : "red"}>{r.status}</Badge>
              {/* what was typed, when it is not a number ("abc"), stays as typed */}
              <span className="font-mono">{/* a number that was read is E.164 digits; one refused is shown as typed */}
                {/^[1-9][0-9]{5,14}$/.test(r.phone_number) ? `+${r.phone_number}` : r.phone_number}</span>
              {r.error ? <span className="text-slate-600">{r.error}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
