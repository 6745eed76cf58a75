"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { Ban, CheckCircle2, Clock, LinkIcon, MailX, UserX } from "lucide-react";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";

import { errorReason } from "./errors";
import { roleWithArticle } from "./internal/role-words";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./ui/alert-dialog";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { ErrorMessage } from "./ui/error-message";
import { formatDateTime, formatRelative } from "./ui/format";
import { Skeleton } from "./ui/skeleton";

export interface AcceptInvitationProps {
  /** The token from the accept link (/invite/<token>). */
  token: string;
  /** The signed-in user, or null when nobody is signed in. */
  session: { email: string; name: string } | null;
  /** Sign in (or up) with the invited email, then come back to this link. */
  signInHref: (email: string) => string;
  signUpHref: (email: string) => string;
  /**
   * Where a dead-end link (invalid, expired, used, ...) leads on: home ("my organizations") when
   * signed in, else plain sign-in and sign-up pages.
   */
  exitHrefs?: { home: string; signIn: string; signUp: string };
  onSignOut: () => void | Promise<void>;
  onAccepted: (result: { organizationId: string; organization: { id: string; handle: string; name: string } }) => void;
  onDeclined?: () => void;
}

const DEFAULT_EXITS = { home: "/", signIn: "/sign-in", signUp: "/sign-up" };

type Preview = inferRouterOutputs<AppRouter>["organizations"]["invitations"]["preview"]["invitation"];

/** Answers from accept/decline that mean the invitation changed under us: re-read it and show its state. */
const STALE_REASONS = new Set([
  "invitation_used",
  "invitation_expired",
  "invitation_revoked",
  "invitation_declined",
  "invitation_not_found",
]);

/** The accept-link page: who invites you where, then sign in / accept / decline, or a clear dead-end state. */
export function AcceptInvitation({
  token,
  session,
  signInHref,
  signUpHref,
  exitHrefs = DEFAULT_EXITS,
  onSignOut,
  onAccepted,
  onDeclined,
}: AcceptInvitationProps) {
  const trpc = useTRPC();
  const exits = <DeadEndExits hrefs={exitHrefs} signedIn={session !== null} />;
  const preview = useQuery(
    // The preview is rate limited per IP: read it once per visit, not on every focus.
    trpc.organizations.invitations.preview.queryOptions(
      { token },
      { staleTime: Infinity, refetchOnWindowFocus: false, retry: false },
    ),
  );

  if (preview.isPending) {
    return (
      <StateCard testId="invite-state-loading">
        <div role="status" aria-label="Loading the invitation" className="grid gap-3 p-6">
          <Skeleton className="size-12" />
          <Skeleton className="h-6 w-3/4" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-2/3" />
        </div>
      </StateCard>
    );
  }

  if (preview.isError) {
    const reason = errorReason(preview.error);
    if (reason === "invitation_not_found" || reason === "invalid_input" || reason === "not_found") {
      return (
        <DeadEnd
          exits={exits}
          state="invalid"
          icon={<LinkIcon aria-hidden />}
          title="This invitation link isn't valid"
          body="The link may be incomplete or mistyped: check that you copied all of it, or ask the person who invited you to send a new one."
        />
      );
    }
    return (
      <StateCard testId="invite-state-error">
        <CardContent className="grid gap-4 pt-5">
          <ErrorMessage error={preview.error} title="Couldn't load the invitation" />
          <Button variant="outline" onClick={() => void preview.refetch()} loading={preview.isFetching}>
            Try again
          </Button>
        </CardContent>
      </StateCard>
    );
  }

  const invitation = preview.data.invitation;
  const inviter = invitation.invitedBy?.name || invitation.invitedBy?.email;
  const askFor = inviter
    ? `Ask ${inviter} for a new invitation.`
    : "Ask an admin of the organization for a new invitation.";

  switch (invitation.status) {
    case "expired":
      return (
        <DeadEnd
          exits={exits}
          state="expired"
          icon={<Clock aria-hidden />}
          title="This invitation has expired"
          body={`The invitation to join ${invitation.organization.name} expired ${formatDateTime(invitation.expiresAt)}. ${askFor}`}
        />
      );
    case "revoked":
      return (
        <DeadEnd
          exits={exits}
          state="revoked"
          icon={<Ban aria-hidden />}
          title="This invitation was revoked"
          body={`The invitation to join ${invitation.organization.name} was withdrawn or replaced by a newer one, so this link no longer works. ${askFor}`}
        />
      );
    case "accepted":
      return (
        <DeadEnd
          exits={exits}
          state="used"
          icon={<CheckCircle2 aria-hidden />}
          title="This invitation has already been used"
          body={`Each invitation link works once. If you accepted it, you're already a member of ${invitation.organization.name}${session ? "" : ": sign in to open it"}.`}
        />
      );
    case "declined":
      return (
        <DeadEnd
          exits={exits}
          state="declined"
          icon={<MailX aria-hidden />}
          title="This invitation was declined"
          body={`Changed your mind? ${askFor}`}
        />
      );
    default:
      return (
        <PendingInvitation
          token={token}
          invitation={invitation}
          session={session}
          signInHref={signInHref}
          signUpHref={signUpHref}
          onSignOut={onSignOut}
          onAccepted={onAccepted}
          onDeclined={onDeclined}
        />
      );
  }
}

