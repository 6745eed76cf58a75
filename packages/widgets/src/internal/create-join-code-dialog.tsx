"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TriangleAlert } from "lucide-react";
import { useState, type FormEvent } from "react";

import { fieldErrors } from "../errors";
import { useTRPC } from "../provider";
import { CopyButton, SecretReveal } from "../ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "../ui/dialog";
import { ErrorMessage } from "../ui/error-message";
import { Field } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { Input } from "../ui/input";
import { RoleSelect } from "../ui/role-select";
import { DialogFormFooter } from "./dialog-form-footer";
import { OneTimeSecretStep, oneTimeSecretOpenChange } from "./one-time-secret";
import { roleWithArticle } from "./role-words";

/** Today in the viewer's time zone as YYYY-MM-DD, the format of <input type="date">. */
function todayInputValue(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

interface CreatedCode {
  code: string;
  role: string;
  maxUses: number | null;
  expiresAt: Date | null;
}

/** Create a join code: role, optional use limit and expiry; then the code and its link, shown once. */
export function CreateJoinCodeDialog({
  organizationId,
  open,
  onOpenChange,
  allowOwner,
  permissions,
}: {
  organizationId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  allowOwner: boolean;
  /** The caller's permissions: only roles within them are offered. */
  permissions?: readonly string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<string>("member");
  const [maxUses, setMaxUses] = useState("");
  const [expiresOn, setExpiresOn] = useState("");
  const [localErrors, setLocalErrors] = useState<{ maxUses?: string; expiresAt?: string }>({});
  const [created, setCreated] = useState<CreatedCode | null>(null);

  const create = useMutation(
    trpc.organizations.joinCodes.create.mutationOptions({
      onSuccess: async ({ code, joinCode }) => {
        setCreated({ code, role: joinCode.role, maxUses: joinCode.maxUses, expiresAt: joinCode.expiresAt });
        await queryClient.invalidateQueries({
          queryKey: trpc.organizations.joinCodes.list.queryKey({ organizationId }),
        });
      },
    }),
  );

  const handleOpenChange = oneTimeSecretOpenChange({
    creating: create.isPending,
    revealed: created !== null,
    forget: () => {
      setCreated(null);
      setRole("member");
      setMaxUses("");
      setExpiresOn("");
      setLocalErrors({});
      create.reset();
    },
    onOpenChange,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: typeof localErrors = {};
    let parsedMaxUses: number | null = null;
    if (maxUses.trim() !== "") {
      const n = Number(maxUses);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
        errors.maxUses = "Enter a whole number from 1 to 1,000,000, or leave it blank.";
      else parsedMaxUses = n;
    }
    let expiresAt: Date | null = null;
    if (expiresOn !== "") {
      // The code stays valid through the whole chosen day, in the viewer's time zone.
      expiresAt = new Date(`${expiresOn}T23:59:59.999`);
      if (Number.isNaN(expiresAt.getTime())) errors.expiresAt = "Enter a valid date.";
      else if (expiresAt <= new Date()) errors.expiresAt = "Pick today or a later date.";
    }
    setLocalErrors(errors);
    if (errors.maxUses || errors.expiresAt) return;
    create.mutate({ organizationId, role, maxUses: parsedMaxUses, expiresAt });
  };

  const serverFields = fieldErrors(create.error);
  const serverDetailsField = (create.error as { data?: { details?: { field?: string } | null } } | null)?.data?.details
    ?.field;
  const fieldMessage = (name: "maxUses" | "expiresAt") =>
    localErrors[name] ?? serverFields[name] ?? (serverDetailsField === name ? create.error?.message : undefined);
  const formError =
    create.error && !serverFields.maxUses && !serverFields.expiresAt && !serverDetailsField ? create.error : null;

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogContent data-testid="join-code-dialog">
        {created ? (
          <JoinCodeReveal created={created} onDone={() => handleOpenChange(false)} />
        ) : (
          <form onSubmit={submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Create a join code</DialogTitle>
              <DialogDescription>
                People who enter the code join this organization with the role you choose here.
              </DialogDescription>
            </DialogHeader>
            <Field
              label="Role"
              hint={allowOwner ? undefined : "Only owners can create codes that grant the owner role."}
            >
              <RoleSelect
                organizationId={organizationId}
                value={role}
                onValueChange={setRole}
                allowOwner={allowOwner}
                permissions={permissions}
                aria-label="Role for people who join"
              />
            </Field>
            <Field label="Maximum uses" hint="Leave blank for unlimited uses." error={fieldMessage("maxUses")}>
              <Input
                type="number"
                inputMode="numeric"
                min={1}
                max={1_000_000}
                step={1}
                placeholder="Unlimited"
                className="max-w-40"
                value={maxUses}
                onChange={(e) => setMaxUses(e.target.value)}
                data-testid="join-code-max-uses"
              />
            </Field>
            <Field
              label="Expires on"
              hint="Optional. The code works until the end of this day."
              error={fieldMessage("expiresAt")}
            >
              <Input
                type="date"
                min={todayInputValue()}
                className="max-w-52"
                value={expiresOn}
                onChange={(e) => setExpiresOn(e.target.value)}
                data-testid="join-code-expires"
              />
            </Field>
            <ErrorMessage error={formError} />
            <DialogFormFooter
              onCancel={() => handleOpenChange(false)}
              pending={create.isPending}
              submitLabel="Create code"
              submitTestId="join-code-submit"
            />
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function JoinCodeReveal({ created, onDone }: { created: CreatedCode; onDone: () => void }) {
  const link = `${window.location.origin}/join?code=${encodeURIComponent(created.code)}`;
  const limits = [
    created.maxUses === null
      ? "unlimited uses"
      : created.maxUses === 1
        ? "a single use"
        : `up to ${created.maxUses} uses`,
    created.expiresAt ? `works until ${formatDateTime(created.expiresAt)}` : "never expires",
  ].join(", ");

  return (
    <OneTimeSecretStep
      title="Join code created"
      description={
        <>
          People who use it join as {roleWithArticle(created.role)}: {limits}.
        </>
      }
      groupLabel="Your new join code"
      groupClassName="grid gap-3 focus:outline-none"
      doneTestId="join-code-done"
      onDone={onDone}
    >
      <p className="flex items-center gap-2 text-sm font-medium">
        <TriangleAlert className="size-4 shrink-0 text-warning" aria-hidden />
        Copy the code now. You won&apos;t be able to see it again.
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-border bg-muted/50 px-4 py-3">
        <code
          data-testid="join-code-value"
          className="select-all font-mono text-2xl font-semibold tracking-[0.15em] sm:text-3xl"
        >
          {created.code}
        </code>
        <CopyButton value={created.code} label="Copy code" />
      </div>
      <div data-testid="join-code-link">
        <SecretReveal
          value={link}
          label="Join link"
          warning="Or share this link: it opens the join page with the code filled in."
        />
      </div>
    </OneTimeSecretStep>
  );
}
