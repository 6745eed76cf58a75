import { AlertCircle } from "lucide-react";

import { errorMessage } from "../errors";

/** An inline, announced error box for a failed query or mutation. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div
      role="alert"
      className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
    >
      <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div>
        {title ? <p className="font-medium">{title}</p> : null}
        <p>{errorMessage(error)}</p>
      </div>
    </div>
  );
}
