"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Info } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { errorMessage, errorReason, fieldErrors } from "./errors";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { Card, CardContent } from "./ui/card";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { roleWithArticle } from "./internal/role-words";

export interface JoinWithCodeProps {
  /** Prefills the field, e.g. from a shared `/join?code=...` link. Joining still takes a click. */
  initialCode?: string;
  onJoined: (result: {
    organizationId: string;
    organization: { id: string; handle: string; name: string };
    alreadyMember: boolean;
  }) => void;
}

/**
 * Codes are forgiving: case, spaces and dashes don't matter (the server also reads O as 0 and I/L as 1),
 * so we only drop whitespace here and let the server normalize the rest.
 */
function compactCode(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

/** A full organization is not the joiner's fault, nor theirs to fix: say who can. */
function joinErrorMessage(error: unknown): string {
  if (errorReason(error) === "seat_limit_reached") {
    return "This organization has no free seats on its plan, so you can't join yet. Ask whoever gave you the code: an owner of the organization can free a seat or upgrade the plan.";
  }
  return errorMessage(error);
}

/** Type (or paste) a join code and join the organization it belongs to. */
export function JoinWithCode({ initialCode = "", onJoined }: JoinWithCodeProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [code, setCode] = useState(initialCode);
  const [localError, setLocalError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ alreadyMember: boolean; role: string; roleName: string } | null>(null);

  const join = useMutation(
    trpc.organizations.joinCodes.join.mutationOptions({
      onSuccess: async (result) => {
        setOutcome({ alreadyMember: result.alreadyMember, role: result.role, roleName: result.roleName });
        if (!result.alreadyMember) {
          // Only a new membership changes which organizations I belong to.
          await Promise.all([
            queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() }),
            queryClient.invalidateQueries({ queryKey: trpc.organizations.memberships.listByUser.queryKey() }),
          ]);
          toast.success(`You joined ${result.organization.name} as ${roleWithArticle(result.role, result.roleName)}.`);
        }
        onJoined({
          organizationId: result.organizationId,
          organization: result.organization,
          alreadyMember: result.alreadyMember,
        });
      },
      onError: () => {
        // Put the cursor back in the field so the code can be corrected straight away.
        inputRef.current?.focus();
        inputRef.current?.select();
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const compact = compactCode(code);
    if (compact.replace(/-/g, "").length < 4) {
      setLocalError("Enter the code you were given, for example ABCDE-FGHJK.");
      inputRef.current?.focus();
      return;
    }
    setLocalError(null);
    setOutcome(null);
    join.mutate({ code: compact });
  };

  const error = localError ?? (join.error ? (fieldErrors(join.error).code ?? joinErrorMessage(join.error)) : null);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;

  return (
    <Card className="w-full max-w-md" data-testid="join-with-code">
      <CardContent className="p-5">
        <form onSubmit={submit} noValidate className="grid gap-4">
          <div className="grid gap-1.5">
            <Label htmlFor={id}>Join code</Label>
            <Input
              ref={inputRef}
              id={id}
              name="code"
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
                if (localError) setLocalError(null);
              }}
              autoFocus
              autoComplete="off"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              placeholder="ABCDE-FGHJK"
              maxLength={64}
              className="h-11 text-center font-mono text-lg uppercase tracking-[0.15em] placeholder:tracking-[0.15em]"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : hintId}
              data-testid="join-code-input"
            />
            {error ? (
              <p id={errorId} role="alert" className="text-sm text-destructive" data-testid="join-code-error">
                {error}
              </p>
            ) : (
              <p id={hintId} className="text-xs text-muted-foreground">
                Capital letters, spaces and dashes don&apos;t matter.
              </p>
            )}
          </div>
          <Button type="submit" size="lg" loading={join.isPending} data-testid="join-code-join">
            Join organization
          </Button>
          <div aria-live="polite" aria-atomic="true">
            {outcome ? (
              outcome.alreadyMember ? (
                <p
                  className="flex items-start gap-2 rounded-md border border-border bg-muted/50 px-3 py-2 text-sm"
                  data-testid="join-already-member"
                >
                  <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
                  You&apos;re already a member of this organization, so nothing changed.
                </p>
              ) : (
                <p
                  className="flex items-start gap-2 rounded-md border border-success/30 bg-success/10 px-3 py-2 text-sm"
                  data-testid="join-success"
                >
                  <CircleCheck className="mt-0.5 size-4 shrink-0 text-success" aria-hidden />
                  You joined the organization as {roleWithArticle(outcome.role, outcome.roleName)}.
                </p>
              )
            ) : null}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
