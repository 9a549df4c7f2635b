"use client";

import { useActionState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Checkbox, Field, Input, Select } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { initialActionState, type ActionState } from "@/components/forms/action-state";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";
import {
  createWebhookEndpointAction, deleteWebhookEndpointAction, resendDeliveryAction, sendTestEventAction, setWebhookEndpointEnabledAction,
} from "./webhook-actions";

type Delivery = { id: string; event_id: string; event_type: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null; created_at: string; next_attempt_at: string | null };
export type EndpointRow = {
  id: string; url: string; description: string | null; event_types: string[]; enabled: boolean; allow_private_network: boolean; secret: string;
  format: string; managed_by: string | null;
  deliveries: Delivery[];
};

const STATUS_TONES = { delivered: "green", pending: "amber", failed: "red" } as const;

export function WebhooksSection({ endpoints, eventTypes }: { endpoints: EndpointRow[]; eventTypes: string[] }) {
  const [state, formAction, pending] = useActionState(createWebhookEndpointAction, initialActionState as ActionState<{ secret: string }>);
  const [busy, start] = useTransition();
  const toast = useToast();
  // a refused form keeps what was typed (submitKeepingValues); an added endpoint empties it for the next one
  const formRef = useActionFormRef(state, { resetAfterSuccess: true });
  const run = (fn: () => Promise<ActionState>) =>
    start(async () => {
      const r = await fn();
      toast.show(r.message ?? (r.ok ? "Done." : "That did not work."), r.ok ? "success" : "error");
    });

  return (
    <Card>
      <CardHeader
        title="Outbound events"
        description="POSTs signed JSON to your endpoints when campaigns change state, customers opt in or out, messages fail, customers reply or an alert is raised (ALERT_WEBHOOK_URL is listed here too)."
      />
      <CardBody className="space-y-5">
        {/* noValidate: the server's messages show beside the fields (a type="url" field otherwise stopped the save with the browser's own bubble) */}
        <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-3" noValidate>
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Field label="Endpoint URL" htmlFor="webhook-url" errors={state.errors?.url}>
              <Input id="webhook-url" name="url" type="url" placeholder="https://shop.example.com/hooks/whatsapp" invalid={Boolean(state.errors?.url)} required />
            </Field>
            <Field label="Description (optional)" htmlFor="webhook-description" errors={state.errors?.description}>
              <Input id="webhook-description" name="description" maxLength={500} />
            </Field>
            <Field label="Body" htmlFor="webhook-format" errors={state.errors?.format}>
              <Select id="webhook-format" name="format" defaultValue="standard">
                <option value="standard">Signed event (JSON envelope)</option>
                <option value="slack">Slack / Teams incoming webhook (text)</option>
              </Select>
            </Field>
          </div>
          <fieldset aria-describedby={state.errors?.event_types ? "webhook-events-error" : undefined}>
            <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {eventTypes.map((t) => <Checkbox key={t} name="event_types" value={t} label={<code className="text-xs">{t}</code>} defaultChecked />)}
            </div>
            {state.errors?.event_types ? <p id="webhook-events-error" role="alert" className="mt-1 text-xs font-medium text-red-600">{state.errors.event_types.join(" ")}</p> : null}
          </fieldset>
          <Checkbox name="allow_private_network" label="Allow a private-network address (loopback, 10.x, 192.168.x …) — only for receivers you run yourself" />
          {!state.ok && state.message && !state.errors ? <Notice tone="error">{state.message}</Notice> : null}
          <div><Button type="submit" pending={pending}>Add endpoint</Button></div>
        </form>
        {state.ok && state.data ? (
          <Notice tone="success" title="Endpoint added">
            Signing secret: <code data-testid="new-webhook-secret" className="break-all font-mono text-xs">{state.data.secret}</code>
          </Notice>
        ) : null}
        {endpoints.length === 0 ? (
          <EmptyState title="No endpoints yet" description="Add one to be told about campaigns, opt-outs, failures and replies as they happen." className="py-6" />
        ) : (
          endpoints.map((e) => (
            <section key={e.id} className="rounded-lg border border-slate-200" aria-label={`Endpoint ${e.url}`}>
              <header className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 px-4 py-3">
                <div className="min-w-0">
                  <p className="break-all font-mono text-sm text-slate-900">{e.url}</p>
                  <p className="text-xs text-slate-500">{e.description ? `${e.description} · ` : ""}{e.event_types.join(", ")}</p>
                  <p className="mt-1 text-xs text-slate-500">Secret: <code className="break-all">{e.secret}</code></p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  {e.enabled ? <Badge tone="green" dot>Enabled</Badge> : <Badge tone="gray" dot>Disabled</Badge>}
                  {e.allow_private_network ? <Badge tone="amber">Private network allowed</Badge> : null}
                  {e.format === "slack" ? <Badge tone="gray">Slack / Teams body</Badge> : null}
                  {e.managed_by ? <Badge tone="gray">Set by {e.managed_by}</Badge> : null}
                  <Button size="sm" variant="secondary" disabled={busy} onClick={() => run(() => sendTestEventAction(e.id))}>Send test event</Button>
                  {e.managed_by ? null : (
                    <>
                      <Button size="sm" variant="secondary" disabled={busy} onClick={() => run(() => setWebhookEndpointEnabledAction(e.id, !e.enabled))}>{e.enabled ? "Disable" : "Enable"}</Button>
                      <Button size="sm" variant="danger" disabled={busy} onClick={() => run(() => deleteWebhookEndpointAction(e.id))}>Delete</Button>
                    </>
                  )}
                </div>
              </header>
              {e.deliveries.length === 0 ? (
                <p className="px-4 py-3 text-sm text-slate-500">No deliveries yet.</p>
              ) : (
                <Table label={`Delivery log: ${e.url}`}>
                  <THead>
                    <tr><TH>Event</TH><TH>Status</TH><TH numeric>Attempts</TH><TH>Last answer</TH><TH>Created</TH><TH className="text-right"><span className="sr-only">Actions</span></TH></tr>
                  </THead>
                  <TBody>
                    {e.deliveries.map((d) => (
                      <TR key={d.id}>
                        <TD><code className="text-xs">{d.event_type}</code> <span className="text-xs text-slate-500">{d.event_id}</span></TD>
                        <TD><Badge tone={STATUS_TONES[d.status as keyof typeof STATUS_TONES] ?? "gray"}>{d.status}</Badge></TD>
                        <TD numeric>{d.attempts}</TD>
                        <TD className="text-xs">{d.last_error ?? (d.last_status_code ? `HTTP ${d.last_status_code}` : "—")}</TD>
                        <TD className="text-xs">{formatDateTime(d.created_at)}</TD>
                        <TD className="text-right">
                          <Button size="sm" variant="ghost" disabled={busy} onClick={() => run(() => resendDeliveryAction(e.id, d.id))}>Send again</Button>
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              )}
            </section>
          ))
        )}
      </CardBody>
    </Card>
  );
}
