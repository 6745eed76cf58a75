"use client";

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { ArrowDown, ArrowUp, ArrowUpDown, Ban, RotateCw, Search } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";

import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { useDebouncedValue } from "./internal/debounced-value";
import { AcceptLinkReveal } from "./internal/one-time-secret";
import { QueryListState } from "./internal/query-list-state";
import { useTRPC } from "./provider";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "./ui/alert-dialog";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogClose,
} from "./ui/dialog";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { formatDate, formatDateTime, formatRelative } from "./ui/format";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { useRoleNames } from "./ui/role-select";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./ui/select";
import { TableCell, TableHead, TableRow } from "./ui/table";

export interface InvitationsTableProps {
  /** Id or handle of the organization. */
  organizationId: string;
  /** Without the filter controls: a short list of who is still to answer (e.g. under the members). */
  compact?: boolean;
}

type Invitation = inferRouterOutputs<AppRouter>["organizations"]["invitations"]["list"]["invitations"][number];
type SortField = "email" | "role" | "inviteDate";
type SortDirection = "asc" | "desc";
type FilterField = "email" | "role";

const PAGE_SIZE = 20;

/** Plain text means "contains"; text with * or ? is a glob matched against the whole value. */
function toGlob(text: string): string {
  return /[*?]/.test(text) ? text : `*${text}*`;
}

