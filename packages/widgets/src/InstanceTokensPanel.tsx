"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InstanceTokenDto } from "@tenancy/api/schemas/instances";
import { acceptedScopes, INSTANCE_OPERATIONS, scopeVocabulary } from "@tenancy/api/scopes";
import { Plus } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { fieldErrors } from "./errors";
import { useApiBaseUrl } from "./internal/api-origin";
import { BearerReveal } from "./internal/bearer-reveal";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { DialogFormFooter } from "./internal/dialog-form-footer";
import { OneTimeSecretStep, oneTimeSecretOpenChange } from "./internal/one-time-secret";
import { QueryListState } from "./internal/query-list-state";
import { ShowRevokedToggle } from "./internal/show-revoked-toggle";
import { ScopePicker } from "./internal/scope-picker";
import { TokenStatusBadge } from "./internal/status-badges";
import { CalendarDate, RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "./ui/dialog";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { formatDateTime } from "./ui/format";
import { Input } from "./ui/input";
import { TableCell, TableHead, TableRow } from "./ui/table";

/** Every scope an instance token may carry (the API's table): broad ones first, then per resource. */
const INSTANCE_SCOPE_ENTRIES = scopeVocabulary("instance");

export interface InstanceTokensPanelProps {
  instanceId: string;
}

const isExpired = (token: InstanceTokenDto, now: number) =>
  token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now;

/** Instance API tokens: mint with scopes and an optional expiry (the bearer is shown once), list, revoke. */
export function InstanceTokensPanel({ instanceId }: InstanceTokensPanelProps) {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.instanceTokens.list.queryOptions({ instanceId }));
  const [showRevoked, setShowRevoked] = useState(false);
  const [createOpen, setCreateOpen] = useState(false);
  const createRef = useRef<HTMLButtonElement>(null);

  const all = tokens.data?.instanceTokens ?? [];
  const revokedCount = all.filter((token) => token.revokedAt !== null).length;
  // The API lists revoked tokens too; they stay out of the way unless asked for.
  const list = showRevoked ? all : all.filter((token) => token.revokedAt === null);
  const now = Date.now();

  return (
    <div className="grid min-w-0 gap-4" data-testid="instance-tokens">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-muted-foreground">
          An instance token acts on this instance within its scopes: its organizations and their invitations, the member
          list. It can&apos;t mint tokens or change the instance&apos;s members.
        </p>
        <Button
          ref={createRef}
          onClick={() => setCreateOpen(true)}
          disabled={tokens.isError}
          data-testid="instance-token-create"
        >
          <Plus aria-hidden />
          Create token
        </Button>
      </div>
      {revokedCount > 0 ? (
        <ShowRevokedToggle checked={showRevoked} onChange={setShowRevoked} revokedCount={revokedCount} />
      ) : null}
      <QueryListState
        query={tokens}
        isEmpty={list.length === 0}
        loadingLabel="Loading instance API tokens"
        errorTitle="Couldn't load the instance API tokens"
        emptyState={
          <EmptyState
            title={revokedCount > 0 ? "No active instance tokens" : "No instance tokens yet"}
            description="Create a token to manage this instance's organizations and invitations from your own code."
          />
        }
      >
        <DataTable
          label="Instance API tokens"
          columns={
            <>
              <TableHead scope="col">Name</TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Key
              </TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Expires
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Last used
              </TableHead>
              <TableHead scope="col">Status</TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((token) => (
            <InstanceTokenRow
              key={token.id}
              instanceId={instanceId}
              token={token}
              expired={isExpired(token, now)}
              fallbackFocus={() => createRef.current}
            />
          ))}
        </DataTable>
      </QueryListState>
      <CreateInstanceTokenDialog instanceId={instanceId} open={createOpen} onOpenChange={setCreateOpen} />
    </div>
  );
}

