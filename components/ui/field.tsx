"use client";

import { createContext, use, type ComponentProps, type ReactNode } from "react";
import { cn } from "./cn";

const control =
  "block w-full rounded-lg border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 " +
  "focus:border-brand-600 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600/30 disabled:bg-slate-50 disabled:text-slate-500";

function controlClass(invalid: boolean, className?: string) {
  return cn(control, invalid ? "border-red-400" : "border-slate-300", className);
}

/** What a Field tells the control it labels: whether its errors show, and the ids of the hint and errors it renders. */
const FieldContext = createContext<{ id: string; invalid: boolean; describedBy: string | undefined } | null>(null);

/**
 * A control's invalid state and aria-describedby: its own `invalid` prop, or its Field's errors, and the
 * Field's hint and error ids, only those rendered (a control outside a Field, or not the one the Field
 * labels, names its own descriptions).
 */
function useFieldControl(id: string | undefined, invalid: boolean) {
  const field = use(FieldContext);
  const own = field !== null && id !== undefined && field.id === id;
  return { invalid: invalid || (own && field.invalid), "aria-describedby": own ? field.describedBy : undefined };
}

/**
 * A labelled form control with an optional hint and the field's validation errors beside it. The hint stays
 * when errors show (it often holds the unit: "% failed"); the control inside (Input, Select, Textarea with
 * the `htmlFor` id) is marked invalid and described by both.
 */
export function Field({
  label,
  htmlFor,
  hint,
  errors,
  className,
  children,
  optional,
}: {
  label: ReactNode;
  htmlFor: string;
  hint?: ReactNode;
  errors?: string[] | string;
  className?: string;
  children: ReactNode;
  optional?: boolean;
}) {
  const list = typeof errors === "string" ? [errors] : (errors ?? []);
  const hintId = hint ? `${htmlFor}-hint` : undefined;
  const errorId = list.length > 0 ? `${htmlFor}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <FieldContext value={{ id: htmlFor, invalid: list.length > 0, describedBy }}>
      <div className={cn("space-y-1.5", className)}>
        <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
          {label}
          {optional ? <span className="ml-1 font-normal text-slate-500">(optional)</span> : null}
        </label>
        {children}
        {hintId ? <p id={hintId} className="text-xs text-slate-500">{hint}</p> : null}
        {errorId ? (
          <p id={errorId} className="text-xs font-medium text-red-600" role="alert">
            {/* each message on its own line: run together they read as one garbled sentence */}
            {list.length === 1 ? list[0] : list.map((m, i) => <span key={i} className="block">{m}</span>)}
          </p>
        ) : null}
      </div>
    </FieldContext>
  );
}

type InvalidProps = { invalid?: boolean };

export function Input({ className, invalid = false, ...props }: ComponentProps<"input"> & InvalidProps) {
  const a11y = useFieldControl(props.id, invalid);
  return <input className={controlClass(a11y.invalid, cn("h-10", className))} aria-invalid={a11y.invalid || undefined} aria-describedby={a11y["aria-describedby"]} {...props} />;
}

export function Select({ className, invalid = false, children, ...props }: ComponentProps<"select"> & InvalidProps) {
  const a11y = useFieldControl(props.id, invalid);
  return (
    <select className={controlClass(a11y.invalid, cn("h-10 pr-8", className))} aria-invalid={a11y.invalid || undefined} aria-describedby={a11y["aria-describedby"]} {...props}>
      {children}
    </select>
  );
}

export function Textarea({ className, invalid = false, ...props }: ComponentProps<"textarea"> & InvalidProps) {
  const a11y = useFieldControl(props.id, invalid);
  return <textarea className={controlClass(a11y.invalid, cn("py-2", className))} aria-invalid={a11y.invalid || undefined} aria-describedby={a11y["aria-describedby"]} {...props} />;
}

export function Checkbox({ label, className, ...props }: ComponentProps<"input"> & { label: ReactNode }) {
  return (
    <label className={cn("inline-flex cursor-pointer items-center gap-2 text-sm text-slate-800", className)}>
      <input type="checkbox" className="size-4 rounded border-slate-300 accent-brand-600" {...props} />
      {label}
    </label>
  );
}

/** A labelled number input holding the text as typed (the form parses it when it is sent). */
export function NumberField({
  label,
  id,
  hint,
  errors,
  value,
  onChange,
  ...limits
}: {
  label: ReactNode;
  id: string;
  hint?: ReactNode;
  errors?: string[];
  value: string;
  onChange: (value: string) => void;
  min: number;
  max: number;
  step?: string;
}) {
  return (
    <Field label={label} htmlFor={id} errors={errors} hint={hint}>
      <Input id={id} type="number" {...limits} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}