function StateCard({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <Card className="mx-auto w-full max-w-md" data-testid={testId}>
      {children}
    </Card>
  );
}

function DeadEnd({
  state,
  icon,
  title,
  body,
  exits,
}: {
  state: string;
  icon: ReactNode;
  title: string;
  body: string;
  exits: ReactNode;
}) {
  return (
    <StateCard testId={`invite-state-${state}`}>
      <div role="status" className="grid justify-items-center gap-3 px-8 pt-8 text-center">
        <span className="inline-flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground [&_svg]:size-6">
          {icon}
        </span>
        <h2 className="text-lg font-semibold">{title}</h2>
        <p className="text-sm text-muted-foreground">{body}</p>
      </div>
      {exits}
    </StateCard>
  );
}

/** The way on from a link that leads nowhere: your organizations, or sign in / sign up. */
function DeadEndExits({
  hrefs,
  signedIn,
}: {
  hrefs: { home: string; signIn: string; signUp: string };
  signedIn: boolean;
}) {
  return (
    <div className="flex flex-wrap justify-center gap-2 px-8 pt-5 pb-8" data-testid="invite-dead-end-exits">
      {signedIn ? (
        <Button asChild>
          <a href={hrefs.home}>Go to my organizations</a>
        </Button>
      ) : (
        <>
          <Button asChild>
            <a href={hrefs.signIn}>Sign in</a>
          </Button>
          <Button asChild variant="outline">
            <a href={hrefs.signUp}>Create an account</a>
          </Button>
        </>
      )}
    </div>
  );
}

