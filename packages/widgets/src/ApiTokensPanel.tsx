"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { scopeVocabulary } from "@tenancy/api/scopes";
import { Plus } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { fieldErrors } from "./errors";
import { useApiBaseUrl } from "./internal/api-origin";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { QueryListState } from "./internal/query-list-state";
import { RelativeTime } from "./internal/timestamp";
import { TokenEnvBadge, TokenStatusBadge } from "./internal/status-badges";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { CopyButton, SecretReveal } from "./ui/copy-button";
import { cn } from "./ui/cn";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "./ui/dialog";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { formatDateTime } from "./ui/format";
import { Input } from "./ui/input";
import { TableCell, TableHead, TableRow } from "./ui/table";

/** The broad scopes an owner picks from (every scope in the table is accepted by the API). */
const PICKABLE_SCOPES = scopeVocabulary("organization").filter(
  (entry) => entry.scope.startsWith("all.") || entry.scope.endsWith(".*") || entry.scope.endsWith(".read"),
);

type ApiToken = inferRouterOutputs<AppRouter>["organizations"]["tokens"]["list"]["apiTokens"][number];
type TokenEnv = "live" | "test";

export interface ApiTokensPanelProps {
  organizationId: string;
}

/** Organization API tokens: mint (the bearer is shown once), list without secrets, revoke. */
export function ApiTokensPanel({ organizationId }: ApiTokensPanelProps) {
  const trpc = useTRPC();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const [showRevoked, setShowRevoked] = useState(false);
  // Revoked tokens stay out of the way unless asked for (the server leaves them out by default).
  const tokens = useQuery(
    trpc.organizations.tokens.list.queryOptions(
      { organizationId, ...(showRevoked ? { includeRevoked: true } : {}) },
      { placeholderData: keepPreviousData },
    ),
  );
  const [createOpen, setCreateOpen] = useState(false);
  const createRef = useRef<HTMLButtonElement>(null);
  const showRevokedId = useId();

  const inactive = org.data ? !org.data.organization.active : false;
  const list = tokens.data?.apiTokens ?? [];
  const revokedCount = tokens.data?.revokedCount ?? 0;

  return (
    <div className="grid min-w-0 gap-4" data-testid="api-tokens-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-muted-foreground">
          A token can view and manage this organization&apos;s settings and members, but can&apos;t create other tokens
          or delete the organization.
        </p>
        <Button
          ref={createRef}
          onClick={() => setCreateOpen(true)}
          disabled={inactive || tokens.isError}
          data-testid="token-create"
        >
          <Plus aria-hidden />
          Create token
        </Button>
      </div>
      {inactive ? (
        <InactiveOrgNotice>This organization is inactive: reactivate it to create new tokens.</InactiveOrgNotice>
      ) : null}
      {revokedCount > 0 || showRevoked ? (
        <div className="flex items-center gap-2 text-sm">
          <input
            id={showRevokedId}
            type="checkbox"
            className="size-4 accent-primary"
            checked={showRevoked}
            onChange={(event) => setShowRevoked(event.target.checked)}
            data-testid="tokens-show-revoked"
          />
          <label htmlFor={showRevokedId} className="text-muted-foreground">
            Show revoked tokens ({revokedCount})
          </label>
        </div>
      ) : null}
      <QueryListState
        query={tokens}
        isEmpty={list.length === 0}
        loadingLabel="Loading API tokens"
        errorTitle="Couldn't load API tokens"
        emptyState={
          <EmptyState
            title={revokedCount > 0 ? "No active API tokens" : "No API tokens yet"}
            description="Create a token to manage this organization from your own code or the command line."
          />
        }
      >
        <DataTable
          label="API tokens"
          columns={
            <>
              <TableHead scope="col">Name</TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Environment
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Key
              </TableHead>
              <TableHead scope="col" className="hidden lg:table-cell">
                Secret
              </TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Created
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Last used
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Status
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((token) => (
            <TokenRow
              key={token.id}
              organizationId={organizationId}
              token={token}
              fallbackFocus={() => createRef.current}
            />
          ))}
        </DataTable>
      </QueryListState>
      <CreateTokenDialog
        organizationId={organizationId}
        exampleOrganization={org.data?.organization.id ?? organizationId}
        open={createOpen}
        onOpenChange={setCreateOpen}
      />
    </div>
  );
}

