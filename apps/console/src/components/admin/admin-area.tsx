"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import type { InstanceOrganizationDto } from "@tenancy/api/schemas/instances";
import { errorMessage, fieldErrors } from "@tenancy/widgets/errors";
import { CalendarDate } from "@tenancy/widgets/internal/timestamp";
import { useTRPC } from "@tenancy/widgets/provider";
import { Badge } from "@tenancy/widgets/ui/badge";
import { Button } from "@tenancy/widgets/ui/button";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Input } from "@tenancy/widgets/ui/input";
import { Label } from "@tenancy/widgets/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@tenancy/widgets/ui/table";

import { NativeSelect } from "../licensing/native-select";

import { AdminTabs } from "./admin-tabs";

interface InstanceChoice {
  id: string;
  name: string;
  role: string;
}

const STATUSES = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "inactive", label: "Inactive" },
] as const;

/** The Admin area: an instance's organizations (and the invitations of the one opened), members and API tokens. */
export function AdminArea({ instances, currentUserId }: { instances: InstanceChoice[]; currentUserId: string }) {
  const [instanceId, setInstanceId] = useState(instances[0]!.id);
  const [opened, setOpened] = useState<InstanceOrganizationDto | null>(null);
  const role = instances.find((i) => i.id === instanceId)?.role ?? "viewer";
  const canManage = role === "owner" || role === "admin";
  return (
    <div className="grid gap-8">
      {instances.length > 1 ? (
        <div className="grid max-w-xs gap-1">
          <Label htmlFor="admin-instance">Instance</Label>
          <NativeSelect
            id="admin-instance"
            value={instanceId}
            onChange={(event) => {
              setInstanceId(event.target.value);
              setOpened(null);
            }}
          >
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.role})
              </option>
            ))}
          </NativeSelect>
        </div>
      ) : null}
      <AdminTabs
        instanceId={instanceId}
        role={role}
        currentUserId={currentUserId}
        organizations={
          <>
            <InstanceOrganizations instanceId={instanceId} canManage={canManage} onOpen={setOpened} />
            {opened ? <InstanceOrgInvites instanceId={instanceId} org={opened} canManage={canManage} /> : null}
          </>
        }
      />
    </div>
  );
}

