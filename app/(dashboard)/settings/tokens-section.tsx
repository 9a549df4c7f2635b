"use client";

import { useActionState, useState, useTransition } from "react";
import { RoleBadge, Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input, Select } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { initialActionState, type ActionState } from "@/components/forms/action-state";
import { createApiTokenAction, revokeApiTokenAction } from "./actions";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

type TokenRow = { id: string; name: string; prefix: string; role: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; expired: boolean; revokedAt: string | null; createdBy: string | null };

export function TokensSection({ tokens }: { tokens: TokenRow[] }) {
  const [state, formAction, pending] = useActionState(createApiTokenAction, initialActionState as ActionState<{ token: string; name: string }>);
  const [revoking, setRevoking] = useState<TokenRow | null>(null);
  const [isRevoking, startRevoke] = useTransition();
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  const created = state.ok ? state.data : undefined;
  // a refused form keeps what was typed (submitKeepingValues); a created token empties it for the next one
  const formRef = useActionFormRef(state, { resetAfterSuccess: true });

  return (
    <Card>
      <CardHeader title="API tokens" description="For integrations calling /api/marketing with Authorization: Bearer <token>." />
      <CardBody className="space-y-5">
        <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="grid grid-cols-1 gap-4 sm:grid-cols-[1fr_12rem_10rem_auto] sm:items-start" noValidate>
          <Field label="Name" htmlFor="token-name" errors={state.errors?.name}>
            <Input id="token-name" name="name" placeholder="e.g. CRM sync" invalid={Boolean(state.errors?.name)} maxLength={100} />
          </Field>
          <Field label="Role" htmlFor="token-role" errors={state.errors?.role}>
            <Select id="token-role" name="role" defaultValue="marketer">
              <option value="marketer">Marketer</option>
              <option value="viewer">Viewer (read only)</option>
              <option value="admin">Admin</option>
            </Select>
          </Field>
          <Field label="Expires" htmlFor="token-expiry" errors={state.errors?.expires_in_days}>
            <Select id="token-expiry" name="expires_in_days" defaultValue="90">
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In a year</option>
              <option value="">Never</option>
            </Select>
          </Field>
          <Button type="submit" pending={pending} className="sm:mt-[26px]">
            Create token
          </Button>
          {!state.ok && state.message && !state.errors ? <Notice tone="error" className="sm:col-span-4">{state.message}</Notice> : null}
        </form>
        {created ? (
          <Notice tone="success" title={`Copy your new token “${created.name}” now`}>
            <p>It is shown only once; we store only a hash of it.</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code data-testid="new-api-token" className="min-w-0 flex-1 break-all rounded-md border border-emerald-200 bg-white px-3 py-2 font-mono text-xs text-slate-900">
                {created.token}
              </code>
              <Button
                variant="secondary"
                size="sm"
                onClick={() => {
                  void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
                }}
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
          </Notice>
        ) : null}
        {tokens.length === 0 ? (
          <EmptyState title="No API tokens yet" description="Create one for each integration, so you can revoke it on its own." className="py-6" />
        ) : (
          <div className="-mx-5">
            <Table label="API tokens">
              <TableHeader columns={["Name", ...["Token", "Role", "Created", "Last used", "Expires"].map((label) => ({ label, className: "hidden lg:table-cell" })), "Status", { label: "Actions", srOnly: true, className: "text-right" }]} />
              <TBody>
                {tokens.map((t) => (
                  <TR key={t.id}>
                    <TD className="font-medium text-slate-900 lg:min-w-40">
                      {t.name}
                      {t.createdBy ? <div className="text-xs font-normal text-slate-500">by {t.createdBy}</div> : null}
                      <div className="mt-1 flex flex-wrap items-center gap-2 text-xs font-normal text-slate-500 lg:hidden">
                        <code className="font-mono">{t.prefix}…</code>
                        <RoleBadge role={t.role} />
                      </div>
                      <div className="mt-1 text-xs font-normal text-slate-500 lg:hidden">
                        Last used {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never"} · expires {t.expiresAt ? formatDateTime(t.expiresAt) : "never"}
                      </div>
                    </TD>
                    <TD className="hidden lg:table-cell">
                      <code className="font-mono text-xs">{t.prefix}…</code>
                    </TD>
                    <TD className="hidden lg:table-cell">
                      <RoleBadge role={t.role} />
                    </TD>
                    <TD className="hidden whitespace-nowrap lg:table-cell">{formatDateTime(t.createdAt)}</TD>
                    <TD className="hidden whitespace-nowrap lg:table-cell">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "Never"}</TD>
                    <TD className="hidden whitespace-nowrap lg:table-cell">{t.expiresAt ? formatDateTime(t.expiresAt) : "Never"}</TD>
                    <TD>
                      {t.revokedAt ? (
                        <Badge tone="red">Revoked</Badge>
                      ) : t.expired ? (
                        <Badge tone="amber">Expired</Badge>
                      ) : (
                        <Badge tone="green">Active</Badge>
                      )}
                    </TD>
                    <TD className="text-right">
                      {t.revokedAt ? null : (
                        <Button variant="ghost" size="sm" className="text-red-600 hover:bg-red-50" onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      )}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </div>
        )}
      </CardBody>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        description="Integrations using this token stop working at once. This cannot be undone."
        confirmLabel="Revoke token"
        pending={isRevoking}
        onConfirm={() => {
          const token = revoking;
          if (!token) return;
          startRevoke(async () => {
            const result = await revokeApiTokenAction(token.id);
            toast.show(result.message ?? (result.ok ? "Revoked." : "Could not revoke."), result.ok ? "success" : "error");
            setRevoking(null);
          });
        }}
      />
    </Card>
  );
}
