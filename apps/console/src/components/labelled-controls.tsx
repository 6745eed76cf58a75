import type { ReactNode } from "react";

import { Input } from "@tenancy/widgets/ui/input";
import { Label } from "@tenancy/widgets/ui/label";

import { NativeSelect } from "./native-select";

// Search, filter and sort boxes of the operator tables: a short label above a compact control, in a
// row that wraps. Unlike a form Field, they carry no hint or error line.

/** A control under its label; `id` must be the control's id. */
export function LabelledControl({ id, label, children }: { id: string; label: ReactNode; children: ReactNode }) {
  return (
    <div className="grid gap-1">
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

/** A search box that filters a table as you type. */
export function LabelledSearch({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <LabelledControl id={id} label={label}>
      <Input id={id} type="search" value={value} onChange={(event) => onChange(event.target.value)} className="w-56" />
    </LabelledControl>
  );
}

/** A native select over a fixed list of options; `onChange` gets one of their values. */
export function LabelledSelect<T extends string>({
  id,
  label,
  value,
  onChange,
  options,
  className,
}: {
  id: string;
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: readonly { value: T; label: string }[];
  /** The select's width, e.g. "w-36". */
  className: string;
}) {
  return (
    <LabelledControl id={id} label={label}>
      <NativeSelect id={id} value={value} onChange={(event) => onChange(event.target.value as T)} className={className}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </NativeSelect>
    </LabelledControl>
  );
}
