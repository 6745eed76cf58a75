"use client";

import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, Loader2, XCircle } from "lucide-react";
import type { ReactNode } from "react";

import { useTRPC } from "../provider";
import { useDebouncedValue } from "./debounced-value";
import { handleProblem } from "./org-handle";

export type HandleAvailability =
  | { state: "empty" }
  | { state: "unchanged" }
  | { state: "invalid"; message: string }
  | { state: "checking" }
  | { state: "available" }
  | { state: "taken"; suggestion: string | null }
  | { state: "reserved" }
  | { state: "unknown" };

/**
 * Live availability of `handle` (organizations.handleAvailability), checked once typing pauses.
 * `current` is the organization's own handle when renaming: keeping it needs no check.
 */
export function useHandleAvailability(handle: string, current?: string): HandleAvailability {
  const trpc = useTRPC();
  const debounced = useDebouncedValue(handle, 350);
  const problem = handle ? handleProblem(handle) : null;
  const settled = debounced === handle;
  const query = useQuery(
    trpc.organizations.handleAvailability.queryOptions(
      { handle: debounced },
      { enabled: settled && !!debounced && debounced !== current && !handleProblem(debounced), staleTime: 5_000 },
    ),
  );
  if (!handle) return { state: "empty" };
  if (handle === current) return { state: "unchanged" };
  if (problem) return { state: "invalid", message: problem };
  if (!settled || query.isPending) return { state: "checking" };
  if (query.isError || !query.data) return { state: "unknown" };
  if (query.data.available) return { state: "available" };
  return query.data.reason === "handle_taken"
    ? { state: "taken", suggestion: query.data.suggestion }
    : { state: "reserved" };
}

/** The availability line under a handle field; a polite live region so the result is announced. */
export function HandleAvailabilityStatus({
  handle,
  availability,
  idleHint,
  derived = false,
}: {
  handle: string;
  availability: HandleAvailability;
  idleHint: string;
  /** The handle is the suggestion from the name, not typed: the server picks a free variant if it is taken. */
  derived?: boolean;
}) {
  let content: ReactNode;
  switch (availability.state) {
    case "checking":
      content = (
        <span className="inline-flex items-center gap-1 text-muted-foreground">
          <Loader2 className="size-3 animate-spin" aria-hidden /> Checking availability…
        </span>
      );
      break;
    case "available":
      content = (
        <span className="inline-flex items-center gap-1 text-success">
          <CheckCircle2 className="size-3" aria-hidden /> {handle} is available.
        </span>
      );
      break;
    case "taken":
      content =
        derived && availability.suggestion ? (
          <span className="inline-flex items-center gap-1 text-muted-foreground">
            <CheckCircle2 className="size-3" aria-hidden />
            {`${handle} is taken, so yours will be ${availability.suggestion}. Or type another.`}
          </span>
        ) : (
          <span className="inline-flex items-center gap-1 text-destructive">
            <XCircle className="size-3" aria-hidden /> {handle} is already taken. Try another.
          </span>
        );
      break;
    case "reserved":
      content = (
        <span className="inline-flex items-center gap-1 text-destructive">
          <XCircle className="size-3" aria-hidden /> {handle} is reserved and can&apos;t be used.
        </span>
      );
      break;
    case "invalid":
      content = <span className="text-destructive">{availability.message}</span>;
      break;
    case "unknown":
      content = (
        <span className="text-muted-foreground">
          Couldn&apos;t check availability right now; we&apos;ll check when you save.
        </span>
      );
      break;
    default:
      content = <span className="text-muted-foreground">{idleHint}</span>;
  }
  return (
    <span role="status" aria-live="polite" data-testid="handle-availability" data-state={availability.state}>
      {content}
    </span>
  );
}

/**
 * Whether the form may submit with this handle (a failed check is left to the server). A derived
 * (untyped) handle never blocks: it is not sent, and the server picks a free one.
 */
export function handleBlocksSubmit(availability: HandleAvailability, derived = false): boolean {
  if (derived) return false;
  return availability.state === "invalid" || availability.state === "taken" || availability.state === "reserved";
}