function InstanceTokenRow({
  instanceId,
  token,
  expired,
  fallbackFocus,
}: {
  instanceId: string;
  token: InstanceTokenDto;
  expired: boolean;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const displayName = token.name ?? token.key;
  const revoke = useMutation(
    trpc.instanceTokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.instanceTokens.list.queryKey({ instanceId }) });
        toast.success(`Token “${displayName}” revoked.`);
      },
    }),
  );
  return (
    <TableRow
      data-testid={`instance-token-${token.key}`}
      data-revoked={token.revokedAt ? "true" : "false"}
      className={cn((token.revokedAt || expired) && "text-muted-foreground")}
    >
      <TableCell className="w-full max-w-0 font-medium sm:w-auto sm:max-w-none">
        <span className="block truncate">
          {token.name ?? <span className="font-normal italic text-muted-foreground">Untitled</span>}
        </span>
        <span className="block text-xs font-normal text-muted-foreground" data-testid="instance-token-scopes">
          {token.scopes.join(", ")}
        </span>
        <code className="mt-1 block truncate font-mono text-xs font-normal sm:hidden">{token.key}</code>
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <code className="whitespace-nowrap font-mono text-xs">{token.key}</code>
        <code aria-hidden className="block whitespace-nowrap font-mono text-xs text-muted-foreground">
          ••••{token.lastFour}
        </code>
        <span className="sr-only">secret ending in {token.lastFour}</span>
      </TableCell>
      <TableCell className="hidden whitespace-nowrap md:table-cell">
        {token.expiresAt ? (
          <CalendarDate value={token.expiresAt} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        )}
      </TableCell>
      <TableCell className="hidden whitespace-nowrap sm:table-cell">
        {token.lastUsedAt ? (
          <RelativeTime value={token.lastUsedAt} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        )}
      </TableCell>
      <TableCell>
        <span title={token.revokedAt ? `Revoked ${formatDateTime(token.revokedAt)}` : undefined}>
          <TokenStatusBadge revoked={token.revokedAt !== null} expired={expired} />
        </span>
      </TableCell>
      <TableCell className="text-right">
        {token.revokedAt ? null : (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="instance-token-revoke">
                Revoke<span className="sr-only"> token {displayName}</span>
              </Button>
            }
            title={`Revoke “${displayName}”?`}
            description="Requests that use this token will be refused immediately. This can't be undone: scripts using it need a new token."
            confirmLabel="Revoke token"
            confirmTestId="instance-token-revoke-confirm"
            onConfirm={() => revoke.mutateAsync({ instanceId, id: token.id })}
            pending={revoke.isPending}
            error={revoke.error}
            onReset={() => revoke.reset()}
            fallbackFocus={fallbackFocus}
          />
        )}
      </TableCell>
    </TableRow>
  );
}

const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "date", label: "On a date…" },
] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** The chosen expiry as the API takes it: null never; a date input's day ends at its last second, local time. */
function expiryOf(choice: ExpiryChoice, date: string): Date | null | "invalid" {
  if (choice === "never") return null;
  if (choice === "date") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return "invalid";
    const end = new Date(`${date}T23:59:59`);
    return Number.isNaN(end.getTime()) ? "invalid" : end;
  }
  return new Date(Date.now() + Number(choice) * 24 * 60 * 60 * 1000);
}

