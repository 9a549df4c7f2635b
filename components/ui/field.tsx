import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

const control =
  "block w-full rounded-lg border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 " +
  "focus:border-brand-600 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600/30 disabled:bg-slate-50 disabled:text-slate-500";

function controlClass(invalid: boolean, className?: string) {
  return cn(control, invalid ? "border-red-400" : "border-slate-300", className);
}

/** A labelled form control with an optional hint and the field's validation errors beside it. */
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
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
        {label}
        {optional ? <span className="ml-1 font-normal text-slate-500">(optional)</span> : null}
      </label>
      {children}
      {hint && list.length === 0 ? <p id={`${htmlFor}-hint`} className="text-xs text-slate-500">{hint}</p> : null}
      {list.length > 0 ? (
        <p id={`${htmlFor}-error`} className="text-xs font-medium text-red-600" role="alert">
          {list.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

type InvalidProps = { invalid?: boolean };

export function Input({ className, invalid = false, ...props }: ComponentProps<"input"> & InvalidProps) {
  return (
    <input
      className={controlClass(invalid, cn("h-10", className))}
      aria-invalid={invalid || undefined}
      aria-describedby={props.id ? (invalid ? `${props.id}-error` : `${props.id}-hint`) : undefined}
      {...props}
    />
  );
}

export function Select({ className, invalid = false, children, ...props }: ComponentProps<"select"> & InvalidProps) {
  return (
    <select
      className={controlClass(invalid, cn("h-10 pr-8", className))}
      aria-invalid={invalid || undefined}
      aria-describedby={props.id && invalid ? `${props.id}-error` : undefined}
      {...props}
    >
      {children}
    </select>
  );
}

export function Textarea({ className, invalid = false, ...props }: ComponentProps<"textarea"> & InvalidProps) {
  return (
    <textarea
      className={controlClass(invalid, cn("py-2", className))}
      aria-invalid={invalid || undefined}
      aria-describedby={props.id ? (invalid ? `${props.id}-error` : `${props.id}-hint`) : undefined}
      {...props}
    />
  );
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
