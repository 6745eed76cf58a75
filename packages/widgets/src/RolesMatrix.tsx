"use client";

import { useQuery } from "@tanstack/react-query";
import { API_TOKEN_PERMISSIONS, type Permission } from "@tenancy/api/permissions";
import { Check, Minus } from "lucide-react";

import { useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { ErrorMessage } from "./ui/error-message";
import { roleLabel } from "./ui/role-select";
import { LoadingRows } from "./ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "./ui/table";

const PERMISSION_TEXT: Record<Permission, { label: string; detail: string }> = {
  "org:view": { label: "View the organization", detail: "See its name, handle and settings" },
  "org:manage": { label: "Manage settings", detail: "Rename, change the handle, activate or deactivate" },
  "org:delete": { label: "Delete the organization", detail: "Permanently, with everything in it" },
  "members:view": { label: "See members", detail: "Who belongs and with which role" },
  "members:manage": { label: "Manage members", detail: "Invite, add, remove, change roles, join codes" },
  "tokens:manage": { label: "Manage API tokens", detail: "Create and revoke organization tokens" },
  "audit:view": { label: "View the audit log", detail: "Who did what, and when" },
  "domains:manage": {
    label: "Manage verified domains",
    detail: "Prove email domains and let people with those addresses join",
  },
};

function permissionText(permission: string): { label: string; detail?: string } {
  return PERMISSION_TEXT[permission as Permission] ?? { label: permission };
}

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

/** What each role (and an organization API token) may do, as a permission-by-role table. */
export function RolesMatrix() {
  const trpc = useTRPC();
  const matrix = useQuery({ ...trpc.organizations.roles.queryOptions(), staleTime: Infinity });

  return (
    <div className="grid min-w-0 gap-6" data-testid="roles-matrix">
      {matrix.isPending ? (
        <LoadingRows rows={5} label="Loading roles" />
      ) : matrix.isError ? (
        <ErrorMessage error={matrix.error} title="Couldn't load the roles" />
      ) : (
        <>
          <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {matrix.data.roles.map(({ role, description }) => (
              <div key={role} className="grid gap-1 rounded-md border border-border p-3" data-testid={`role-${role}`}>
                <dt className="text-sm font-medium">{roleLabel(role)}</dt>
                <dd className="text-sm text-muted-foreground">{description}</dd>
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
          <div className="min-w-0 rounded-lg border border-border">
            <Table>
              <caption className="sr-only">Permissions of each role</caption>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead scope="col">Permission</TableHead>
                  {matrix.data.roles.map(({ role }) => (
                    <TableHead key={role} scope="col" className="w-20 text-center">
                      {roleLabel(role)}
                    </TableHead>
                  ))}
                  <TableHead scope="col" className="w-20 text-center">
                    API token
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {matrix.data.permissions.map((permission) => {
                  const text = permissionText(permission);
                  return (
                    <TableRow key={permission} data-testid={`permission-${permission}`}>
                      <TableHead scope="row" className="h-auto py-2.5 text-sm font-normal text-foreground">
                        <span className="grid gap-0.5">
                          <span className="font-medium">{text.label}</span>
                          <span className="text-xs text-muted-foreground">
                            {text.detail ? `${text.detail} · ` : null}
                            <code className="font-mono">{permission}</code>
                          </span>
                        </span>
                      </TableHead>
                      {matrix.data.roles.map(({ role, permissions }) => (
                        <TableCell key={role} className="text-center" data-role={role}>
                          <Allowed allowed={permissions.includes(permission)} />
                        </TableCell>
                      ))}
                      <TableCell className="text-center" data-role="api_token">
                        <Allowed allowed={API_TOKEN_PERMISSIONS.includes(permission)} />
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        </>
      )}
    </div>
  );
}
