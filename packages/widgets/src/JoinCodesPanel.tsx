"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { KeyRound, Plus, TriangleAlert } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { fieldErrors } from "./errors";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { QueryListState } from "./internal/query-list-state";
import { roleWithArticle } from "./internal/role-words";
import { JoinCodeStatusBadge } from "./internal/status-badges";
import { CalendarDate, RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { CopyButton, SecretReveal } from "./ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "./ui/dialog";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { formatDateTime } from "./ui/format";
import { Input } from "./ui/input";
import { RoleSelect, useRoleNames } from "./ui/role-select";
import { TableCell, TableHead, TableRow } from "./ui/table";

type JoinCode = inferRouterOutputs<AppRouter>["organizations"]["joinCodes"]["list"]["joinCodes"][number];

export interface JoinCodesPanelProps {
  organizationId: string;
}

/** Reusable codes that let anyone signed in join with a preset role: create (shown once), list, revoke. */
export function JoinCodesPanel({ organizationId }: JoinCodesPanelProps) {
  const trpc = useTRPC();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const codes = useQuery(trpc.organizations.joinCodes.list.queryOptions({ organizationId }));
  const [createOpen, setCreateOpen] = useState(false);
  const createRef = useRef<HTMLButtonElement>(null);

  const inactive = org.data ? !org.data.organization.active : false;
  const list = codes.data?.joinCodes ?? [];
  const activeCount = list.filter((code) => code.status === "active").length;

  return (
    <div className="grid min-w-0 gap-4" data-testid="join-codes-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" aria-live="polite" className="text-sm text-muted-foreground" data-testid="join-codes-summary">
          {codes.isSuccess
            ? list.length === 0
              ? "Anyone signed in who has a code joins with the code's role."
              : `${list.length} ${list.length === 1 ? "code" : "codes"}, ${activeCount} active`
            : ""}
        </p>
        <Button
          ref={createRef}
          onClick={() => setCreateOpen(true)}
          disabled={inactive || codes.isError}
          data-testid="join-code-create"
        >
          <Plus aria-hidden />
          Create join code
        </Button>
      </div>
      {inactive ? (
        <InactiveOrgNotice>This organization is inactive: reactivate it to create new join codes.</InactiveOrgNotice>
      ) : null}
      <QueryListState
        query={codes}
        isEmpty={list.length === 0}
        loadingLabel="Loading join codes"
        errorTitle="Couldn't load join codes"
        emptyState={
          <EmptyState
            title="No join codes yet"
            description="Create a code to let a group of people join without sending each of them an invitation. Share codes privately."
          />
        }
      >
        <DataTable
          label="Join codes"
          columns={
            <>
              <TableHead scope="col">Code</TableHead>
              <TableHead scope="col">Role</TableHead>
              <TableHead scope="col">Uses</TableHead>
              <TableHead scope="col">Expires</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Created
              </TableHead>
              <TableHead scope="col">Status</TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((code) => (
            <JoinCodeRow
              key={code.id}
              organizationId={organizationId}
              code={code}
              fallbackFocus={() => createRef.current}
            />
          ))}
        </DataTable>
      </QueryListState>
      <CreateJoinCodeDialog
        organizationId={organizationId}
        open={createOpen}
        onOpenChange={setCreateOpen}
        allowOwner={org.data?.role === "owner"}
        permissions={org.data?.permissions}
      />
    </div>
  );
}

function JoinCodeRow({
  organizationId,
  code,
  fallbackFocus,
}: {
  organizationId: string;
  code: JoinCode;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const roleName = useRoleNames(organizationId);
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.organizations.joinCodes.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({
          queryKey: trpc.organizations.joinCodes.list.queryKey({ organizationId }),
        });
        toast.success(`Join code ${code.hint} revoked.`);
      },
    }),
  );
  const usesText = `${code.uses} / ${code.maxUses ?? "∞"}`;

  return (
    <TableRow data-testid={`join-code-row-${code.hint}`} data-status={code.status}>
      <TableCell>
        <span className="flex items-center gap-2 whitespace-nowrap font-mono text-xs">
          <KeyRound className="size-3.5 text-muted-foreground" aria-hidden />
          <span aria-hidden>{code.hint}</span>
          <span className="sr-only">Code ending in {code.hint.slice(-3)}</span>
        </span>
      </TableCell>
      <TableCell>{roleName(code.role)}</TableCell>
      <TableCell className="whitespace-nowrap tabular-nums">
        <span aria-hidden data-testid="join-code-uses">
          {usesText}
        </span>
        <span className="sr-only">
          {code.maxUses === null ? `${code.uses} uses, no limit` : `${code.uses} of ${code.maxUses} uses`}
        </span>
      </TableCell>
      <TableCell>
        {code.expiresAt ? (
          <CalendarDate value={code.expiresAt} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        )}
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <RelativeTime value={code.createdAt} className="text-muted-foreground" />
      </TableCell>
      <TableCell>
        <JoinCodeStatusBadge status={code.status} />
      </TableCell>
      <TableCell className="text-right">
        {code.status === "active" ? (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="join-code-revoke">
                Revoke<span className="sr-only"> join code {code.hint}</span>
              </Button>
            }
            title="Revoke this join code?"
            description={
              <>
                Nobody will be able to join with the code ending in{" "}
                <span className="font-mono">{code.hint.slice(-3)}</span> any more. People who already joined with it
                stay members.
              </>
            }
            confirmLabel="Revoke code"
            confirmTestId="join-code-revoke-confirm"
            onConfirm={() => revoke.mutateAsync({ organizationId, id: code.id })}
            pending={revoke.isPending}
            error={revoke.error}
            onReset={() => revoke.reset()}
            fallbackFocus={fallbackFocus}
          />
        ) : null}
      </TableCell>
    </TableRow>
  );
}

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

