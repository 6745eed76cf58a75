import { CopyButton, SecretReveal } from "../ui/copy-button";

/**
 * A new API token's bearer, shown once, with a curl request that uses it (organization and instance
 * tokens alike): copying a working command is the quickest check that the token does what was meant.
 */
export function BearerReveal({
  bearer,
  curl,
  bearerTestId,
  curlTestId,
}: {
  bearer: string;
  curl: string;
  bearerTestId: string;
  curlTestId?: string;
}) {
  return (
    <>
      <div data-testid={bearerTestId}>
        <SecretReveal
          value={bearer}
          label="Bearer token"
          warning="Copy this token now. You won't be able to see it again."
        />
      </div>
      <div className="grid min-w-0 gap-2">
        <div className="flex items-center justify-between gap-2">
          <p className="text-sm font-medium">Try it</p>
          <CopyButton value={curl} label="Copy command" />
        </div>
        <pre
          className="max-h-48 overflow-auto whitespace-pre-wrap break-all rounded-md bg-muted px-3 py-2 font-mono text-xs leading-relaxed"
          aria-label="Example request with curl"
          tabIndex={0}
          data-testid={curlTestId}
        >
          {curl}
        </pre>
      </div>
    </>
  );
}