/** Pending invitations: sortable, glob-filterable, keyset-paginated; revoke or re-send each. */
export function InvitationsTable({ organizationId, compact = false }: InvitationsTableProps) {
  const trpc = useTRPC();
  const roleName = useRoleNames(organizationId);
  const queryClient = useQueryClient();
  const [sortField, setSortField] = useState<SortField>("inviteDate");
  const [sortDirection, setSortDirection] = useState<SortDirection>("desc");
  const [filterField, setFilterField] = useState<FilterField>("email");
  const [filterText, setFilterText] = useState("");
  const filter = useDebouncedValue(filterText.trim(), 300);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [newLink, setNewLink] = useState<{ email: string; acceptUrl: string } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const filterFieldId = useId();
  const filterHintId = useId();

  const details = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const invitations = useInfiniteQuery(
    trpc.organizations.invitations.list.infiniteQueryOptions(
      {
        organizationId,
        limit: PAGE_SIZE,
        sortField,
        sortDirection,
        ...(filter ? { filterField, filter: toGlob(filter) } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );

  const active = details.data?.organization.active ?? true;

  const refresh = () => {
    void queryClient.invalidateQueries({
      queryKey: trpc.organizations.invitations.list.infiniteQueryKey({ organizationId }),
    });
    void queryClient.invalidateQueries({ queryKey: trpc.organizations.audit.pathKey() });
  };
  // One place for a failed action: the banner above the table (a toast would repeat it and cover the rows).
  const reportError = (error: unknown) => setActionError(error);

  const revoke = useMutation(
    trpc.organizations.invitations.revoke.mutationOptions({
      onSuccess: () => {
        toast.success(`Revoked the invitation for ${revoking?.email ?? "that address"}`);
        setRevoking(null);
        setActionError(null);
        refresh();
      },
      onError: (error) => {
        setRevoking(null);
        reportError(error);
      },
    }),
  );

  const resend = useMutation(
    trpc.organizations.invitations.resend.mutationOptions({
      onSuccess: (created) => {
        setNewLink({ email: created.invitation.email, acceptUrl: created.acceptUrl });
        setActionError(null);
        refresh();
      },
      onError: reportError,
    }),
  );

  function sortBy(field: SortField) {
    if (field === sortField) setSortDirection((d) => (d === "asc" ? "desc" : "asc"));
    else {
      setSortField(field);
      setSortDirection(field === "inviteDate" ? "desc" : "asc");
    }
  }

  const rows = invitations.data?.pages.flatMap((page) => page.invitations) ?? [];
  const filtering = filter !== "";

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-4" data-testid="invitations-table">
      <div className={compact ? "hidden" : "grid gap-1.5"}>
        <div className="flex flex-wrap items-end gap-2">
          <div className="grid gap-1.5">
            <Label htmlFor={filterFieldId} className="text-xs text-muted-foreground">
              Filter by
            </Label>
            <Select value={filterField} onValueChange={(value) => setFilterField(value as FilterField)}>
              <SelectTrigger id={filterFieldId} className="w-28" data-testid="invitations-filter-field">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="email">Email</SelectItem>
                <SelectItem value="role">Role</SelectItem>
              </SelectContent>
            </Select>
          </div>
          <div className="relative w-full max-w-xs">
            <Search
              className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden
            />
            <Input
              type="search"
              aria-label={`Filter invitations by ${filterField}`}
              aria-describedby={filterHintId}
              placeholder={filterField === "email" ? "e.g. *@acme.com" : "e.g. admin"}
              className="pl-8"
              value={filterText}
              onChange={(event) => setFilterText(event.target.value)}
              data-testid="invitations-filter"
            />
          </div>
        </div>
        <p id={filterHintId} className="text-xs text-muted-foreground">
          Type part of the {filterField}, or a pattern: <code className="font-mono">*</code> matches any characters and{" "}
          <code className="font-mono">?</code> one character, against the whole value (
          <code className="font-mono">*@acme.com</code> finds everyone at acme.com).
        </p>
      </div>

      <p role="status" aria-live="polite" className="sr-only">
        {invitations.isPending
          ? ""
          : `${rows.length}${invitations.hasNextPage ? " or more" : ""} pending invitations shown`}
      </p>

      {actionError ? (
        <div data-testid="invitations-error">
          <ErrorMessage error={actionError} title="That didn't work" />
        </div>
      ) : null}

      <QueryListState
        query={invitations}
        isEmpty={rows.length === 0}
        keepRowsOnError
        loadingLabel="Loading invitations"
        errorTitle="Couldn't load the invitations"
        emptyState={
          <EmptyState
            title={filtering ? "No pending invitations match" : "No pending invitations"}
            description={
              filtering
                ? "Try another pattern, or clear the filter."
                : "Invitations you send show up here until they're accepted, declined or revoked."
            }
            action={
              filtering ? (
                <Button variant="outline" size="sm" onClick={() => setFilterText("")}>
                  Clear filter
                </Button>
              ) : undefined
            }
          />
        }
      >
        <DataTable
          label="Pending invitations"
          busy={invitations.isFetching}
          columns={
            <>
              <SortableHead
                field="email"
                label="Email"
                sortField={sortField}
                sortDirection={sortDirection}
                onSort={sortBy}
              />
              <SortableHead
                field="role"
                label="Role"
                sortField={sortField}
                sortDirection={sortDirection}
                onSort={sortBy}
              />
              <SortableHead
                field="inviteDate"
                label="Invited"
                sortField={sortField}
                sortDirection={sortDirection}
                onSort={sortBy}
                className="hidden md:table-cell"
              />
              <TableHead scope="col" className="hidden sm:table-cell">
                Expires
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {rows.map((invitation) => {
            const expired = invitation.status === "expired";
            const resending = resend.isPending && resend.variables?.id === invitation.id;
            return (
              <TableRow
                key={invitation.id}
                data-testid={`invitation-row-${invitation.email}`}
                data-status={invitation.status}
              >
                <TableCell className="w-full max-w-0">
                  <span className="block truncate font-medium">{invitation.email}</span>
                  {/* On a phone the date columns give way: when it expires moves under the address. */}
                  <span className="block text-xs text-muted-foreground sm:hidden">
                    {expired ? "Expired" : "Expires"} {formatRelative(invitation.expiresAt)}
                  </span>
                </TableCell>
                <TableCell>
                  <Badge variant={invitation.role === "owner" ? "default" : "secondary"}>
                    {roleName(invitation.role)}
                  </Badge>
                </TableCell>
                <TableCell className="hidden whitespace-nowrap text-muted-foreground md:table-cell">
                  <time
                    dateTime={new Date(invitation.createdAt).toISOString()}
                    title={formatDateTime(invitation.createdAt)}
                  >
                    {formatDate(invitation.createdAt)}
                  </time>
                  {invitation.invitedBy ? (
                    <span className="block text-xs">by {invitation.invitedBy.name || invitation.invitedBy.email}</span>
                  ) : null}
                </TableCell>
                <TableCell className="hidden whitespace-nowrap sm:table-cell">
                  {expired ? (
                    <Badge
                      variant="outline"
                      className="gap-1.5"
                      title={`Expired ${formatDateTime(invitation.expiresAt)}`}
                      data-testid={`invitation-expired-${invitation.email}`}
                    >
                      <span aria-hidden className="size-1.5 rounded-full bg-destructive" />
                      Expired {formatRelative(invitation.expiresAt)}
                    </Badge>
                  ) : (
                    <time
                      className="text-muted-foreground"
                      dateTime={new Date(invitation.expiresAt).toISOString()}
                      title={formatDateTime(invitation.expiresAt)}
                    >
                      {formatRelative(invitation.expiresAt)}
                    </time>
                  )}
                </TableCell>
                <TableCell className="text-right">
                  <div className="flex justify-end gap-1">
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={!active}
                      loading={resending}
                      onClick={() => resend.mutate({ organizationId, id: invitation.id })}
                      aria-label={`Re-send the invitation to ${invitation.email}`}
                      title={
                        active ? "Issue a new link (the current one stops working)" : "The organization is inactive"
                      }
                      data-testid={`invitation-resend-${invitation.email}`}
                      className="px-2 sm:px-3"
                    >
                      <RotateCw className="sm:hidden" aria-hidden />
                      <span className="hidden sm:inline">Re-send</span>
                    </Button>
                    <Button
                      variant="ghostDestructive"
                      size="sm"
                      onClick={() => setRevoking(invitation)}
                      aria-label={`Revoke the invitation to ${invitation.email}`}
                      data-testid={`invitation-revoke-${invitation.email}`}
                      className="px-2 sm:px-3"
                    >
                      <Ban className="sm:hidden" aria-hidden />
                      <span className="hidden sm:inline">Revoke</span>
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </DataTable>
      </QueryListState>

      {invitations.hasNextPage ? (
        <div className="flex justify-center">
          <Button
            variant="outline"
            size="sm"
            onClick={() => void invitations.fetchNextPage()}
            loading={invitations.isFetchingNextPage}
            data-testid="invitations-load-more"
          >
            Load more
          </Button>
        </div>
      ) : null}
      {invitations.isFetchNextPageError ? (
        <ErrorMessage error={invitations.error} title="Couldn't load more invitations" />
      ) : null}

      <AlertDialog open={revoking !== null} onOpenChange={(open) => (open ? null : setRevoking(null))}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Revoke the invitation for {revoking?.email}?</AlertDialogTitle>
            <AlertDialogDescription>
              Their link stops working right away. You can invite them again later.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate({ organizationId, id: revoking.id })}
              data-testid="invitation-revoke-confirm"
            >
              Revoke invitation
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>

      <Dialog open={newLink !== null} onOpenChange={(open) => (open ? null : setNewLink(null))}>
        <DialogContent data-testid="invitation-resent-dialog">
          <DialogHeader>
            <DialogTitle>New invitation link for {newLink?.email}</DialogTitle>
            <DialogDescription>
              A fresh email is on its way, valid for 7 days. The previous link no longer works.
            </DialogDescription>
          </DialogHeader>
          {newLink ? (
            <AcceptLinkReveal
              email={newLink.email}
              url={newLink.acceptUrl}
              warning="Copy this link now: it is shown only once."
            />
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

function SortableHead({
  field,
  label,
  sortField,
  sortDirection,
  onSort,
  className,
}: {
  field: SortField;
  label: string;
  sortField: SortField;
  sortDirection: SortDirection;
  onSort: (field: SortField) => void;
  className?: string;
}) {
  const sorted = field === sortField;
  const Icon = !sorted ? ArrowUpDown : sortDirection === "asc" ? ArrowUp : ArrowDown;
  const next =
    sorted && sortDirection === "asc"
      ? "descending"
      : sorted
        ? "ascending"
        : field === "inviteDate"
          ? "descending"
          : "ascending";
  return (
    <TableHead
      scope="col"
      className={className}
      aria-sort={sorted ? (sortDirection === "asc" ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        onClick={() => onSort(field)}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        aria-label={`${label}: sort ${next}`}
        data-testid={`invitations-sort-${field}`}
      >
        {label}
        <Icon className={sorted ? "size-3.5" : "size-3.5 opacity-40"} aria-hidden />
      </button>
    </TableHead>
  );
}
