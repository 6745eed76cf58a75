"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { useId, useRef } from "react";
import { toast } from "sonner";

import { errorReason } from "./errors";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { QueryListState } from "./internal/query-list-state";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";

type Membership = inferRouterOutputs<AppRouter>["organizations"]["memberships"]["listByUser"]["memberships"][number];

export interface UserMembershipsProps {
  onOpen?: (org: { id: string; handle: string }) => void;
}

/** Every organization I belong to, with my role: open one, or leave it. */
export function UserMemberships({ onOpen }: UserMembershipsProps) {
  const trpc = useTRPC();
  const memberships = useQuery(trpc.organizations.memberships.listByUser.queryOptions());
  const listRef = useRef<HTMLUListElement>(null);
  const list = memberships.data?.memberships ?? [];

  return (
    <div data-testid="user-memberships">
      <QueryListState
        query={memberships}
        isEmpty={list.length === 0}
        loadingLabel="Loading your organizations"
        errorTitle="Couldn't load your organizations"
        emptyState={
          <EmptyState
            title="You're not in any organization yet"
            description="Create one, or ask someone for an invitation or a join code."
          />
        }
      >
        <ul
          ref={listRef}
          tabIndex={-1}
          aria-label="Your organizations"
          className="divide-y divide-border rounded-lg border border-border bg-card focus:outline-none"
        >
          {list.map((membership) => (
            <MembershipRow
              key={membership.id}
              membership={membership}
              onOpen={onOpen}
              fallbackFocus={() => listRef.current}
            />
          ))}
        </ul>
      </QueryListState>
    </div>
  );
}

function MembershipRow({
  membership,
  onOpen,
  fallbackFocus,
}: {
  membership: Membership;
  onOpen?: UserMembershipsProps["onOpen"];
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const org = membership.organization;
  const open = onOpen ? () => onOpen({ id: org.id, handle: org.handle }) : undefined;
  const lastOwnerId = useId();
  const lastOwnerText = `You're the only owner of ${org.name}: make another member an owner before you leave, or delete the organization.`;

  const leave = useMutation(
    trpc.organizations.members.leave.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.organizations.memberships.listByUser.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() }),
        ]);
        toast.success(`You left ${org.name}.`);
      },
    }),
  );

  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-3" data-testid={`membership-row-${org.handle}`}>
      <OrgAvatar name={org.name} logoUrl={org.logoUrl} className="size-8 text-xs" />
      <div className="grid min-w-0 flex-1 gap-0.5">
        <p className="flex flex-wrap items-center gap-2">
          {open ? (
            <button
              type="button"
              onClick={open}
              className="truncate rounded-sm text-left font-medium hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              {org.name}
            </button>
          ) : (
            <span className="truncate font-medium">{org.name}</span>
          )}
          <Badge variant="secondary" data-testid="membership-role">
            {membership.roleName}
          </Badge>
          {org.active ? null : <Badge variant="outline">Inactive</Badge>}
        </p>
        <p className="truncate text-xs text-muted-foreground">
          <span className="font-mono">{org.handle}</span> · joined <RelativeTime value={membership.createdAt} />
          {membership.isLastOwner ? " · only owner" : null}
        </p>
      </div>
      <div className="flex gap-2">
        {open ? (
          <Button variant="outline" size="sm" onClick={open} data-testid="membership-open">
            Open<span className="sr-only"> {org.name}</span>
          </Button>
        ) : null}
        {membership.isLastOwner ? (
          // The only owner can't leave (last_owner): say so up front instead of refusing after a confirmation.
          <>
            <Button
              variant="ghostDestructive"
              size="sm"
              aria-disabled
              aria-describedby={lastOwnerId}
              title={lastOwnerText}
              data-testid="membership-leave"
            >
              Leave<span className="sr-only"> {org.name}</span>
            </Button>
            <span id={lastOwnerId} className="sr-only">
              {lastOwnerText}
            </span>
          </>
        ) : (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="membership-leave">
                Leave<span className="sr-only"> {org.name}</span>
              </Button>
            }
            title={`Leave ${org.name}?`}
            description={
              <>
                You&apos;ll lose access to {org.name} right away. To come back you&apos;ll need a new invitation or a
                join code.
                {membership.role === "owner" ? " If you're its only owner, make someone else an owner first." : null}
              </>
            }
            confirmLabel="Leave organization"
            confirmTestId="membership-leave-confirm"
            onConfirm={() => leave.mutateAsync({ organizationId: org.id })}
            pending={leave.isPending}
            error={leave.error}
            errorText={(error) =>
              errorReason(error) === "last_owner"
                ? `You're the only owner of ${org.name}. Make another member an owner before you leave, or delete the organization.`
                : undefined
            }
            onReset={() => leave.reset()}
            fallbackFocus={fallbackFocus}
          />
        )}
      </div>
    </li>
  );
}
