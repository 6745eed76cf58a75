"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";

import type { InstanceOrganizationDto } from "@tenancy/api/schemas/instances";
import { errorMessage, fieldErrors } from "@tenancy/widgets/errors";
import { ActionsColumnHead } from "@tenancy/widgets/internal/data-table";
import { CalendarDate } from "@tenancy/widgets/internal/timestamp";
import { useTRPC } from "@tenancy/widgets/provider";
import { Badge } from "@tenancy/widgets/ui/badge";
import { Button } from "@tenancy/widgets/ui/button";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Input } from "@tenancy/widgets/ui/input";
import { Label } from "@tenancy/widgets/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@tenancy/widgets/ui/table";

import { LabelledControl, LabelledSearch, LabelledSelect } from "../labelled-controls";
import { NativeSelect } from "../native-select";

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
          <LabelledSearch id="admin-orgs-search" label="Name or handle" value={search} onChange={setSearch} />
          <LabelledSelect
            id="admin-orgs-status"
            label="Status"
            value={status}
            onChange={setStatus}
            options={STATUSES}
            className="w-36"
          />
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
            <ActionsColumnHead />
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
          {orgs.isSuccess && list.length === 0 ? <EmptyRow colSpan={5}>No organizations match.</EmptyRow> : null}
        </TableBody>
      </Table>
    </section>
  );
}

const SORT_FIELDS = [
  { value: "inviteDate", label: "Invite date" },
  { value: "email", label: "Email" },
  { value: "role", label: "Role" },
] as const;
const SORT_DIRECTIONS = [
  { value: "desc", label: "Descending" },
  { value: "asc", label: "Ascending" },
] as const;
const FILTER_FIELDS = [
  { value: "", label: "Nothing" },
  { value: "email", label: "Email" },
  { value: "role", label: "Role" },
] as const;
const INVITE_ROLES = [
  { value: "member", label: "Member" },
  { value: "admin", label: "Admin" },
  { value: "viewer", label: "Viewer" },
  { value: "owner", label: "Owner" },
] as const;

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
  const [sortField, setSortField] = useState<(typeof SORT_FIELDS)[number]["value"]>("inviteDate");
  const [sortDirection, setSortDirection] = useState<(typeof SORT_DIRECTIONS)[number]["value"]>("desc");
  const [filterField, setFilterField] = useState<(typeof FILTER_FIELDS)[number]["value"]>("");
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
  const [role, setRole] = useState<(typeof INVITE_ROLES)[number]["value"]>("member");
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
          <LabelledControl id="admin-invite-email" label="Email">
            <Input
              id="admin-invite-email"
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={errors["invite.email"] || errors.email ? true : undefined}
              className="w-64"
            />
          </LabelledControl>
          <LabelledSelect
            id="admin-invite-role"
            label="Role"
            value={role}
            onChange={setRole}
            options={INVITE_ROLES}
            className="w-32"
          />
          <Button type="submit" disabled={post.isPending}>
            Send invitation
          </Button>
          <div className="basis-full">
            <ErrorMessage error={post.error} />
          </div>
        </form>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <LabelledSelect
          id="admin-invites-sort"
          label="Sort by"
          value={sortField}
          onChange={setSortField}
          options={SORT_FIELDS}
          className="w-36"
        />
        <LabelledSelect
          id="admin-invites-direction"
          label="Direction"
          value={sortDirection}
          onChange={setSortDirection}
          options={SORT_DIRECTIONS}
          className="w-32"
        />
        <LabelledSelect
          id="admin-invites-filter-field"
          label="Filter on"
          value={filterField}
          onChange={setFilterField}
          options={FILTER_FIELDS}
          className="w-32"
        />
        <LabelledControl id="admin-invites-filter" label="Filter (* and ? glob)">
          <Input
            id="admin-invites-filter"
            value={filter}
            disabled={!filterField}
            onChange={(event) => setFilter(event.target.value)}
            className="w-48"
          />
        </LabelledControl>
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
            <EmptyRow colSpan={4}>No pending invitations.</EmptyRow>
          ) : null}
        </TableBody>
      </Table>
    </section>
  );
}

/** The one row of an empty table, across all its columns. */
function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell colSpan={colSpan} className="text-center text-sm text-muted-foreground">
        {children}
      </TableCell>
    </TableRow>
  );
}