function InstanceOrganizations({
  instanceId,
  canManage,
  onOpen,
}: {
  instanceId: string;
  canManage: boolean;
  onOpen: (org: InstanceOrganizationDto) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<(typeof STATUSES)[number]["value"]>("all");
  const input = { instanceId, status, limit: 100, ...(search.trim() ? { search: search.trim() } : {}) };
  const orgs = useQuery(trpc.instanceOrgs.list.queryOptions(input));
  const setActive = useMutation(
    trpc.instanceOrgs.setActive.mutationOptions({
      onSuccess: async ({ organization }) => {
        toast.success(`${organization.name} is ${organization.active ? "active again" : "deactivated"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.instanceOrgs.list.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const list = orgs.data?.organizations ?? [];
  return (
    <section className="grid min-w-0 gap-3" aria-labelledby="admin-orgs-heading" data-testid="admin-organizations">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="admin-orgs-heading" className="text-lg font-semibold tracking-tight">
          Organizations
        </h2>
        <div className="flex flex-wrap items-end gap-2">
          <div className="grid gap-1">
            <Label htmlFor="admin-orgs-search">Name or handle</Label>
            <Input
              id="admin-orgs-search"
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              className="w-56"
            />
          </div>
          <div className="grid gap-1">
            <Label htmlFor="admin-orgs-status">Status</Label>
            <NativeSelect
              id="admin-orgs-status"
              value={status}
              onChange={(event) => setStatus(event.target.value as typeof status)}
              className="w-36"
            >
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </NativeSelect>
          </div>
        </div>
      </div>
      <ErrorMessage error={orgs.error} />
      <Table aria-labelledby="admin-orgs-heading">
        <TableHeader>
          <TableRow>
            <TableHead>Organization</TableHead>
            <TableHead>Members</TableHead>
            <TableHead>Plan</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {list.map((org) => (
            <TableRow key={org.id} data-testid={`admin-org-${org.handle}`}>
              <TableCell>
                <div className="font-medium">{org.name}</div>
                <div className="text-xs text-muted-foreground">{org.handle}</div>
              </TableCell>
              <TableCell>{org.memberCount}</TableCell>
              <TableCell>{org.license ? org.license.planName : "Free"}</TableCell>
              <TableCell>
                <Badge variant={org.active ? "success" : "outline"}>{org.active ? "Active" : "Inactive"}</Badge>
              </TableCell>
              <TableCell className="text-right">
                <div className="flex justify-end gap-2">
                  <Button size="sm" variant="outline" onClick={() => onOpen(org)}>
                    Invitations<span className="sr-only"> of {org.name}</span>
                  </Button>
                  {canManage ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={setActive.isPending}
                      onClick={() => setActive.mutate({ instanceId, orgId: org.id, active: !org.active })}
                    >
                      {org.active ? "Deactivate" : "Reactivate"}
                      <span className="sr-only"> {org.name}</span>
                    </Button>
                  ) : null}
                </div>
              </TableCell>
            </TableRow>
          ))}
          {orgs.isSuccess && list.length === 0 ? (
            <TableRow>
              <TableCell colSpan={5} className="text-center text-sm text-muted-foreground">
                No organizations match.
              </TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
    </section>
  );
}

const SORT_FIELDS = ["inviteDate", "email", "role"] as const;
const SORT_LABELS: Record<(typeof SORT_FIELDS)[number], string> = {
  inviteDate: "Invite date",
  email: "Email",
  role: "Role",
};

function InstanceOrgInvites({
  instanceId,
  org,
  canManage,
}: {
  instanceId: string;
  org: InstanceOrganizationDto;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sortField, setSortField] = useState<(typeof SORT_FIELDS)[number]>("inviteDate");
  const [sortDirection, setSortDirection] = useState<"asc" | "desc">("desc");
  const [filterField, setFilterField] = useState<"" | "email" | "role">("");
  const [filter, setFilter] = useState("");
  const invites = useQuery(
    trpc.instanceOrgInvites.get.queryOptions({
      instanceId,
      orgId: org.id,
      sortField,
      sortDirection,
      ...(filterField ? { filterField, filter } : {}),
    }),
  );
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"member" | "admin" | "viewer" | "owner">("member");
  const post = useMutation(
    trpc.instanceOrgInvites.post.mutationOptions({
      onSuccess: async (invite) => {
        toast.success(`Invitation sent to ${invite.email}`);
        setEmail("");
        await queryClient.invalidateQueries({ queryKey: trpc.instanceOrgInvites.get.pathKey() });
      },
    }),
  );
  const errors = post.error ? fieldErrors(post.error) : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    post.mutate({ instanceId, orgId: org.id, invite: { email, role } });
  };
  const headingId = `admin-invites-heading-${org.id}`;
  return (
    <section className="grid min-w-0 gap-4" aria-labelledby={headingId} data-testid="admin-invitations">
      <h2 id={headingId} className="text-lg font-semibold tracking-tight">
        Invitations of {org.name}
      </h2>
      {canManage ? (
        <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label={`Invite into ${org.name}`}>
          <div className="grid gap-1">
            <Label htmlFor="admin-invite-email">Email</Label>
            <Input
              id="admin-invite-email"
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={errors["invite.email"] || errors.email ? true : undefined}
              className="w-64"
            />
          </div>
          <div className="grid gap-1">
            <Label htmlFor="admin-invite-role">Role</Label>
            <NativeSelect
              id="admin-invite-role"
              value={role}
              onChange={(event) => setRole(event.target.value as typeof role)}
              className="w-32"
            >
              <option value="member">Member</option>
              <option value="admin">Admin</option>
              <option value="viewer">Viewer</option>
              <option value="owner">Owner</option>
            </NativeSelect>
          </div>
          <Button type="submit" disabled={post.isPending}>
            Send invitation
          </Button>
          <div className="basis-full">
            <ErrorMessage error={post.error} />
          </div>
        </form>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <div className="grid gap-1">
          <Label htmlFor="admin-invites-sort">Sort by</Label>
          <NativeSelect
            id="admin-invites-sort"
            value={sortField}
            onChange={(event) => setSortField(event.target.value as typeof sortField)}
            className="w-36"
          >
            {SORT_FIELDS.map((field) => (
              <option key={field} value={field}>
                {SORT_LABELS[field]}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="admin-invites-direction">Direction</Label>
          <NativeSelect
            id="admin-invites-direction"
            value={sortDirection}
            onChange={(event) => setSortDirection(event.target.value as typeof sortDirection)}
            className="w-32"
          >
            <option value="desc">Descending</option>
            <option value="asc">Ascending</option>
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="admin-invites-filter-field">Filter on</Label>
          <NativeSelect
            id="admin-invites-filter-field"
            value={filterField}
            onChange={(event) => setFilterField(event.target.value as typeof filterField)}
            className="w-32"
          >
            <option value="">Nothing</option>
            <option value="email">Email</option>
            <option value="role">Role</option>
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="admin-invites-filter">Filter (* and ? glob)</Label>
          <Input
            id="admin-invites-filter"
            value={filter}
            disabled={!filterField}
            onChange={(event) => setFilter(event.target.value)}
            className="w-48"
          />
        </div>
      </div>
      <ErrorMessage error={invites.error} />
      <Table aria-labelledby={headingId}>
        <TableHeader>
          <TableRow>
            <TableHead>Email</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Invited</TableHead>
            <TableHead>Status</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(invites.data ?? []).map((invite) => (
            <TableRow key={invite.id}>
              <TableCell>{invite.email}</TableCell>
              <TableCell>{invite.role}</TableCell>
              <TableCell>
                <CalendarDate value={invite.inviteDate} />
              </TableCell>
              <TableCell>
                <Badge variant={invite.hasExpired ? "outline" : "secondary"}>
                  {invite.hasExpired ? "Expired" : "Pending"}
                </Badge>
              </TableCell>
            </TableRow>
          ))}
          {invites.isSuccess && invites.data.length === 0 ? (
            <TableRow>
              <TableCell colSpan={4} className="text-center text-sm text-muted-foreground">
                No pending invitations.
              </TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
    </section>
  );
}