function TokenRow({
  organizationId,
  token,
  fallbackFocus,
}: {
  organizationId: string;
  token: ApiToken;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const displayName = token.name ?? token.key;
  const revoke = useMutation(
    trpc.organizations.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.tokens.list.queryKey({ organizationId }) });
        toast.success(`Token “${displayName}” revoked.`);
      },
    }),
  );

  return (
    <TableRow
      data-testid={`token-row-${token.key}`}
      data-revoked={token.revokedAt ? "true" : "false"}
      className={cn(token.revokedAt && "text-muted-foreground")}
    >
      <TableCell className="w-full max-w-0 font-medium sm:w-auto sm:max-w-none">
        <span className="block truncate">
          {token.name ?? <span className="font-normal italic text-muted-foreground">Untitled</span>}
        </span>
        <span className="block text-xs font-normal text-muted-foreground" data-testid="token-scopes">
          {token.scopes.length > 0 ? token.scopes.join(", ") : "All powers"}
        </span>
        {/* On a phone the other columns give way: the key, environment and status move under the name. */}
        <span className="mt-1 grid gap-1 sm:hidden">
          <code className="truncate font-mono text-xs font-normal">{token.key}</code>
          <span className="flex flex-wrap gap-1">
            <TokenEnvBadge env={token.env} />
            {token.revokedAt ? <TokenStatusBadge revoked /> : null}
          </span>
        </span>
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <TokenEnvBadge env={token.env} />
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <code className="whitespace-nowrap font-mono text-xs">{token.key}</code>
      </TableCell>
      <TableCell className="hidden lg:table-cell">
        <code aria-hidden className="whitespace-nowrap font-mono text-xs">
          ••••{token.lastFour}
        </code>
        <span className="sr-only">ending in {token.lastFour}</span>
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <RelativeTime value={token.createdAt} className="text-muted-foreground" />
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        {token.lastUsedAt ? (
          <RelativeTime value={token.lastUsedAt} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        )}
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <span title={token.revokedAt ? `Revoked ${formatDateTime(token.revokedAt)}` : undefined}>
          <TokenStatusBadge revoked={token.revokedAt !== null} />
        </span>
      </TableCell>
      <TableCell className="text-right">
        {token.revokedAt ? null : (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="token-revoke">
                Revoke<span className="sr-only"> token {displayName}</span>
              </Button>
            }
            title={`Revoke “${displayName}”?`}
            description="Requests that use this token will be refused immediately. This can't be undone: scripts using it need a new token."
            confirmLabel="Revoke token"
            confirmTestId="token-revoke-confirm"
            onConfirm={() => revoke.mutateAsync({ organizationId, id: token.id })}
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

const ENV_CHOICES: { value: TokenEnv; label: string; description: string }[] = [
  { value: "live", label: "Live", description: "For production scripts and servers. The key starts with tnc_live_." },
  {
    value: "test",
    label: "Test",
    description: "For development and CI, easy to tell apart. The key starts with tnc_test_.",
  },
];

function CreateTokenDialog({
  organizationId,
  exampleOrganization,
  open,
  onOpenChange,
}: {
  organizationId: string;
  exampleOrganization: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [env, setEnv] = useState<TokenEnv>("live");
  const [scopes, setScopes] = useState<string[]>([]);
  const [created, setCreated] = useState<{ bearer: string; name: string | null; env: string } | null>(null);

  const create = useMutation(
    trpc.organizations.tokens.create.mutationOptions({
      onSuccess: async ({ apiToken }) => {
        setCreated({ bearer: apiToken.bearer, name: apiToken.name, env: apiToken.env });
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.tokens.list.queryKey({ organizationId }) });
      },
    }),
  );

  // The bearer lives only in this dialog's state: closing the dialog forgets it.
  const handleOpenChange = (next: boolean) => {
    // Blocked only until the secret arrives: onSuccess still awaits the list refresh after revealing it, and "Done" must work then.
    if (!next && create.isPending && !created) return;
    if (!next) {
      setCreated(null);
      setName("");
      setEnv("live");
      setScopes([]);
      create.reset();
    }
    onOpenChange(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    create.mutate({ organizationId, env, scopes, ...(trimmed ? { name: trimmed } : {}) });
  };

  const nameError = fieldErrors(create.error).name;

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogContent data-testid="token-dialog" className="max-w-xl">
        {created ? (
          <TokenReveal
            created={created}
            exampleOrganization={exampleOrganization}
            onDone={() => handleOpenChange(false)}
          />
        ) : (
          <form onSubmit={submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Create an API token</DialogTitle>
              <DialogDescription>
                The token can call the API for this organization until you revoke it.
              </DialogDescription>
            </DialogHeader>
            <Field label="Name" hint="Optional. Something that says where the token is used." error={nameError}>
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. Deploy bot"
                maxLength={100}
                autoComplete="off"
                data-testid="token-name"
              />
            </Field>
            <fieldset className="grid gap-2">
              <legend className="mb-1.5 text-sm font-medium leading-none">Environment</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                {ENV_CHOICES.map((choice) => (
                  <label
                    key={choice.value}
                    className={cn(
                      "flex cursor-pointer gap-3 rounded-md border border-input p-3 text-sm transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring",
                      env === choice.value && "border-primary bg-accent",
                    )}
                  >
                    <input
                      type="radio"
                      name="env"
                      value={choice.value}
                      checked={env === choice.value}
                      onChange={() => setEnv(choice.value)}
                      className="mt-0.5 size-4 accent-primary"
                      data-testid={`token-env-${choice.value}`}
                    />
                    <span className="grid gap-0.5">
                      <span className="font-medium">{choice.label}</span>
                      <span className="text-xs text-muted-foreground">{choice.description}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset className="grid gap-2" data-testid="token-scope-picker">
              <legend className="mb-1.5 text-sm font-medium leading-none">Scopes</legend>
              <p className="text-xs text-muted-foreground">
                None checked: every power an organization token has. Otherwise the token reaches only what the checked
                scopes accept (403 insufficient_scope for the rest).
              </p>
              <div className="grid max-h-48 gap-1 overflow-y-auto rounded-md border border-input p-2 sm:grid-cols-2">
                {PICKABLE_SCOPES.map((entry) => (
                  <label key={entry.scope} className="flex items-center gap-2 text-sm" title={entry.description}>
                    <input
                      type="checkbox"
                      checked={scopes.includes(entry.scope)}
                      onChange={(event) =>
                        setScopes((current) =>
                          event.target.checked
                            ? [...current, entry.scope]
                            : current.filter((scope) => scope !== entry.scope),
                        )
                      }
                      className="size-4 accent-primary"
                    />
                    <code className="font-mono text-xs">{entry.scope}</code>
                  </label>
                ))}
              </div>
            </fieldset>
            {create.error && !nameError ? <ErrorMessage error={create.error} /> : null}
            <DialogFooter>
              <Button
                type="button"
                variant="outline"
                onClick={() => handleOpenChange(false)}
                disabled={create.isPending}
              >
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="token-submit">
                Create token
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function TokenReveal({
  created,
  exampleOrganization,
  onDone,
}: {
  created: { bearer: string; name: string | null; env: string };
  exampleOrganization: string;
  onDone: () => void;
}) {
  const apiBase = useApiBaseUrl();
  const revealRef = useRef<HTMLDivElement>(null);
  const curl = [
    `curl -X POST ${apiBase}/v1/organizations/get \\`,
    `  -H "Authorization: Bearer ${created.bearer}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify({ organizationId: exampleOrganization })}'`,
  ].join("\n");

  // The form that had focus is gone: land keyboard and screen reader users on the new token.
  useEffect(() => revealRef.current?.focus(), []);

  return (
    <div className="grid min-w-0 gap-4">
      <DialogHeader>
        <DialogTitle>API token created</DialogTitle>
        <DialogDescription>
          {created.name ? <>“{created.name}” is</> : <>Your new {created.env === "test" ? "test" : "live"} token is</>}{" "}
          ready. Send it as a bearer token in the Authorization header.
        </DialogDescription>
      </DialogHeader>
      <div
        ref={revealRef}
        tabIndex={-1}
        role="group"
        aria-label="Your new API token"
        className="grid min-w-0 gap-4 focus:outline-none"
      >
        <div data-testid="token-bearer">
          <SecretReveal
            value={created.bearer}
            label="Bearer token"
            warning="Copy this token now. You won't be able to see it again."
          />
        </div>
        <div className="grid min-w-0 gap-2">
          <div className="flex items-center justify-between gap-2">
            <p className="text-sm font-medium">Try it</p>
            <CopyButton value={curl} label="Copy command" />
          </div>
          <pre
            className="max-h-48 overflow-auto whitespace-pre-wrap break-all rounded-md bg-muted px-3 py-2 font-mono text-xs leading-relaxed"
            aria-label="Example request with curl"
            tabIndex={0}
            data-testid="token-curl"
          >
            {curl}
          </pre>
        </div>
      </div>
      <DialogFooter>
        <Button type="button" onClick={onDone} data-testid="token-done">
          Done
        </Button>
      </DialogFooter>
    </div>
  );
}
