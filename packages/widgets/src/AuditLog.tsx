"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { Building2, History, KeyRound, KeySquare, Mail, RefreshCw, Users, type LucideIcon } from "lucide-react";
import { useRef } from "react";

import { auditSentence } from "./internal/audit-sentence";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { LoadingRows } from "./ui/skeleton";

type AuditEvent = inferRouterOutputs<AppRouter>["organizations"]["audit"]["list"]["events"][number];

export interface AuditLogProps {
  organizationId: string;
}

const PAGE_SIZE = 25;

const ICON_OF_TARGET: Record<string, LucideIcon> = {
  organization: Building2,
  user: Users,
  invitation: Mail,
  join_code: KeyRound,
  api_token: KeySquare,
};

/** The organization's audit events, newest first, a page at a time ("Load more"). */
export function AuditLog({ organizationId }: AuditLogProps) {
  const trpc = useTRPC();
  const listRef = useRef<HTMLOListElement>(null);
  const log = useInfiniteQuery(
    trpc.organizations.audit.list.infiniteQueryOptions(
      { organizationId, limit: PAGE_SIZE },
      { getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined },
    ),
  );
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];

  const loadMore = async () => {
    const firstNew = events.length;
    const result = await log.fetchNextPage();
    // Continue where the reader was: focus the first newly loaded event.
    if (!result.isError) {
      requestAnimationFrame(() => listRef.current?.querySelectorAll<HTMLElement>("li")[firstNew]?.focus());
    }
  };

  return (
    <div className="grid min-w-0 gap-4" data-testid="audit-log">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" aria-live="polite" className="text-sm text-muted-foreground" data-testid="audit-summary">
          {log.isSuccess && events.length > 0
            ? `Newest first · ${events.length === 1 ? "1 event" : `${events.length} events`}${log.hasNextPage ? " shown" : ""}`
            : ""}
        </p>
        <Button
          variant="outline"
          size="sm"
          onClick={() => void log.refetch()}
          disabled={!log.isSuccess}
          loading={log.isRefetching && !log.isFetchingNextPage}
          data-testid="audit-refresh"
        >
          {log.isRefetching && !log.isFetchingNextPage ? null : <RefreshCw aria-hidden />}
          Refresh
        </Button>
      </div>
      {log.isPending ? (
        <LoadingRows rows={6} label="Loading the audit log" />
      ) : log.isError && events.length === 0 ? (
        <ErrorMessage error={log.error} title="Couldn't load the audit log" />
      ) : events.length === 0 ? (
        <EmptyState
          title="Nothing here yet"
          description="Changes to members, invitations, join codes, tokens and settings will appear here."
        />
      ) : (
        <>
          <ol
            ref={listRef}
            aria-label="Audit events"
            className="divide-y divide-border rounded-lg border border-border"
          >
            {events.map((event) => (
              <AuditRow key={event.id} event={event} />
            ))}
          </ol>
          {log.isFetchNextPageError ? <ErrorMessage error={log.error} title="Couldn't load more events" /> : null}
          {log.isRefetchError ? <ErrorMessage error={log.error} title="Couldn't refresh the audit log" /> : null}
          {log.hasNextPage ? (
            <div className="flex justify-center">
              <Button
                variant="outline"
                size="sm"
                onClick={() => void loadMore()}
                loading={log.isFetchingNextPage}
                data-testid="audit-load-more"
              >
                Load more
              </Button>
            </div>
          ) : events.length > PAGE_SIZE ? (
            <p className="text-center text-xs text-muted-foreground">That&apos;s the beginning of the log.</p>
          ) : null}
        </>
      )}
    </div>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const Icon = (event.target && ICON_OF_TARGET[event.target.type]) || History;
  const isToken = event.actor.type === "token";
  return (
    <li
      tabIndex={-1}
      className="flex items-start gap-3 px-4 py-3 focus:bg-muted/50 focus:outline-none"
      data-testid="audit-row"
      data-action={event.action}
    >
      <span
        className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full bg-muted text-muted-foreground"
        aria-hidden
      >
        <Icon className="size-3.5" />
      </span>
      <p className="min-w-0 flex-1 text-sm text-muted-foreground">
        <span className="font-medium text-foreground" data-testid="audit-actor">
          {event.actor.label}
        </span>
        {isToken ? (
          <>
            {" "}
            <Badge variant="outline" className="align-middle">
              API token
            </Badge>
          </>
        ) : null}{" "}
        <span data-testid="audit-action">{auditSentence(event)}</span>
      </p>
      <RelativeTime
        value={event.createdAt}
        className="shrink-0 whitespace-nowrap pt-0.5 text-xs text-muted-foreground"
      />
    </li>
  );
}
