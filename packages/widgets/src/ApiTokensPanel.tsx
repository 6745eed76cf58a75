"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { Plus } from "lucide-react";
import { useRef, useState } from "react";
import { toast } from "sonner";

import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { CreateTokenDialog } from "./internal/create-api-token-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { QueryListState } from "./internal/query-list-state";
import { ShowRevokedToggle } from "./internal/show-revoked-toggle";
import { TokenEnvBadge, TokenStatusBadge } from "./internal/status-badges";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { EmptyState } from "./ui/empty-state";
import { formatDateTime } from "./ui/format";
import { TableCell, TableHead, TableRow } from "./ui/table";

type ApiToken = inferRouterOutputs<AppRouter>["organizations"]["tokens"]["list"]["apiTokens"][number];

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
        <ShowRevokedToggle
          checked={showRevoked}
          onChange={setShowRevoked}
          revokedCount={revokedCount}
          testId="tokens-show-revoked"
        />
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
