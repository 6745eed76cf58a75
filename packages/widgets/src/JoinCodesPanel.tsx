"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { KeyRound, Plus } from "lucide-react";
import { useRef, useState } from "react";
import { toast } from "sonner";

import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { CreateJoinCodeDialog } from "./internal/create-join-code-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { QueryListState } from "./internal/query-list-state";
import { JoinCodeStatusBadge } from "./internal/status-badges";
import { ExpiryDate, RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";
import { useRoleNames } from "./ui/role-select";
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
        <ExpiryDate value={code.expiresAt} />
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
