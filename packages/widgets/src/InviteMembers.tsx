"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, XCircle } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from "react";
import { toast } from "sonner";
import { email as emailSchema } from "@tenancy/api/schemas/common";

import { errorMessage } from "./errors";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { AcceptLinkReveal } from "./internal/one-time-secret";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { Label } from "./ui/label";
import { RoleSelect, roleLabel } from "./ui/role-select";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./ui/select";
import { Skeleton } from "./ui/skeleton";
import { Textarea } from "./ui/textarea";

export interface InviteMembersProps {
  /** Id or handle of the organization. */
  organizationId: string;
}

const EXPIRY_CHOICES = [1, 3, 7, 14, 30, 90] as const;
const MAX_EMAILS = 50;

type InviteResult =
  { email: string; ok: true; acceptUrl: string; role: string } | { email: string; ok: false; error: unknown };

/** Splits on commas, semicolons and whitespace; lowercases and drops duplicates. */
function parseEmails(text: string): { emails: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const emails: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const email = raw.trim().replace(/^<|>$/g, "").toLowerCase();
    if (!email || seen.has(email)) continue;
    seen.add(email);
    if (emailSchema.safeParse(email).success) emails.push(email);
    else invalid.push(raw.trim());
  }
  return { emails, invalid };
}