function CreateJoinCodeDialog({
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

  // The code exists only in this dialog's state: closing it forgets the code for good.
  const handleOpenChange = (next: boolean) => {
    // Blocked only until the secret arrives: onSuccess still awaits the list refresh after revealing it, and "Done" must work then.
    if (!next && create.isPending && !created) return;
    if (!next) {
      setCreated(null);
      setRole("member");
      setMaxUses("");
      setExpiresOn("");
      setLocalErrors({});
      create.reset();
    }
    onOpenChange(next);
  };

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
            <DialogFooter>
              <Button
                type="button"
                variant="outline"
                onClick={() => handleOpenChange(false)}
                disabled={create.isPending}
              >
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="join-code-submit">
                Create code
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function JoinCodeReveal({ created, onDone }: { created: CreatedCode; onDone: () => void }) {
  const revealRef = useRef<HTMLDivElement>(null);
  const link = `${window.location.origin}/join?code=${encodeURIComponent(created.code)}`;
  const limits = [
    created.maxUses === null
      ? "unlimited uses"
      : created.maxUses === 1
        ? "a single use"
        : `up to ${created.maxUses} uses`,
    created.expiresAt ? `works until ${formatDateTime(created.expiresAt)}` : "never expires",
  ].join(", ");

  // The form that had focus is gone: move focus to the new code so keyboard and screen reader users land on it.
  useEffect(() => revealRef.current?.focus(), []);

  return (
    <div className="grid gap-4">
      <DialogHeader>
        <DialogTitle>Join code created</DialogTitle>
        <DialogDescription>
          People who use it join as {roleWithArticle(created.role)}: {limits}.
        </DialogDescription>
      </DialogHeader>
      <div
        ref={revealRef}
        tabIndex={-1}
        role="group"
        aria-label="Your new join code"
        className="grid gap-3 focus:outline-none"
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
      </div>
      <DialogFooter>
        <Button type="button" onClick={onDone} data-testid="join-code-done">
          Done
        </Button>
      </DialogFooter>
    </div>
  );
}
