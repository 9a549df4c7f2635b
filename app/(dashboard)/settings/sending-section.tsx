"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState, useTransition } from "react";
import { SendWindowFields, describeWindow, type SendWindowValue } from "@/components/careful/send-window-fields";
import { initialActionState } from "@/components/forms/action-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, NumberField, Select, Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useToast } from "@/components/ui/toast";
import { releaseSendHoldAction, saveSendingSettingsAction } from "./sending-actions";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

export type SendingSettingsView = {
  default_send_window: SendWindowValue;
  frequency_cap: { max: number; days: number } | null;
  failure_guard: { threshold_pct: number; window: number; min_attempts: number };
  send_hold: { active: boolean; reason: string | null; since: string | null };
  require_test_send: boolean;
  test_phone_numbers: string[];
  test_send_limit_per_hour: number;
  inbound_retention_days: number;
  undeliverable_after: number;
  default_country: string | null;
};



/** Careful sending: default window, frequency cap, failure-guard defaults (admins edit), and the send hold. */
export function SendingSection({ settings, timezone, isAdmin, countries }: {
  settings: SendingSettingsView; timezone: string; isAdmin: boolean;
  /** every country a number can be read in, named on the server ("United States (+1)"; see countryName) */
  countries: Array<{ code: string; label: string }>;
}) {
  const router = useRouter();
  const toast = useToast();
  const [state, formAction, saving] = useActionState(saveSendingSettingsAction, initialActionState);
  const formRef = useActionFormRef(state);
  const [defaultWindow, setDefaultWindow] = useState<SendWindowValue>(settings.default_send_window);
  const [capOn, setCapOn] = useState(settings.frequency_cap !== null);
  const [capMax, setCapMax] = useState(String(settings.frequency_cap?.max ?? 2));
  const [capDays, setCapDays] = useState(String(settings.frequency_cap?.days ?? 7));
  const [pct, setPct] = useState(String(settings.failure_guard.threshold_pct));
  const [win, setWin] = useState(String(settings.failure_guard.window));
  const [min, setMin] = useState(String(settings.failure_guard.min_attempts));
  const [requireTest, setRequireTest] = useState(settings.require_test_send);
  const [testNumbers, setTestNumbers] = useState(settings.test_phone_numbers.map((p) => `+${p}`).join("\n"));
  const [testLimit, setTestLimit] = useState(String(settings.test_send_limit_per_hour));
  const [retention, setRetention] = useState(String(settings.inbound_retention_days));
  const [undeliverableAfter, setUndeliverableAfter] = useState(String(settings.undeliverable_after));
  const [defaultCountry, setDefaultCountry] = useState(settings.default_country ?? "");
  const [confirm, setConfirm] = useState(false);
  const [releasing, startRelease] = useTransition();
  const errors = state.errors ?? {};
  const payload = {
    default_send_window: defaultWindow,
    frequency_cap: capOn ? { max: Number(capMax), days: Number(capDays) } : null,
    failure_guard: { threshold_pct: Number(pct), window: Number(win), min_attempts: Number(min) },
    require_test_send: requireTest,
    // one per line (or , ;): a number written with spaces ("+1 415 555 0100", the placeholder) is one number
    test_phone_numbers: testNumbers.split(/[\n,;]+/).map((n) => n.trim()).filter(Boolean),
    test_send_limit_per_hour: Number(testLimit),
    inbound_retention_days: Number(retention),
    // an emptied field is an error beside it, not 0 (which would silently turn marking off)
    undeliverable_after: undeliverableAfter.trim() === "" ? null : Number(undeliverableAfter),
    default_country: defaultCountry === "" ? null : defaultCountry,
  };
  const testNumberErrors = Object.entries(errors)
    .filter(([key]) => key === "test_phone_numbers" || key.startsWith("test_phone_numbers."))
    .flatMap(([, messages]) => messages ?? []);

  return (
    <Card id="sending">
      <CardHeader
        title="Careful sending"
        description="Send windows, how often one customer may hear from you, and when a campaign pauses itself."
        actions={settings.send_hold.active ? <Badge tone="red" dot>On hold</Badge> : null}
      />
      <CardBody className="space-y-6">
        {settings.send_hold.active ? (
          <Notice tone="error" title="All marketing sending is on hold">
            <p>{settings.send_hold.reason}</p>
            {settings.send_hold.since ? <p className="mt-1 text-xs">Since {new Date(settings.send_hold.since).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" })}</p> : null}
            {isAdmin ? (
              <Button className="mt-3" variant="danger" size="sm" onClick={() => setConfirm(true)}>
                Release the hold
              </Button>
            ) : (
              <p className="mt-1">Only an admin can release it.</p>
            )}
          </Notice>
        ) : null}
        {isAdmin ? (
          <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-6" noValidate>
            <input type="hidden" name="payload" value={JSON.stringify(payload)} />
            {state.message ? <Notice tone={state.ok ? "success" : "error"}>{state.message}</Notice> : null}
            <div>
              <p className="mb-2 text-sm text-slate-600">Default for new campaigns (each campaign can change it).</p>
              <SendWindowFields value={defaultWindow} onChange={setDefaultWindow} errors={errors} prefix="default_send_window" timezone={timezone} idPrefix="default-window" />
            </div>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Frequency cap across campaigns</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={capOn} onChange={(e) => setCapOn(e.target.checked)} /> Limit marketing messages per customer
              </label>
              {capOn ? (
                <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
                  <NumberField label="At most" id="cap-max" errors={errors["frequency_cap.max"]} hint="messages per customer" min={1} max={100} value={capMax} onChange={setCapMax} />
                  <NumberField label="In any" id="cap-days" errors={errors["frequency_cap.days"]} hint="days (a moving window)" min={1} max={90} value={capDays} onChange={setCapDays} />
                </div>
              ) : null}
              <p className="text-xs text-slate-500">A customer over the cap is not skipped: the message waits until they are eligible again.</p>
            </fieldset>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Failure guard (default for every campaign)</legend>
              <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
                <NumberField label="Pause above" id="guard-pct" errors={errors["failure_guard.threshold_pct"]} hint="% failed" min={1} max={100} step="0.1" value={pct} onChange={setPct} />
                <NumberField label="Of the last" id="guard-window" errors={errors["failure_guard.window"]} hint="sends" min={10} max={10000} value={win} onChange={setWin} />
                <NumberField label="Once at least" id="guard-min" errors={errors["failure_guard.min_attempts"]} hint="sends exist" min={1} max={10000} value={min} onChange={setMin} />
              </div>
            </fieldset>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Phone numbers</legend>
              <Field
                label="Default country"
                htmlFor="default-country"
                errors={errors["default_country"]}
                hint="Numbers written without + or 00 (in imports, pasted lists, test numbers and the API) are read as this country’s numbers where they are valid there, so (202) 555-0973 is +1 202 555 0973 for the United States. Numbers written with + or 00 never change. Without one, such numbers must start with their country code."
              >
                <Select id="default-country" value={defaultCountry} onChange={(e) => setDefaultCountry(e.target.value)} invalid={Boolean(errors["default_country"])}>
                  <option value="">None: numbers start with their country code</option>
                  {countries.map((c) => (
                    <option key={c.code} value={c.code}>{c.label}</option>
                  ))}
                </Select>
              </Field>
            </fieldset>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Test sends</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={requireTest} onChange={(e) => setRequireTest(e.target.checked)} /> Require a successful test send before a campaign can be activated
              </label>
              <Field label="Team test numbers" htmlFor="test-numbers" errors={testNumberErrors.length ? testNumberErrors : undefined} hint={`Up to 10, one per line${defaultCountry ? "" : ", with the country code"}. Offered in every campaign's test-send panel.`}>
                <Textarea id="test-numbers" rows={3} value={testNumbers} onChange={(e) => setTestNumbers(e.target.value)} invalid={testNumberErrors.length > 0} placeholder="+1 415 555 0100" />
              </Field>
              <NumberField label="Test numbers per user an hour" id="test-limit" errors={errors["test_send_limit_per_hour"]} hint="How many numbers one person (or API token) may send test messages to in any hour. 0 turns test sends off." min={0} max={10000} value={testLimit} onChange={setTestLimit} />
            </fieldset>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Customers not on WhatsApp</legend>
              <NumberField label="Mark a customer not reachable after" id="undeliverable-after" errors={errors["undeliverable_after"]} hint="undeliverable campaign messages in a row (131026); 0 never marks anyone. A new value applies to current counts at once." min={0} max={100} value={undeliverableAfter} onChange={setUndeliverableAfter} />
              <p className="text-xs text-slate-500">A customer marked not reachable is left out of audiences and skipped at sending, until a message to them is delivered, they write to you, their number changes or someone marks them reachable.</p>
            </fieldset>
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Privacy</legend>
              <NumberField label="Keep customers' replies for" id="inbound-retention" errors={errors["inbound_retention_days"]} hint="days; after that the text of inbound messages is deleted (the message stays counted)." min={1} max={3650} value={retention} onChange={setRetention} />
            </fieldset>
            <Button type="submit" pending={saving}>Save sending settings</Button>
          </form>
        ) : (
          <dl className="grid gap-2 text-sm">
            <div className="flex justify-between"><dt className="text-slate-500">Default send window</dt><dd className="font-medium">{describeWindow(settings.default_send_window)}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Frequency cap</dt><dd className="font-medium">{settings.frequency_cap ? `${settings.frequency_cap.max} in ${settings.frequency_cap.days} days` : "Off"}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Default country for numbers</dt><dd className="font-medium">{countries.find((c) => c.code === settings.default_country)?.label ?? "None"}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Test send before activation</dt><dd className="font-medium">{settings.require_test_send ? "Required" : "Optional"}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Test numbers per user an hour</dt><dd className="font-medium">{settings.test_send_limit_per_hour}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Replies kept for</dt><dd className="font-medium">{settings.inbound_retention_days} days</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Not reachable on WhatsApp after</dt><dd className="font-medium">{settings.undeliverable_after === 0 ? "Never" : `${settings.undeliverable_after} undelivered in a row`}</dd></div>
            <div className="flex justify-between"><dt className="text-slate-500">Failure guard</dt><dd className="font-medium">above {settings.failure_guard.threshold_pct}% of the last {settings.failure_guard.window} (from {settings.failure_guard.min_attempts})</dd></div>
          </dl>
        )}
      </CardBody>
      <ConfirmDialog
        open={confirm}
        onClose={() => setConfirm(false)}
        title="Release the send hold?"
        description="Marketing sending resumes at the next processor run. Make sure the cause (quality, limit, policy) is dealt with."
        confirmLabel="Release"
        pending={releasing}
        onConfirm={() =>
          startRelease(async () => {
            const r = await releaseSendHoldAction();
            toast.show(r.message ?? "Done.", r.ok ? "success" : "error");
            setConfirm(false);
            if (r.ok) router.refresh();
          })
        }
      />
    </Card>
  );
}
