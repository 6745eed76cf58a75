"use client";

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { Info, LogOut, Search, UserMinus, X } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";

import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { useDebouncedValue } from "./internal/debounced-value";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { CalendarDate } from "./internal/timestamp";
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
import { UserAvatar } from "./ui/avatar";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Input } from "./ui/input";
import { RoleSelect, useRoleNames } from "./ui/role-select";
import { TableCell, TableHead, TableRow } from "./ui/table";

export interface MembersTableProps {
  /** Id or handle of the organization. */
  organizationId: string;
  /** The signed-in user's id: marks their row "You" and offers "Leave" there. */
  currentUserId?: string;
  /** Called after the current user left the organization. */
  onLeft?: () => void;
}

type Member = inferRouterOutputs<AppRouter>["organizations"]["members"]["list"]["members"][number];

const PAGE_SIZE = 20;

/** Paginated, searchable member list with per-row role change, removal and leaving. */
export function MembersTable({ organizationId, currentUserId, onLeft }: MembersTableProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [actionError, setActionError] = useState<{ title: string; error: unknown } | null>(null);
  const lastOwnerReasonId = useId();

  const details = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const members = useInfiniteQuery(
    trpc.organizations.members.list.infiniteQueryOptions(
      { organizationId, limit: PAGE_SIZE, search: debouncedSearch || undefined },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );

  const myRole = details.data?.role ?? null;
  const active = details.data?.organization.active ?? true;
  const canManage = Boolean(details.data?.permissions.includes("members:manage")) && active;
  const isOwner = myRole === "owner";
  // The only owner can neither be demoted nor leave (the server answers last_owner): say so up front.
  const iAmLastOwner = isOwner && (details.data?.ownerCount ?? 0) <= 1;

  /** Everything a membership change can affect: the member pages, the member count and my own role. */
  const refreshAfterChange = (affectsMe: boolean) => {
    void queryClient.invalidateQueries({
      queryKey: trpc.organizations.members.list.infiniteQueryKey({ organizationId }),
    });
    void queryClient.invalidateQueries({ queryKey: trpc.organizations.get.queryKey({ organizationId }) });
    if (affectsMe) void queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
  };

  // One place for a failed action: the banner above the table (a toast would repeat it and cover the rows).
  const reportError = (title: string, error: unknown) => setActionError({ title, error });

  const remove = useMutation(
    trpc.organizations.members.remove.mutationOptions({
      onSuccess: (_result, variables) => {
        const removed = removing;
        setRemoving(null);
        setActionError(null);
        toast.success(`Removed ${removed?.name || removed?.email || "the member"} from the organization`);
        refreshAfterChange(variables.userId === currentUserId);
      },
      onError: (error) => {
        setRemoving(null);
        reportError(`Couldn't remove ${removing?.name || removing?.email || "the member"}`, error);
      },
    }),
  );

  const leave = useMutation(
    trpc.organizations.members.leave.mutationOptions({
      onSuccess: () => {
        setLeaving(false);
        toast.success(`You left ${details.data?.organization.name ?? "the organization"}`);
        void queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
        onLeft?.();
      },
      onError: (error) => {
        setLeaving(false);
        reportError("Couldn't leave the organization", error);
      },
    }),
  );

  const pages = members.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.members);
  const totalCount = pages[0]?.totalCount ?? 0;
  const searching = debouncedSearch !== "";

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-4" data-testid="members-table">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="relative w-full max-w-xs">
          <Search
            className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
            aria-hidden
          />
          <Input
            type="search"
            aria-label="Search members by name or email"
            placeholder="Search by name or email"
            className="pl-8"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="members-search"
          />
        </div>
        <div className="flex items-center gap-3">
          <p role="status" aria-live="polite" className="text-sm text-muted-foreground" data-testid="members-total">
            {members.isPending
              ? ""
              : searching
                ? `${totalCount} ${totalCount === 1 ? "member matches" : "members match"}`
                : `${totalCount} ${totalCount === 1 ? "member" : "members"}`}
          </p>
          {!currentUserId && myRole ? (
            <Button
              variant="outline"
              size="sm"
              onClick={() => (iAmLastOwner ? undefined : setLeaving(true))}
              disabled={!active}
              aria-disabled={iAmLastOwner || undefined}
              aria-describedby={iAmLastOwner ? lastOwnerReasonId : undefined}
              data-testid="member-leave"
            >
              Leave organization
            </Button>
          ) : null}
        </div>
      </div>

      {!active && details.data ? (
        <InactiveOrgNotice>
          This organization is inactive: members can&apos;t be changed, removed or leave until it is reactivated.
        </InactiveOrgNotice>
      ) : null}

      {iAmLastOwner && active ? (
        <p
          id={lastOwnerReasonId}
          className="flex items-start gap-2 text-sm text-muted-foreground"
          data-testid="members-last-owner-reason"
        >
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          You&apos;re the only owner, so you can&apos;t change your own role or leave. Make another member an owner
          first.
        </p>
      ) : null}

      {actionError ? (
        <div data-testid="members-error">
          <ErrorMessage error={actionError.error} title={actionError.title} />
        </div>
      ) : null}

      <QueryListState
        query={members}
        isEmpty={rows.length === 0}
        keepRowsOnError
        loadingLabel="Loading members"
        loadingRows={4}
        errorTitle="Couldn't load the members"
        emptyState={
          <EmptyState
            title={searching ? `No members match “${debouncedSearch}”` : "No members yet"}
            description={searching ? "Try a different name or email." : "Invite people to get started."}
            action={
              searching ? (
                <Button variant="outline" size="sm" onClick={() => setSearch("")}>
                  <X aria-hidden /> Clear search
                </Button>
              ) : undefined
            }
          />
        }
      >
        <DataTable
          label="Members"
          busy={members.isFetching}
          columns={
            <>
              <TableHead scope="col">Member</TableHead>
              <TableHead scope="col" className="w-0">
                Role
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Joined
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {rows.map((member) => (
            <MemberRow
              key={member.membershipId}
              organizationId={organizationId}
              member={member}
              isSelf={member.userId === currentUserId}
              canManage={canManage}
              isOwner={isOwner}
              myPermissions={details.data?.permissions}
              lastOwnerReasonId={member.userId === currentUserId && iAmLastOwner ? lastOwnerReasonId : undefined}
              active={active}
              onRemove={() => setRemoving(member)}
              onLeave={() => setLeaving(true)}
              onChanged={(affectsMe) => {
                setActionError(null);
                refreshAfterChange(affectsMe);
              }}
              onError={reportError}
            />
          ))}
        </DataTable>
      </QueryListState>

      {members.hasNextPage ? (
        <div className="flex items-center justify-center gap-3">
          <span className="text-xs text-muted-foreground">
            Showing {rows.length} of {totalCount}
          </span>
          <Button
            variant="outline"
            size="sm"
            onClick={() => void members.fetchNextPage()}
            loading={members.isFetchingNextPage}
            data-testid="members-load-more"
          >
            Load more
          </Button>
        </div>
      ) : null}
      {members.isFetchNextPageError ? <ErrorMessage error={members.error} title="Couldn't load more members" /> : null}

      <AlertDialog open={removing !== null} onOpenChange={(open) => (open ? null : setRemoving(null))}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Remove {removing?.name || removing?.email}?</AlertDialogTitle>
            <AlertDialogDescription>
              {removing?.email} loses access to {details.data?.organization.name ?? "this organization"} right away. You
              can invite them again later.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              loading={remove.isPending}
              onClick={() => removing && remove.mutate({ organizationId, userId: removing.userId })}
              data-testid="member-remove-confirm"
            >
              Remove member
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>

      <AlertDialog open={leaving} onOpenChange={setLeaving}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Leave {details.data?.organization.name ?? "this organization"}?</AlertDialogTitle>
            <AlertDialogDescription>
              You lose access right away. To come back you&apos;ll need a new invitation or join code.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Stay</AlertDialogCancel>
            <Button
              variant="destructive"
              loading={leave.isPending}
              onClick={() => leave.mutate({ organizationId })}
              data-testid="member-leave-confirm"
            >
              Leave organization
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}

function MemberRow({
  organizationId,
  member,
  isSelf,
  canManage,
  isOwner,
  myPermissions,
  lastOwnerReasonId,
  active,
  onRemove,
  onLeave,
  onChanged,
  onError,
}: {
  organizationId: string;
  member: Member;
  isSelf: boolean;
  canManage: boolean;
  isOwner: boolean;
  /** The caller's permissions: only roles within them are offered. */
  myPermissions?: readonly string[];
  /** Set on the only owner's own row: the id of the text saying why they can't be demoted or leave. */
  lastOwnerReasonId?: string;
  active: boolean;
  onRemove: () => void;
  onLeave: () => void;
  onChanged: (affectsMe: boolean) => void;
  onError: (title: string, error: unknown) => void;
}) {
  const trpc = useTRPC();
  const roleName = useRoleNames(organizationId);
  const setRole = useMutation(
    trpc.organizations.members.setRole.mutationOptions({
      onSuccess: ({ member: updated }) => {
        toast.success(
          isSelf
            ? `You are now ${roleName(updated.role)}`
            : `${updated.name || updated.email} is now ${roleName(updated.role)}`,
        );
        onChanged(isSelf);
      },
      onError: (error) =>
        onError(
          isSelf ? "Couldn't change your role" : `Couldn't change the role of ${member.name || member.email}`,
          error,
        ),
    }),
  );

  // Only owners may touch owners; everyone else sees an owner's role as a plain label.
  const canChangeRole = canManage && (member.role !== "owner" || isOwner);
  const canRemove = canManage && !isSelf && (member.role !== "owner" || isOwner);
  const shownRole = setRole.isPending ? setRole.variables.role : member.role;
  const displayName = member.name || member.email;

  const lastOwner = lastOwnerReasonId !== undefined;

  // On a phone the Joined column gives way (the date moves under the email) and the row buttons
  // become icons, so name, role and the action all fit in 390 px.
  return (
    <TableRow data-testid={`members-row-${member.email}`} data-self={isSelf || undefined}>
      <TableCell className="w-full max-w-0">
        <div className="flex items-center gap-3">
          <UserAvatar name={member.name} email={member.email} className="hidden sm:inline-flex" />
          <div className="grid min-w-0">
            <span className="flex min-w-0 items-center gap-2 font-medium">
              <span className="truncate">{displayName}</span>
              {isSelf ? (
                <Badge variant="outline" className="shrink-0" data-testid="members-you">
                  You
                </Badge>
              ) : null}
            </span>
            {member.name ? <span className="truncate text-xs text-muted-foreground">{member.email}</span> : null}
            <span className="text-xs text-muted-foreground sm:hidden">
              Joined <CalendarDate value={member.joinedAt} />
            </span>
          </div>
        </div>
      </TableCell>
      <TableCell>
        {canChangeRole ? (
          <div data-testid={`role-select-${member.email}`} className="w-fit">
            <RoleSelect
              organizationId={organizationId}
              value={shownRole}
              allowOwner={isOwner}
              permissions={myPermissions}
              disabled={setRole.isPending || lastOwner}
              aria-label={`Role of ${displayName}`}
              aria-describedby={lastOwnerReasonId}
              className="w-28 sm:w-36"
              onValueChange={(role) => {
                if (role !== member.role) setRole.mutate({ organizationId, userId: member.userId, role });
              }}
            />
          </div>
        ) : (
          <Badge variant={member.role === "owner" ? "default" : "secondary"} data-testid={`role-badge-${member.email}`}>
            {roleName(member.role)}
          </Badge>
        )}
      </TableCell>
      <TableCell className="hidden whitespace-nowrap text-muted-foreground sm:table-cell">
        <CalendarDate value={member.joinedAt} />
      </TableCell>
      <TableCell className="w-0 text-right">
        {isSelf ? (
          <Button
            variant="ghost"
            size="sm"
            className="px-2 sm:px-3"
            onClick={lastOwner ? undefined : onLeave}
            disabled={!active}
            aria-disabled={lastOwner || undefined}
            aria-describedby={lastOwnerReasonId}
            aria-label="Leave the organization"
            data-testid="member-leave"
          >
            <LogOut className="sm:hidden" aria-hidden />
            <span className="hidden sm:inline">Leave</span>
          </Button>
        ) : canRemove ? (
          <Button
            variant="ghostDestructive"
            size="sm"
            className="px-2 sm:px-3"
            onClick={onRemove}
            aria-label={`Remove ${displayName}`}
            data-testid={`member-remove-${member.email}`}
          >
            <UserMinus className="sm:hidden" aria-hidden />
            <span className="hidden sm:inline">Remove</span>
          </Button>
        ) : null}
      </TableCell>
    </TableRow>
  );
}
