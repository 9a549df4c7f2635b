"use client";

import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { initialActionState } from "@/components/forms/action-state";
import { createUserAction, updateUserAction } from "./actions";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

type UserRow = { id: string; email: string; name: string | null; role: string; disabled: boolean; lastLoginAt: string | null; createdAt: string };

export function UsersSection({ users, currentUserId, roleDescriptions }: { users: UserRow[]; currentUserId: string; roleDescriptions: Record<string, string> }) {
  const [adding, setAdding] = useState(false);
  const [disabling, setDisabling] = useState<UserRow | null>(null);
  const [pending, startTransition] = useTransition();
  const toast = useToast();

  function update(user: UserRow, patch: { role?: string; disabled?: boolean }) {
    startTransition(async () => {
      const result = await updateUserAction(user.id, patch);
      toast.show(result.ok ? `${user.email}: ${patch.role ? `now ${patch.role}` : patch.disabled ? "disabled" : "enabled"}.` : (result.message ?? "Could not update."), result.ok ? "success" : "error");
      setDisabling(null);
    });
  }

  return (
    <Card>
      <CardHeader
        title="Users and roles"
        description={
          <span className="mt-1 block space-y-0.5">
            {(["admin", "marketer", "viewer"] as const).map((r) => (
              <span key={r} className="block">
                <span className="font-medium capitalize text-slate-700">{r}</span> — {roleDescriptions[r]}
              </span>
            ))}
          </span>
        }
        actions={<Button onClick={() => setAdding(true)}>Add user</Button>}
      />
      <CardBody className="px-0 py-0">
        <Table label="Users">
          <TableHeader columns={["User", "Role", { label: "Status", className: "hidden sm:table-cell" }, { label: "Last sign-in", className: "hidden sm:table-cell" }, { label: "Actions", srOnly: true, className: "hidden text-right sm:table-cell" }]} />
          <TBody>
            {users.map((u) => {
              const self = u.id === currentUserId;
              const status = (
                <>
                  {u.disabled ? <Badge tone="gray">Disabled</Badge> : <Badge tone="green">Active</Badge>}
                  {self ? <span className="ml-2 text-xs text-slate-500">(you)</span> : null}
                </>
              );
              const lastSignIn = u.lastLoginAt ? formatDateTime(u.lastLoginAt) : "Never";
              const action = self ? null : u.disabled ? (
                <Button variant="ghost" size="sm" disabled={pending} onClick={() => update(u, { disabled: false })}>
                  Enable
                </Button>
              ) : (
                <Button variant="ghost" size="sm" className="text-red-600 hover:bg-red-50" disabled={pending} onClick={() => setDisabling(u)}>
                  Disable
                </Button>
              );
              return (
                <TR key={u.id}>
                  <TD>
                    <div className="font-medium break-all text-slate-900">{u.name || u.email}</div>
                    {u.name ? <div className="text-xs break-all text-slate-500">{u.email}</div> : null}
                    <div className="mt-1 sm:hidden">{status}</div>
                    <div className="mt-1 text-xs text-slate-500 sm:hidden">Last sign-in: {lastSignIn}</div>
                    {action ? <div className="-ml-3 mt-1 sm:hidden">{action}</div> : null}
                  </TD>
                  <TD>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>
                      Role of {u.email}
                    </label>
                    <Select
                      id={`role-${u.id}`}
                      className="h-8 w-32 min-w-32"
                      value={u.role}
                      disabled={pending || u.disabled}
                      onChange={(e) => update(u, { role: e.target.value })}
                    >
                      <option value="admin">Admin</option>
                      <option value="marketer">Marketer</option>
                      <option value="viewer">Viewer</option>
                    </Select>
                  </TD>
                  <TD className="hidden sm:table-cell">{status}</TD>
                  <TD className="hidden whitespace-nowrap sm:table-cell">{lastSignIn}</TD>
                  <TD className="hidden text-right sm:table-cell">{action}</TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </CardBody>
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
      <ConfirmDialog
        open={disabling !== null}
        onClose={() => setDisabling(null)}
        title={`Disable ${disabling?.email ?? ""}?`}
        description="They are signed out at their next request and cannot sign in until an admin enables the account again."
        confirmLabel="Disable user"
        pending={pending}
        onConfirm={() => disabling && update(disabling, { disabled: true })}
      />
    </Card>
  );
}

function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [state, formAction, pending] = useActionState(createUserAction, initialActionState);
  const toast = useToast();
  const formRef = useActionFormRef(state);
  const handled = useRef(state);
  useEffect(() => {
    if (state === handled.current) return;
    handled.current = state;
    if (state.ok) {
      toast.show(state.message ?? "User added.");
      onClose();
    }
  }, [state, toast, onClose]);
  return (
    <Dialog open={open} onClose={onClose} title="Add a user" description="They sign in with this email and password; share the password with them securely.">
      {/* noValidate: the server's messages show beside the fields, not the browser's bubbles (type="email", required) */}
      <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-4" noValidate>
        {!state.ok && state.message && !state.errors ? <Notice tone="error">{state.message}</Notice> : null}
        <Field label="Email" htmlFor="new-user-email" errors={state.errors?.email}>
          <Input id="new-user-email" name="email" type="email" autoComplete="off" invalid={Boolean(state.errors?.email)} required />
        </Field>
        <Field label="Name" htmlFor="new-user-name" errors={state.errors?.name} optional>
          <Input id="new-user-name" name="name" autoComplete="off" />
        </Field>
        <Field label="Role" htmlFor="new-user-role" errors={state.errors?.role}>
          <Select id="new-user-role" name="role" defaultValue="marketer">
            <option value="marketer">Marketer</option>
            <option value="viewer">Viewer</option>
            <option value="admin">Admin</option>
          </Select>
        </Field>
        <Field label="Password" htmlFor="new-user-password" errors={state.errors?.password} hint="At least 12 characters.">
          <Input id="new-user-password" name="password" type="password" autoComplete="new-password" invalid={Boolean(state.errors?.password)} required />
        </Field>
        <div className="flex justify-end gap-2 pt-1">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={pending}>
            Add user
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
