"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LICENSING_PERMISSIONS } from "@tenancy/api/licensing";
import type { DeploymentDto } from "@tenancy/api/schemas/licensing";
import { useRef } from "react";
import { toast } from "sonner";

import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { QueryListState } from "./internal/query-list-state";
import { DeploymentStatusBadge } from "./internal/status-badges";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { EmptyState } from "./ui/empty-state";
import { TableCell, TableHead, TableRow } from "./ui/table";

export interface DeploymentsTableProps {
  /** Id or handle of the organization. */
  organizationId: string;
}

/**
 * The deployments of the organization's license: status, version, last seen; admins deactivate one
 * to free its slot (its token stops working at once).
 */
export function DeploymentsTable({ organizationId }: DeploymentsTableProps) {
  const trpc = useTRPC();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const deployments = useQuery(trpc.organizations.deployments.list.queryOptions({ organizationId }));
  const headingRef = useRef<HTMLParagraphElement>(null);
  const canManage = org.data?.permissions.includes(LICENSING_PERMISSIONS.manageDeployments) ?? false;
  const list = deployments.data?.deployments ?? [];
  const limit = deployments.data?.limit;

  return (
    <div className="grid min-w-0 gap-3" data-testid="deployments-table">
      <p ref={headingRef} tabIndex={-1} className="text-sm text-muted-foreground focus:outline-none">
        {deployments.data
          ? `${deployments.data.active} active${limit === null ? "" : ` of ${limit} allowed`}. A deployment silent for too long reads as inactive and stops counting.`
          : "Installations of your product that activated with this organization's license key."}
      </p>
      <QueryListState
        query={deployments}
        isEmpty={list.length === 0}
        loadingLabel="Loading deployments"
        errorTitle="Couldn't load deployments"
        emptyState={
          <EmptyState
            title="No deployments yet"
            description={
              <>
                Your product activates with the license key:{" "}
                <code className="font-mono text-xs">POST /v1/deployments/activate</code>
              </>
            }
          />
        }
      >
        <DataTable
          label="Deployments"
          busy={deployments.isFetching}
          columns={
            <>
              <TableHead scope="col">Name</TableHead>
              <TableHead scope="col">Status</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Version
              </TableHead>
              <TableHead scope="col">Last seen</TableHead>
              <TableHead scope="col" className="hidden lg:table-cell">
                Activated
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((deployment) => (
            <DeploymentRow
              key={deployment.id}
              organizationId={organizationId}
              deployment={deployment}
              canManage={canManage}
              fallbackFocus={() => headingRef.current}
            />
          ))}
        </DataTable>
      </QueryListState>
    </div>
  );
}

function DeploymentRow({
  organizationId,
  deployment,
  canManage,
  fallbackFocus,
}: {
  organizationId: string;
  deployment: DeploymentDto;
  canManage: boolean;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deactivate = useMutation(
    trpc.organizations.deployments.deactivate.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({
            queryKey: trpc.organizations.deployments.list.queryKey({ organizationId }),
          }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.license.get.queryKey({ organizationId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.audit.pathKey() }),
        ]);
        toast.success(`Deployment “${deployment.name}” deactivated.`);
      },
    }),
  );
  const gone = deployment.status === "deactivated";
  return (
    <TableRow
      data-testid={`deployment-row-${deployment.fingerprint}`}
      data-status={deployment.status}
      className={cn(gone && "text-muted-foreground")}
    >
      <TableCell>
        <div className="grid gap-0.5">
          <span className="font-medium">{deployment.name}</span>
          {deployment.url ? (
            <span className="break-all text-xs text-muted-foreground">{deployment.url}</span>
          ) : (
            <span className="break-all font-mono text-xs text-muted-foreground">{deployment.fingerprint}</span>
          )}
        </div>
      </TableCell>
      <TableCell>
        <DeploymentStatusBadge status={deployment.status} />
      </TableCell>
      <TableCell className="hidden md:table-cell">
        {deployment.version ?? <span className="text-muted-foreground">—</span>}
      </TableCell>
      <TableCell>
        <RelativeTime value={deployment.lastSeenAt} />
      </TableCell>
      <TableCell className="hidden lg:table-cell">
        <RelativeTime value={deployment.activatedAt} className="text-muted-foreground" />
      </TableCell>
      <TableCell className="text-right">
        {canManage && !gone ? (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="deployment-deactivate">
                Deactivate<span className="sr-only"> deployment {deployment.name}</span>
              </Button>
            }
            title={`Deactivate “${deployment.name}”?`}
            description="Its slot is freed at once and its token stops working. The installation can activate again with the license key while a slot is free."
            confirmLabel="Deactivate"
            confirmTestId="deployment-deactivate-confirm"
            onConfirm={() => deactivate.mutateAsync({ organizationId, id: deployment.id })}
            pending={deactivate.isPending}
            error={deactivate.error}
            onReset={() => deactivate.reset()}
            fallbackFocus={fallbackFocus}
          />
        ) : null}
      </TableCell>
    </TableRow>
  );
}
