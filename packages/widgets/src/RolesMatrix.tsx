"use client";

import { useQuery } from "@tanstack/react-query";
import { Check, Minus, Pencil, Plus, Trash2 } from "lucide-react";
import { Fragment, useState } from "react";

import { DeleteRoleDialog, groupByArea, RoleFormDialog, type OrganizationRole } from "./internal/role-dialogs";
import { counted } from "./internal/role-words";
import { useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { ErrorMessage } from "./ui/error-message";
import { LoadingRows } from "./ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "./ui/table";

function Allowed({ allowed }: { allowed: boolean }) {
  return allowed ? (
    <>
      <Check className="mx-auto size-4 text-success" aria-hidden />
      <span className="sr-only">Allowed</span>
    </>
  ) : (
    <>
      <Minus className="mx-auto size-4 text-muted-foreground/60" aria-hidden />
      <span className="sr-only">Not allowed</span>
    </>
  );
}

function usageText(usage: OrganizationRole["usage"]): string {
  const parts = [
    counted(usage.members, "member"),
    ...(usage.pendingInvitations ? [counted(usage.pendingInvitations, "pending invitation")] : []),
    ...(usage.activeJoinCodes ? [counted(usage.activeJoinCodes, "join code")] : []),
    ...(usage.domains ? [counted(usage.domains, "verified domain")] : []),
  ];
  return parts.join(", ");
}

/**
 * The organization's roles side by side (built-in, custom, and what an API token may do) as a
 * permission-by-role table grouped by area; with `roles:manage`, create, edit and delete custom roles.
 */
export function RolesMatrix({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const matrix = useQuery({ ...trpc.organizations.roles.queryOptions(), staleTime: Infinity });
  const roles = useQuery(trpc.organizations.customRoles.list.queryOptions({ organizationId }));
  const details = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const [editing, setEditing] = useState<OrganizationRole | "new" | null>(null);

  const myPermissions = details.data?.permissions ?? [];
  const canManage = myPermissions.includes("roles:manage") && (details.data?.organization.active ?? false);
  const error = matrix.error ?? roles.error;

  return (
    <div className="grid min-w-0 gap-6" data-testid="roles-matrix">
      {error ? (
        <ErrorMessage error={error} title="Couldn't load the roles" />
      ) : !matrix.data || !roles.data ? (
        <LoadingRows rows={5} label="Loading roles" />
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-muted-foreground">
              Built-in roles are the same in every organization. Custom roles are this organization&apos;s own.
            </p>
            {canManage ? (
              <Button onClick={() => setEditing("new")} data-testid="role-create">
                <Plus aria-hidden /> New role
              </Button>
            ) : null}
          </div>
          <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {roles.data.roles.map((role) => (
              <div
                key={role.key}
                className="grid content-start gap-1 rounded-md border border-border p-3"
                data-testid={`role-${role.key}`}
              >
                <dt className="flex flex-wrap items-center gap-2 text-sm font-medium">
                  {role.name}
                  {role.builtIn ? (
                    <Badge variant="outline">built-in</Badge>
                  ) : (
                    <code className="font-mono text-xs text-muted-foreground">{role.key}</code>
                  )}
                </dt>
                <dd className="text-sm text-muted-foreground">{role.description || "No description."}</dd>
                <dd className="text-xs text-muted-foreground" data-testid={`role-usage-${role.key}`}>
                  {usageText(role.usage)}
                </dd>
                {canManage && !role.builtIn ? (
                  <dd className="mt-1 flex gap-2">
                    <Button
                      size="sm"
                      variant="outline"
                      onClick={() => setEditing(role)}
                      data-testid={`role-edit-${role.key}`}
                    >
                      <Pencil aria-hidden /> Edit
                    </Button>
                    <DeleteRoleDialog
                      organizationId={organizationId}
                      role={role}
                      myPermissions={myPermissions}
                      allowOwner={details.data?.role === "owner"}
                    >
                      <Button size="sm" variant="outline" data-testid={`role-delete-${role.key}`}>
                        <Trash2 aria-hidden /> Delete
                      </Button>
                    </DeleteRoleDialog>
                  </dd>
                ) : null}
              </div>
            ))}
            <div className="grid gap-1 rounded-md border border-dashed border-border p-3" data-testid="role-api-token">
              <dt className="flex items-center gap-2 text-sm font-medium">
                API token <Badge variant="outline">not a role</Badge>
              </dt>
              <dd className="text-sm text-muted-foreground">
                Acts for one organization with an admin&apos;s powers, except managing tokens; never deletes it.
              </dd>
            </div>
          </dl>
          <div className="min-w-0 overflow-x-auto rounded-lg border border-border">
            <Table>
              <caption className="sr-only">Permissions of each role</caption>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead scope="col">Permission</TableHead>
                  {roles.data.roles.map((role) => (
                    <TableHead key={role.key} scope="col" className="w-20 text-center">
                      {role.name}
                    </TableHead>
                  ))}
                  <TableHead scope="col" className="w-20 text-center">
                    API token
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {groupByArea(matrix.data.catalogue).map((group) => (
                  <Fragment key={group.area}>
                    <TableRow className="bg-muted/40 hover:bg-muted/40">
                      <TableHead
                        scope="colgroup"
                        colSpan={roles.data.roles.length + 2}
                        className="h-8 text-xs font-semibold uppercase tracking-wide text-muted-foreground"
                      >
                        {group.label}
                      </TableHead>
                    </TableRow>
                    {group.permissions.map((entry) => (
                      <TableRow key={entry.key} data-testid={`permission-${entry.key}`}>
                        <TableHead scope="row" className="h-auto py-2.5 text-sm font-normal text-foreground">
                          <span className="grid gap-0.5">
                            <span className="font-medium">{entry.label}</span>
                            <span className="text-xs text-muted-foreground">
                              {entry.description} · <code className="font-mono">{entry.key}</code>
                            </span>
                          </span>
                        </TableHead>
                        {roles.data.roles.map((role) => (
                          <TableCell key={role.key} className="text-center" data-role={role.key}>
                            <Allowed allowed={role.permissions.includes(entry.key)} />
                          </TableCell>
                        ))}
                        <TableCell className="text-center" data-role="api_token">
                          <Allowed allowed={matrix.data.apiToken.permissions.includes(entry.key)} />
                        </TableCell>
                      </TableRow>
                    ))}
                  </Fragment>
                ))}
              </TableBody>
            </Table>
          </div>
          {editing ? (
            <RoleFormDialog
              organizationId={organizationId}
              role={editing === "new" ? null : editing}
              catalogue={matrix.data.catalogue}
              myPermissions={myPermissions}
              onClose={() => setEditing(null)}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