function PendingInvitation({
  token,
  invitation,
  session,
  signInHref,
  signUpHref,
  onSignOut,
  onAccepted,
  onDeclined,
}: Omit<AcceptInvitationProps, "token" | "exitHrefs"> & { token: string; invitation: Preview }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [serverMismatch, setServerMismatch] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [confirmDecline, setConfirmDecline] = useState(false);
  const previewKey = trpc.organizations.invitations.preview.queryKey({ token });

  const handleAnswerError = (error: unknown) => {
    const reason = errorReason(error);
    if (reason === "email_mismatch") setServerMismatch(true);
    // Someone else answered, or an admin revoked it meanwhile: show what it is now.
    else if (reason && STALE_REASONS.has(reason)) void queryClient.invalidateQueries({ queryKey: previewKey });
  };

  const accept = useMutation(
    trpc.organizations.invitations.accept.mutationOptions({
      onSuccess: (result) => {
        setAccepted(true);
        void queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.organizations.invitations.mine.queryKey() });
        // The confirmation outlives the move to the organization (the toaster sits above the pages).
        toast.success(
          result.alreadyMember
            ? `You're already a member of ${result.organization.name}; your role stays ${result.roleName}.`
            : `You joined ${result.organization.name} as ${roleWithArticle(result.role, result.roleName)}.`,
        );
        onAccepted({ organizationId: result.organizationId, organization: result.organization });
      },
      onError: handleAnswerError,
    }),
  );
  const decline = useMutation(
    trpc.organizations.invitations.decline.mutationOptions({
      onSettled: () => setConfirmDecline(false),
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.organizations.invitations.mine.queryKey() });
        void queryClient.invalidateQueries({ queryKey: previewKey });
        onDeclined?.();
      },
      onError: handleAnswerError,
    }),
  );

  const org = invitation.organization;
  const inviter = invitation.invitedBy?.name || invitation.invitedBy?.email;
  const wrongAccount =
    session !== null && (serverMismatch || session.email.trim().toLowerCase() !== invitation.email.toLowerCase());
  const state = accepted ? "accepted" : wrongAccount ? "wrong-account" : "pending";
  const answerError = [accept.error, decline.error].find(
    (error) => error && errorReason(error) !== "email_mismatch" && !STALE_REASONS.has(errorReason(error) ?? ""),
  );

  async function signOut() {
    setSigningOut(true);
    try {
      await onSignOut();
    } finally {
      setSigningOut(false);
    }
  }

  return (
    <StateCard testId={`invite-state-${state}`}>
      <CardHeader className="items-center gap-3 pt-8 text-center">
        <OrgAvatar name={org.name} logoUrl={org.logoUrl} className="size-12 rounded-lg text-base" />
        <CardTitle className="text-xl leading-snug">
          <span className="sr-only">Invitation: </span>
          {inviter ? `${inviter} invited you to join ${org.name}` : `You're invited to join ${org.name}`}
        </CardTitle>
        <CardDescription>
          You&apos;ll join as <span className="font-medium text-foreground">{invitation.roleName}</span>.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md border border-border bg-muted/40 px-4 py-3 text-sm">
          <dt className="text-muted-foreground">Organization</dt>
          <dd className="font-medium" data-testid="invite-organization">
            {org.name} <span className="font-normal text-muted-foreground">({org.handle})</span>
          </dd>
          <dt className="text-muted-foreground">Invited email</dt>
          <dd className="break-all font-medium" data-testid="invite-email">
            {invitation.email}
          </dd>
          <dt className="text-muted-foreground">Role</dt>
          <dd data-testid="invite-role">{invitation.roleName}</dd>
          {invitation.invitedBy ? (
            <>
              <dt className="text-muted-foreground">Invited by</dt>
              <dd className="break-all">
                {invitation.invitedBy.name
                  ? `${invitation.invitedBy.name} (${invitation.invitedBy.email})`
                  : invitation.invitedBy.email}
              </dd>
            </>
          ) : null}
          <dt className="text-muted-foreground">Expires</dt>
          <dd>
            <time dateTime={new Date(invitation.expiresAt).toISOString()} title={formatDateTime(invitation.expiresAt)}>
              {formatRelative(invitation.expiresAt)}
            </time>
          </dd>
        </dl>
        {invitation.message ? (
          <blockquote
            className="border-l-2 border-border pl-3 text-sm italic text-muted-foreground"
            data-testid="invite-message"
          >
            {invitation.message}
          </blockquote>
        ) : null}

        {accepted ? (
          <p role="status" className="flex items-center gap-2 text-sm font-medium text-success">
            <CheckCircle2 className="size-4" aria-hidden /> You joined {org.name}. Taking you there…
          </p>
        ) : null}

        {!accepted && wrongAccount && session ? (
          <div
            role="alert"
            className="flex items-start gap-3 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-3 text-sm"
            data-testid="invite-wrong-account"
          >
            <UserX className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />
            <div className="grid gap-1">
              <p className="font-medium text-destructive">You&apos;re signed in with a different account</p>
              <p>
                This invitation is for <span className="font-medium">{invitation.email}</span>; you&apos;re signed in as{" "}
                <span className="font-medium">{session.email}</span>. Sign out, then sign in or create an account with{" "}
                {invitation.email}.
              </p>
            </div>
          </div>
        ) : null}

        {!accepted && !wrongAccount && session ? (
          <p className="text-center text-xs text-muted-foreground" data-testid="invite-signed-in-as">
            Signed in as {session.email}
          </p>
        ) : null}

        {answerError && errorReason(answerError) === "seat_limit_reached" ? (
          <div
            role="alert"
            className="grid gap-1 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm"
            data-testid="invite-seat-limit"
          >
            <p className="font-medium text-destructive">{org.name} has no free seats right now</p>
            <p>
              Every seat of its plan is taken, so you can&apos;t join yet. Ask {inviter ?? "whoever invited you"}: an
              owner of {org.name} can free a seat or upgrade the plan. Your invitation stays valid until it expires, so
              you can accept it then.
            </p>
          </div>
        ) : answerError ? (
          <ErrorMessage error={answerError} title="Couldn't answer the invitation" />
        ) : null}
      </CardContent>

      {accepted ? null : session === null ? (
        // Lead with what this invitee needs: most are new, so "Create account" unless the address has one.
        <CardFooter
          className="flex-col items-stretch gap-2 border-t-0 pb-6 sm:flex-col"
          data-testid="invite-signed-out"
        >
          {invitation.hasAccount ? (
            <>
              <p className="text-center text-sm text-muted-foreground">
                {invitation.email} already has an account: sign in to accept.
              </p>
              <Button asChild data-testid="invite-sign-in">
                <a href={signInHref(invitation.email)}>Sign in as {invitation.email}</a>
              </Button>
              <Button asChild variant="ghost" data-testid="invite-sign-up">
                <a href={signUpHref(invitation.email)}>Create account</a>
              </Button>
            </>
          ) : (
            <>
              <p className="text-center text-sm text-muted-foreground">
                Create your account with {invitation.email} to accept. It takes a few seconds.
              </p>
              <Button asChild data-testid="invite-sign-up">
                <a href={signUpHref(invitation.email)}>Create account</a>
              </Button>
              <Button asChild variant="ghost" data-testid="invite-sign-in">
                <a href={signInHref(invitation.email)}>I already have an account</a>
              </Button>
            </>
          )}
        </CardFooter>
      ) : wrongAccount ? (
        <CardFooter className="border-t-0 pb-6">
          <Button
            className="w-full"
            onClick={() => void signOut()}
            loading={signingOut}
            data-testid="invite-switch-account"
          >
            Sign out and switch account
          </Button>
        </CardFooter>
      ) : (
        <CardFooter className="gap-2 border-t-0 pb-6">
          <AlertDialog open={confirmDecline} onOpenChange={setConfirmDecline}>
            <AlertDialogTrigger asChild>
              <Button
                variant="outline"
                disabled={accept.isPending}
                loading={decline.isPending}
                data-testid="invite-decline"
              >
                Decline
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Decline the invitation to {org.name}?</AlertDialogTitle>
                <AlertDialogDescription>
                  This link stops working. To join later you&apos;ll need a new invitation.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Keep invitation</AlertDialogCancel>
                <Button
                  variant="destructive"
                  onClick={() => decline.mutate({ token })}
                  loading={decline.isPending}
                  data-testid="invite-decline-confirm"
                >
                  Decline invitation
                </Button>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
          <Button
            onClick={() => accept.mutate({ token })}
            loading={accept.isPending}
            disabled={decline.isPending}
            data-testid="invite-accept"
          >
            Accept and join {org.name}
          </Button>
        </CardFooter>
      )}
    </StateCard>
  );
}
