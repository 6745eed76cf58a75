"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

import { Button } from "./button";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="outline"
      size="sm"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
        } catch {
          // Clipboard can be unavailable (insecure origin); the value is still selectable on screen.
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
      aria-label={copied ? "Copied" : label}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      {copied ? "Copied" : label}
    </Button>
  );
}

/** A secret shown once: monospace, selectable, with a copy button and a warning. */
export function SecretReveal({ value, label, warning }: { value: string; label: string; warning: string }) {
  return (
    <div className="grid gap-2 rounded-md border border-warning/40 bg-warning/10 p-3">
      <p className="text-xs font-medium text-warning">{warning}</p>
      <div className="flex items-center gap-2">
        <code
          aria-label={label}
          className="min-w-0 flex-1 break-all rounded bg-background px-2 py-1.5 font-mono text-xs"
          data-testid="secret-value"
        >
          {value}
        </code>
        <CopyButton value={value} />
      </div>
    </div>
  );
}