/** Invite one or several people by email; each accept link is shown once, with a copy button. */
export function InviteMembers({ organizationId }: InviteMembersProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const details = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const [emailsText, setEmailsText] = useState("");
  const [role, setRole] = useState<string>("member");
  const [message, setMessage] = useState("");
  const [expiresInDays, setExpiresInDays] = useState(7);
  const [emailsError, setEmailsError] = useState<string>();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<InviteResult[]>([]);
  const expiryId = useId();
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const [batchCount, setBatchCount] = useState(0);

  // After a batch, move focus to its results: that is where the links to copy are.
  useEffect(() => {
    if (batchCount > 0) resultsHeading.current?.focus();
  }, [batchCount]);

  const invite = useMutation(trpc.organizations.invitations.create.mutationOptions());
  const parsed = parseEmails(emailsText);

  if (details.isPending) {
    return <Skeleton className="h-80 w-full" />;
  }
  if (details.isError) return <ErrorMessage error={details.error} title="Couldn't load the organization" />;
  const { organization, permissions, role: myRole } = details.data;
  if (!permissions.includes("invitations:manage")) {
    return (
      <Card data-testid="invite-members">
        <CardHeader>
          <CardTitle>Invite members</CardTitle>
          <CardDescription>Only owners and admins can invite people to this organization.</CardDescription>
        </CardHeader>
      </Card>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (parsed.invalid.length > 0) {
      setEmailsError(
        `${parsed.invalid.length === 1 ? "This isn't a valid email address" : "These aren't valid email addresses"}: ${parsed.invalid.join(", ")}`,
      );
      return;
    }
    if (parsed.emails.length === 0) {
      setEmailsError("Enter at least one email address.");
      return;
    }
    if (parsed.emails.length > MAX_EMAILS) {
      setEmailsError(`Invite at most ${MAX_EMAILS} people at a time.`);
      return;
    }
    const batch: InviteResult[] = [];
    setProgress({ done: 0, total: parsed.emails.length });
    // One at a time: keeps results in order and stays well inside the server's rate limits.
    for (const email of parsed.emails) {
      try {
        const created = await invite.mutateAsync({
          organizationId,
          email,
          role,
          message: message.trim() || undefined,
          expiresInDays,
        });
        batch.push({ email, ok: true, acceptUrl: created.acceptUrl, role: created.invitation.role });
      } catch (error) {
        batch.push({ email, ok: false, error });
      }
      setProgress({ done: batch.length, total: parsed.emails.length });
    }
    setProgress(null);
    setResults((previous) => [...batch, ...previous.filter((r) => !batch.some((b) => b.email === r.email))]);
    const sent = batch.filter((r) => r.ok).length;
    const failed = batch.length - sent;
    if (sent > 0) {
      void queryClient.invalidateQueries({
        queryKey: trpc.organizations.invitations.list.infiniteQueryKey({ organizationId }),
      });
      void queryClient.invalidateQueries({ queryKey: trpc.organizations.audit.pathKey() });
    }
    // Keep only the addresses that failed, ready to fix and retry.
    setEmailsText(
      batch
        .filter((r) => !r.ok)
        .map((r) => r.email)
        .join("\n"),
    );
    if (failed === 0) setMessage("");
    setBatchCount((n) => n + 1);
    if (failed === 0) toast.success(sent === 1 ? "Invitation sent" : `${sent} invitations sent`);
    else if (sent === 0) toast.error(failed === 1 ? "The invitation wasn't sent" : "No invitations were sent");
    else toast.warning(`${sent} sent, ${failed} not sent`);
  }

  const sending = progress !== null;
  const count = parsed.emails.length;

  return (
    <Card data-testid="invite-members">
      <form onSubmit={submit} noValidate aria-labelledby="invite-members-title">
        <CardHeader>
          <CardTitle id="invite-members-title">Invite members</CardTitle>
          <CardDescription>
            We email each person a link to join; you can also copy the link and share it yourself.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {!organization.active ? (
            <InactiveOrgNotice>
              This organization is inactive, so no invitations can be sent until it is reactivated.
            </InactiveOrgNotice>
          ) : null}
          <Field
            label="Email addresses"
            error={emailsError}
            hint={
              count > 0
                ? `${count} ${count === 1 ? "address" : "addresses"}${parsed.invalid.length ? `, ${parsed.invalid.length} not valid` : ""}. Separate several with commas, spaces or new lines.`
                : "Separate several with commas, spaces or new lines."
            }
          >
            <Textarea
              name="emails"
              rows={3}
              placeholder="ada@example.com, grace@example.com"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              value={emailsText}
              disabled={sending}
              data-testid="invite-emails-input"
              onChange={(event) => {
                setEmailsText(event.target.value);
                setEmailsError(undefined);
              }}
            />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Role" hint={myRole === "owner" ? undefined : "Only owners can invite owners."}>
              <RoleSelect
                organizationId={organizationId}
                value={role}
                onValueChange={setRole}
                allowOwner={myRole === "owner"}
                permissions={permissions}
                disabled={sending}
                aria-label="Role"
              />
            </Field>
            <div className="grid gap-1.5">
              <Label htmlFor={expiryId}>Link expires after</Label>
              <Select
                value={String(expiresInDays)}
                onValueChange={(value) => setExpiresInDays(Number(value))}
                disabled={sending}
              >
                <SelectTrigger id={expiryId} className="w-36" data-testid="invite-expiry-select">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {EXPIRY_CHOICES.map((days) => (
                    <SelectItem key={days} value={String(days)}>
                      {days === 1 ? "1 day" : `${days} days`}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
          </div>
          <Field label="Message" hint="Optional. Included in the invitation email.">
            <Textarea
              name="message"
              rows={2}
              maxLength={2000}
              value={message}
              disabled={sending}
              data-testid="invite-message-input"
              onChange={(event) => setMessage(event.target.value)}
            />
          </Field>
        </CardContent>
        <CardFooter className="justify-between">
          <p role="status" aria-live="polite" className="text-sm text-muted-foreground">
            {progress ? `Sending ${Math.min(progress.done + 1, progress.total)} of ${progress.total}…` : ""}
          </p>
          <Button type="submit" loading={sending} disabled={!organization.active} data-testid="invite-submit">
            {count > 1 ? `Send ${count} invitations` : "Send invitation"}
          </Button>
        </CardFooter>
      </form>
      <InviteResults results={results} headingRef={resultsHeading} onDismiss={() => setResults([])} />
    </Card>
  );
}

function InviteResults({
  results,
  headingRef,
  onDismiss,
}: {
  results: InviteResult[];
  headingRef: RefObject<HTMLHeadingElement | null>;
  onDismiss: () => void;
}) {
  return (
    <div aria-live="polite" data-testid="invite-results">
      {results.length > 0 ? (
        <div className="grid gap-3 border-t border-border p-5">
          <div className="flex items-center justify-between gap-2">
            <h3 ref={headingRef} tabIndex={-1} className="text-sm font-semibold focus:outline-none">
              {results.some((r) => r.ok) ? "Invitation links" : "No invitations sent"}
            </h3>
            <Button variant="outline" size="sm" onClick={onDismiss} data-testid="invite-results-done">
              Done
            </Button>
          </div>
          <ul className="grid gap-3">
            {results.map((result) => (
              <li
                key={result.email}
                className="grid gap-2"
                data-testid={`invite-result-${result.email}`}
                data-ok={result.ok}
              >
                <p className="flex items-center gap-2 text-sm">
                  {result.ok ? (
                    <CheckCircle2 className="size-4 text-success" aria-hidden />
                  ) : (
                    <XCircle className="size-4 text-destructive" aria-hidden />
                  )}
                  <span className="font-medium">{result.email}</span>
                  <span className="text-muted-foreground">
                    {result.ok ? `invited as ${roleLabel(result.role)}` : `not invited: ${errorMessage(result.error)}`}
                  </span>
                </p>
                {result.ok ? (
                  <AcceptLinkReveal
                    email={result.email}
                    url={result.acceptUrl}
                    warning="Copy this link now: it is shown only once. An invitation email has also been queued."
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
