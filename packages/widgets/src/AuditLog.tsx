"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import {
  AUDIT_ACTION_GROUP_NAMES,
  AUDIT_ACTION_GROUPS,
  type AuditAction,
  type AuditActionGroup,
} from "@tenancy/api/audit-actions";
import {
  Building2,
  Download,
  FileJson,
  FileSpreadsheet,
  Globe,
  History,
  KeyRound,
  KeySquare,
  Mail,
  RefreshCw,
  Search,
  ShieldCheck,
  Users,
  X,
  type LucideIcon,
} from "lucide-react";
import { useId, useRef, useState } from "react";

import { auditSentence } from "./internal/audit-sentence";
import { useDebouncedValue } from "./internal/debounced-value";
import { RelativeTimeWithExact } from "./internal/timestamp";
import { useTenancyBasePath, useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from "./ui/dropdown-menu";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectLabel,
  SelectSeparator,
  SelectTrigger,
  SelectValue,
} from "./ui/select";
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
  domain: Globe,
  role: ShieldCheck,
};

const GROUP_LABELS: Record<AuditActionGroup, { heading: string; any: string }> = {
  organization: { heading: "Organization", any: "Any organization action" },
  member: { heading: "Members", any: "Any member action" },
  invitation: { heading: "Invitations", any: "Any invitation action" },
  join_code: { heading: "Join codes", any: "Any join code action" },
  role: { heading: "Roles", any: "Any role change" },
  api_token: { heading: "API tokens", any: "Any API token action" },
  domain: { heading: "Domains", any: "Any domain action" },
  license: { heading: "License", any: "Any license action" },
  deployment: { heading: "Deployments", any: "Any deployment action" },
};

