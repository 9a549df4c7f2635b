import type { ReactNode, Ref } from "react";

/** A labelled "CSV file" picker: `onFile` gets the file chosen, `hint` says which columns it reads. */
export function CsvFileInput({
  id,
  accept,
  hint,
  disabled,
  onFile,
  ref,
}: {
  id: string;
  accept: string;
  hint?: ReactNode;
  disabled?: boolean;
  onFile: (file: File) => void;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-slate-800">
        CSV file
      </label>
      <input
        ref={ref}
        id={id}
        type="file"
        accept={accept}
        disabled={disabled}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
        }}
        className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-lg file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700 hover:file:bg-brand-100"
      />
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}
