"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { Mail } from "lucide-react";
import { toast } from "sonner";

import { errorMessage, errorReason } from "./errors";
import { roleWithArticle } from "./internal/role-words";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { LoadingRows } from "./ui/skeleton";

type MyInvitation = inferRouterOutputs<AppRouter>["organizations"]["invitations"]["mine"]["invitations"][number];

export interface MyInvitationsProps {
  /** Called after an invitation is accepted, e.g. to open the organization. */
  onAccepted?: (result: { organizationId: string; organization: { id: string; handle: string; name: string } }) => void;
}

/** Pending invitations addressed to the signed-in user's email, answered in place. */
export function MyInvitations({ onAccepted }: MyInvitationsProps) {
  const trpc = useTRPC();
  const invitations = useQuery(trpc.organizations.invitations.mine.queryOptions());
  const list = invitations.data?.invitations ?? [];

  return (
    <div data-testid="my-invitations">
      {invitations.isPending ? (
        <LoadingRows rows={2} label="Loading your invitations" />
      ) : errorReason(invitations.error) === "email_unverified" ? (
        // Invitations are matched by address: until it is verified, anyone could have signed up with it.
        <EmptyState
          title="Verify your email address to see your invitations"
          description="Invitations are matched to your email address, so they're listed once you've opened the verification link we sent you. A link in an invitation email works meanwhile, and accepting it verifies your address."
        />
      ) : invitations.isError ? (
        <ErrorMessage error={invitations.error} title="Couldn't load your invitations" />
      ) : list.length === 0 ? (
        <EmptyState
          title="No pending invitations"
          description="When someone invites your email address to an organization, the invitation shows up here."
        />
      ) : (
        <ul className="@container grid gap-3" aria-label="Pending invitations">
          {list.map((invitation) => (
            <InvitationItem key={invitation.id} invitation={invitation} onAccepted={onAccepted} />
          ))}
        </ul>
      )}
    </div>
  );
}

function InvitationItem({
  invitation,
  onAccepted,
}: {
  invitation: MyInvitation;
  onAccepted?: MyInvitationsProps["onAccepted"];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const orgName = invitation.organization.name;

  // Answering changes my pending list; accepting also changes which organizations I belong to.
  const refreshMine = () => queryClient.invalidateQueries({ queryKey: trpc.organizations.invitations.mine.queryKey() });
  // Answered elsewhere, revoked or expired meanwhile: say so, and drop it from the list.
  const onStale = (error: unknown) => {
    if (!errorReason(error)?.startsWith("invitation_")) return;
    toast.error(errorMessage(error));
    void refreshMine();
  };

  const accept = useMutation(
    trpc.organizations.invitations.accept.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          result.alreadyMember
            ? `You're already a member of ${orgName}.`
            : `You joined ${orgName} as ${roleWithArticle(result.role, result.roleName)}.`,
        );
        await Promise.all([
          refreshMine(),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.memberships.listByUser.queryKey() }),
        ]);
        onAccepted?.({ organizationId: result.organizationId, organization: result.organization });
      },
      onError: onStale,
    }),
  );
  const decline = useMutation(
    trpc.organizations.invitations.decline.mutationOptions({
      onSuccess: async () => {
        toast(`Declined the invitation to ${orgName}.`);
        await refreshMine();
      },
      onError: onStale,
    }),
  );

  const busy = accept.isPending || decline.isPending;
  const error = accept.error ?? decline.error;
  const inviter = invitation.invitedBy;
  const headingId = `invitation-${invitation.id}-org`;

  return (
    <li
      aria-labelledby={headingId}
      className="grid gap-3 rounded-lg border border-border bg-card p-4 @lg:grid-cols-[minmax(0,1fr)_auto] @lg:items-center"
      data-testid={`my-invitation-${invitation.organization.handle}`}
    >
      <div className="flex min-w-0 items-start gap-3">
        <OrgAvatar name={orgName} logoUrl={invitation.organization.logoUrl} className="size-9 text-xs" />
        <div className="grid min-w-0 gap-1">
          <p className="flex flex-wrap items-center gap-2">
            <span id={headingId} className="truncate font-medium">
              {orgName}
            </span>
            <Badge variant="outline">{invitation.roleName}</Badge>
          </p>
          <p className="text-sm text-muted-foreground">
            {inviter ? (
              <>
                <span className="text-foreground">{inviter.name || inviter.email}</span>
                {inviter.name ? <span> ({inviter.email})</span> : null} invited you to join as{" "}
                {roleWithArticle(invitation.role, invitation.roleName)}.
              </>
            ) : (
              <>You were invited to join as {roleWithArticle(invitation.role, invitation.roleName)}.</>
            )}{" "}
            <span>
              Expires <RelativeTime value={invitation.expiresAt} />.
            </span>
          </p>
          {invitation.message ? (
            <blockquote className="mt-1 flex gap-2 border-l-2 border-border pl-3 text-sm italic text-muted-foreground">
              <Mail className="mt-0.5 size-3.5 shrink-0" aria-hidden />
              <span className="whitespace-pre-line">{invitation.message}</span>
            </blockquote>
          ) : null}
        </div>
      </div>
      <div className="flex gap-2 @lg:justify-end">
        <Button
          variant="outline"
          size="sm"
          disabled={busy}
          loading={decline.isPending}
          onClick={() => decline.mutate({ invitationId: invitation.id })}
          aria-label={`Decline the invitation to ${orgName}`}
          data-testid="my-invitation-decline"
        >
          Decline
        </Button>
        <Button
          size="sm"
          disabled={busy}
          loading={accept.isPending}
          onClick={() => accept.mutate({ invitationId: invitation.id })}
          aria-label={`Accept the invitation to ${orgName}`}
          data-testid="my-invitation-accept"
        >
          Accept
        </Button>
      </div>
      {error ? (
        <div className="@lg:col-span-2">
          <ErrorMessage error={error} />
        </div>
      ) : null}
    </li>
  );
}
