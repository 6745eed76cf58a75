"use client";

import { buttonVariants, Button } from "@tenancy/widgets/ui/button";

/** Something failed while rendering a page: say so plainly and offer a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-20 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="text-sm text-muted-foreground">
        The page couldn&apos;t be loaded. Try again; if it keeps happening, check the server log
        {error.digest ? (
          <>
            {" "}
            (reference <code className="font-mono text-xs">{error.digest}</code>)
          </>
        ) : null}
        .
      </p>
      <div className="mt-2 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <a href="/" className={buttonVariants({ variant: "outline" })}>
          Go home
        </a>
      </div>
    </div>
  );
}