/** "member.role_changed" → "Role changed". */
function actionLabel(action: string): string {
  const words = (action.split(".")[1] ?? action).replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface Filters {
  actor: string;
  /** "" (all), "group:<group>" or "action:<action>". */
  action: string;
  /** yyyy-mm-dd from the date inputs, in the viewer's time zone; "" = open. */
  fromDay: string;
  toDay: string;
}

const NO_FILTERS: Filters = { actor: "", action: "", fromDay: "", toDay: "" };

/** Local midnight of a yyyy-mm-dd day (plus `days`), or undefined for an empty or bad value. */
function localDay(day: string, days = 0): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The filters as the API takes them: the "to" day is included, so the range ends at the next midnight. */
function apiFilters(filters: Filters, actor: string) {
  const from = localDay(filters.fromDay);
  const to = localDay(filters.toDay, 1);
  const [kind, value] = filters.action.split(":") as [string, string | undefined];
  return {
    ...(actor ? { actor } : {}),
    ...(kind === "group" && value ? { actionGroup: value as AuditActionGroup } : {}),
    ...(kind === "action" && value ? { actions: [value as AuditAction] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** The organization's audit events, newest first, a page at a time, filtered on the server and exportable. */
export function AuditLog({ organizationId }: AuditLogProps) {
  const trpc = useTRPC();
  const basePath = useTenancyBasePath();
  const listRef = useRef<HTMLOListElement>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const actor = useDebouncedValue(filters.actor.trim(), 300);
  const rangeBackwards = Boolean(filters.fromDay && filters.toDay && filters.fromDay > filters.toDay);
  const query = apiFilters(filters, actor);
  const filtering = Object.keys(query).length > 0;
  const ids = { actor: useId(), action: useId(), from: useId(), to: useId(), range: useId() };

  const log = useInfiniteQuery(
    trpc.organizations.audit.list.infiniteQueryOptions(
      { organizationId, limit: PAGE_SIZE, ...query },
      {
        getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
        placeholderData: keepPreviousData,
        enabled: !rangeBackwards,
      },
    ),
  );
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];

  const exportHref = (format: "csv" | "json") => {
    const params = new URLSearchParams({ organizationId, format });
    if (query.actor) params.set("actor", query.actor);
    if (query.actionGroup) params.set("actionGroup", query.actionGroup);
    if (query.actions) params.set("actions", query.actions.join(","));
    if (query.from) params.set("from", query.from.toISOString());
    if (query.to) params.set("to", query.to.toISOString());
    return `${basePath.replace(/\/+$/, "")}/api/audit/export?${params.toString()}`;
  };

  const loadMore = async () => {
    const firstNew = events.length;
    const result = await log.fetchNextPage();
    // Continue where the reader was: focus the first newly loaded event.
    if (!result.isError) {
      requestAnimationFrame(() => listRef.current?.querySelectorAll<HTMLElement>("li")[firstNew]?.focus());
    }
  };

  const set = (patch: Partial<Filters>) => setFilters((previous) => ({ ...previous, ...patch }));

  return (
    <div className="grid min-w-0 gap-4" data-testid="audit-log">
      <form
        role="search"
        aria-label="Filter the audit log"
        className="grid grid-cols-2 gap-3 rounded-lg border border-border bg-muted/30 p-3 lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)_auto_auto_auto] lg:items-end"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="col-span-2 grid gap-1.5 sm:col-span-1">
          <Label htmlFor={ids.actor} className="text-xs text-muted-foreground">
            Actor
          </Label>
          <div className="relative">
            <Search
              className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden
            />
            <Input
              id={ids.actor}
              type="search"
              placeholder="Email or token name"
              className="pl-8"
              value={filters.actor}
              onChange={(event) => set({ actor: event.target.value })}
              data-testid="audit-filter-actor"
            />
          </div>
        </div>
        <div className="col-span-2 grid gap-1.5 sm:col-span-1">
          <Label htmlFor={ids.action} className="text-xs text-muted-foreground">
            Action
          </Label>
          <Select
            value={filters.action || "all"}
            onValueChange={(value) => set({ action: value === "all" ? "" : value })}
          >
            <SelectTrigger id={ids.action} data-testid="audit-filter-action">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">All actions</SelectItem>
              {AUDIT_ACTION_GROUP_NAMES.map((group) => (
                <SelectGroup key={group}>
                  <SelectSeparator />
                  <SelectLabel>{GROUP_LABELS[group].heading}</SelectLabel>
                  <SelectItem value={`group:${group}`}>{GROUP_LABELS[group].any}</SelectItem>
                  {AUDIT_ACTION_GROUPS[group].map((action) => (
                    <SelectItem key={action} value={`action:${action}`}>
                      {actionLabel(action)}
                    </SelectItem>
                  ))}
                </SelectGroup>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.from} className="text-xs text-muted-foreground">
            From
          </Label>
          <Input
            id={ids.from}
            type="date"
            value={filters.fromDay}
            max={filters.toDay || undefined}
            onChange={(event) => set({ fromDay: event.target.value })}
            data-testid="audit-filter-from"
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.to} className="text-xs text-muted-foreground">
            To (included)
          </Label>
          <Input
            id={ids.to}
            type="date"
            value={filters.toDay}
            min={filters.fromDay || undefined}
            aria-invalid={rangeBackwards || undefined}
            aria-describedby={rangeBackwards ? ids.range : undefined}
            onChange={(event) => set({ toDay: event.target.value })}
            data-testid="audit-filter-to"
          />
        </div>
        <Button
          type="button"
          variant="ghost"
          className="col-span-2 justify-self-end lg:col-span-1"
          onClick={() => setFilters(NO_FILTERS)}
          disabled={!filtering && filters.actor === "" && !filters.fromDay && !filters.toDay}
          data-testid="audit-filter-clear"
        >
          <X aria-hidden />
          Clear
        </Button>
        {rangeBackwards ? (
          <p id={ids.range} role="alert" className="col-span-2 text-xs text-destructive lg:col-span-5">
            The “To” day is before the “From” day.
          </p>
        ) : null}
      </form>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" aria-live="polite" className="text-sm text-muted-foreground" data-testid="audit-summary">
          {log.isSuccess && !rangeBackwards
            ? events.length === 0
              ? ""
              : `Newest first · ${events.length === 1 ? "1 event" : `${events.length} events`}${log.hasNextPage ? " shown" : ""}${filtering ? " matching the filters" : ""}`
            : ""}
        </p>
        <div className="flex flex-wrap gap-2">
          <DropdownMenu modal={false}>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" disabled={rangeBackwards} data-testid="audit-export">
                <Download aria-hidden />
                Export
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end" className="w-64">
              <DropdownMenuLabel className="text-xs font-normal text-muted-foreground">
                {filtering ? "The events matching the filters" : "Every event"}, newest first
              </DropdownMenuLabel>
              <DropdownMenuItem asChild>
                <a href={exportHref("csv")} download data-testid="audit-export-csv">
                  <FileSpreadsheet aria-hidden />
                  CSV (spreadsheets)
                </a>
              </DropdownMenuItem>
              <DropdownMenuItem asChild>
                <a href={exportHref("json")} download data-testid="audit-export-json">
                  <FileJson aria-hidden />
                  JSON
                </a>
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
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
      </div>
      {rangeBackwards ? null : log.isPending ? (
        <LoadingRows rows={6} label="Loading the audit log" />
      ) : log.isError && events.length === 0 ? (
        <ErrorMessage error={log.error} title="Couldn't load the audit log" />
      ) : events.length === 0 ? (
        filtering ? (
          <EmptyState
            title="No events match"
            description="Try a wider date range or another action, or clear the filters."
            action={
              <Button variant="outline" size="sm" onClick={() => setFilters(NO_FILTERS)}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="Nothing here yet"
            description="Changes to members, invitations, join codes, tokens and settings will appear here."
          />
        )
      ) : (
        <>
          <ol
            ref={listRef}
            aria-label="Audit events"
            aria-busy={log.isFetching || undefined}
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
            <p className="text-center text-xs text-muted-foreground">
              {filtering ? "That's every matching event." : "That's the beginning of the log."}
            </p>
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
      <RelativeTimeWithExact
        value={event.createdAt}
        className="shrink-0 whitespace-nowrap pt-0.5 text-xs text-muted-foreground"
      />
    </li>
  );
}