function CreateInstanceTokenDialog({
  instanceId,
  open,
  onOpenChange,
}: {
  instanceId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<ExpiryChoice>("never");
  const [expiryDate, setExpiryDate] = useState("");
  const [dateError, setDateError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ bearer: string; name: string | null; scopes: string[] } | null>(null);
  const expiryId = useId();

  const create = useMutation(
    trpc.instanceTokens.create.mutationOptions({
      onSuccess: async ({ instanceToken }) => {
        setCreated({ bearer: instanceToken.bearer, name: instanceToken.name, scopes: instanceToken.scopes });
        await queryClient.invalidateQueries({ queryKey: trpc.instanceTokens.list.queryKey({ instanceId }) });
      },
    }),
  );

  const handleOpenChange = oneTimeSecretOpenChange({
    creating: create.isPending,
    revealed: created !== null,
    forget: () => {
      setCreated(null);
      setName("");
      setScopes([]);
      setExpiry("never");
      setExpiryDate("");
      setDateError(undefined);
      create.reset();
    },
    onOpenChange,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = expiryOf(expiry, expiryDate);
    if (expiresAt === "invalid") {
      setDateError("Pick the day the token stops working");
      return;
    }
    setDateError(undefined);
    const trimmed = name.trim();
    create.mutate({ instanceId, scopes, expiresAt, ...(trimmed ? { name: trimmed } : {}) });
  };

  const errors = fieldErrors(create.error);
  const shownFieldError = errors.name ?? errors.scopes ?? errors.expiresAt;

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogContent data-testid="instance-token-dialog" className="max-w-xl">
        {created ? (
          <InstanceTokenReveal instanceId={instanceId} created={created} onDone={() => handleOpenChange(false)} />
        ) : (
          <form onSubmit={submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Create an instance API token</DialogTitle>
              <DialogDescription>
                The token reaches only what its scopes accept, until it expires or you revoke it.
              </DialogDescription>
            </DialogHeader>
            <Field label="Name" hint="Optional. Something that says where the token is used." error={errors.name}>
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. Provisioning script"
                maxLength={100}
                autoComplete="off"
              />
            </Field>
            <div className="grid gap-1.5">
              <label htmlFor={expiryId} className="text-sm font-medium leading-none">
                Expires
              </label>
              <div className="flex flex-wrap gap-2">
                <select
                  id={expiryId}
                  value={expiry}
                  onChange={(event) => setExpiry(event.target.value as ExpiryChoice)}
                  className="flex h-9 w-44 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                >
                  {EXPIRY_CHOICES.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
                {expiry === "date" ? (
                  <Input
                    type="date"
                    aria-label="Expiry date"
                    value={expiryDate}
                    onChange={(event) => setExpiryDate(event.target.value)}
                    aria-invalid={dateError || errors.expiresAt ? true : undefined}
                    className="w-44"
                  />
                ) : null}
              </div>
              {dateError || errors.expiresAt ? (
                <p className="text-xs text-destructive">{dateError ?? errors.expiresAt}</p>
              ) : null}
            </div>
            <ScopePicker
              entries={INSTANCE_SCOPE_ENTRIES}
              value={scopes}
              onChange={setScopes}
              error={errors.scopes}
              testId="instance-token-scope-picker"
              hint="At least one. The token reaches only what the checked scopes accept (403 insufficient_scope for the rest)."
            />
            {create.error && !shownFieldError ? <ErrorMessage error={create.error} /> : null}
            <DialogFormFooter
              onCancel={() => handleOpenChange(false)}
              pending={create.isPending}
              submitLabel="Create token"
            />
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** Example requests, one per operation that needs nothing but the instance: the reveal shows one the token may make. */
const EXAMPLES: { operation: keyof typeof INSTANCE_OPERATIONS; path: string }[] = [
  { operation: "instances.get", path: "instances/get" },
  { operation: "instanceOrgs.list", path: "instance-orgs/list" },
  { operation: "instanceMembers.list", path: "instance-members/list" },
  { operation: "instances.audit", path: "instances/audit" },
];

function exampleRequest(apiBase: string, instanceId: string, bearer: string, scopes: readonly string[]): string {
  const allowed = (operation: keyof typeof INSTANCE_OPERATIONS) =>
    acceptedScopes(INSTANCE_OPERATIONS[operation]).some((scope) => scopes.includes(scope));
  const auth = `  -H "Authorization: Bearer ${bearer}"`;
  const example = EXAMPLES.find((candidate) => allowed(candidate.operation));
  if (!example && allowed("instanceOrgInvites.get")) {
    // Losant's Instance Org Invites resource: the organization by id or handle.
    return [`curl ${apiBase}/v1/instances/${instanceId}/orgs/ORG_ID_OR_HANDLE/invites \\`, auth].join("\n");
  }
  return [
    `curl -X POST ${apiBase}/v1/${(example ?? EXAMPLES[0]!).path} \\`,
    `${auth} \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify({ instanceId })}'`,
  ].join("\n");
}

function InstanceTokenReveal({
  instanceId,
  created,
  onDone,
}: {
  instanceId: string;
  created: { bearer: string; name: string | null; scopes: string[] };
  onDone: () => void;
}) {
  const apiBase = useApiBaseUrl();
  const curl = exampleRequest(apiBase, instanceId, created.bearer, created.scopes);
  return (
    <OneTimeSecretStep
      title="Instance API token created"
      description={
        <>
          {created.name ? <>“{created.name}” is</> : <>Your new token is</>} ready, with {created.scopes.join(", ")}.
          Send it as a bearer token in the Authorization header.
        </>
      }
      groupLabel="Your new instance API token"
      groupClassName="grid min-w-0 gap-4 focus:outline-none"
      onDone={onDone}
    >
      <BearerReveal bearer={created.bearer} curl={curl} bearerTestId="instance-token-bearer" />
    </OneTimeSecretStep>
  );
}
