"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  INSTANCE_ROLE_DESCRIPTIONS,
  INSTANCE_ROLES,
  isInstanceRole,
  type InstanceRole,
} from "@tenancy/api/instance-roles";
import type { InstanceMemberDto } from "@tenancy/api/schemas/instances";
import { Info, UserPlus } from "lucide-react";
import { useId, useRef, useState, type FormEvent, type Ref } from "react";
import { toast } from "sonner";

import { errorReason, fieldErrors } from "./errors";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "./internal/data-table";
import { QueryListState } from "./internal/query-list-state";
import { CalendarDate } from "./internal/timestamp";
import { useTRPC } from "./provider";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "./ui/alert-dialog";
import { UserAvatar } from "./ui/avatar";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { Input } from "./ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./ui/select";
import { TableCell, TableHead, TableRow } from "./ui/table";

export interface InstanceMembersTableProps {
  instanceId: string;
  /** The signed-in user's id: marks their row "You", and their own changes call `onOwnAccessChanged`. */
  currentUserId?: string;
  /** Called after the signed-in user changed their own instance role or left the instance. */
  onOwnAccessChanged?: () => void;
}

const ROLE_NAMES: Record<InstanceRole, string> = { owner: "Owner", admin: "Admin", viewer: "Viewer" };

// The generic words for these reasons speak of organizations (and suggest invitations, which
// instances do not have): the API's own sentence is the right one here.
const REASONS_IN_API_WORDS = new Set(["last_owner", "user_not_found", "already_member", "member_not_found"]);

/** An error as the API worded it where the generic words would mislead. */
function inApiWords(error: unknown): unknown {
  const reason = errorReason(error);
  const message = (error as { message?: unknown } | null)?.message;
  return reason && REASONS_IN_API_WORDS.has(reason) && typeof message === "string" ? { message } : error;
}

/**
 * An instance's members (its owners, admins and viewers): everyone with instance access sees the
 * list; owners add people by the email of their (verified) account, change roles and remove them.
 * The last owner can be neither demoted nor removed: the controls say so before the API would.
 */
export function InstanceMembersTable({ instanceId, currentUserId, onOwnAccessChanged }: InstanceMembersTableProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const instance = useQuery(trpc.instances.get.queryOptions({ instanceId }));
  const members = useQuery(trpc.instanceMembers.list.queryOptions({ instanceId }));
  const [actionError, setActionError] = useState<{ title: string; error: unknown } | null>(null);
  const lastOwnerReasonId = useId();
  const addRef = useRef<HTMLInputElement>(null);

  const canManage = instance.data?.permissions.includes("instance:own") ?? false;
  const rows = members.data?.members ?? [];
  const owners = rows.filter((member) => member.role === "owner");
  const onlyOwner = owners.length === 1 ? owners[0]! : null;

  const refreshAfterChange = (affectsMe: boolean) => {
    setActionError(null);
    void queryClient.invalidateQueries({ queryKey: trpc.instanceMembers.list.queryKey({ instanceId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.instances.get.queryKey({ instanceId }) });
    if (affectsMe) {
      void queryClient.invalidateQueries({ queryKey: trpc.instances.list.queryKey() });
      onOwnAccessChanged?.();
    }
  };

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-4" data-testid="instance-members">
      {canManage ? (
        <AddInstanceMemberForm instanceId={instanceId} inputRef={addRef} onAdded={() => refreshAfterChange(false)} />
      ) : instance.data ? (
        <p className="flex items-start gap-2 text-sm text-muted-foreground" data-testid="instance-members-read-only">
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          Only instance owners add members, change their roles or remove them. You are{" "}
          {instance.data.role === "token" ? "using a token" : `an ${ROLE_NAMES[instance.data.role].toLowerCase()}`} of
          this instance.
        </p>
      ) : null}

      {canManage && onlyOwner ? (
        <p
          id={lastOwnerReasonId}
          className="flex items-start gap-2 text-sm text-muted-foreground"
          data-testid="instance-members-last-owner-reason"
        >
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          {onlyOwner.userId === currentUserId ? "You are" : `${onlyOwner.name || onlyOwner.email} is`} the only owner,
          so that role can&apos;t be changed or removed: an instance needs at least one owner. Make another member an
          owner first.
        </p>
      ) : null}

      {actionError ? (
        <div data-testid="instance-members-error">
          <ErrorMessage error={inApiWords(actionError.error)} title={actionError.title} />
        </div>
      ) : null}

      <QueryListState
        query={members}
        isEmpty={rows.length === 0}
        loadingLabel="Loading instance members"
        errorTitle="Couldn't load the instance members"
        emptyState={<EmptyState title="No instance members" />}
      >
        <DataTable
          label="Instance members"
          busy={members.isFetching}
          columns={
            <>
              <TableHead scope="col">Member</TableHead>
              <TableHead scope="col" className="w-0">
                Role
              </TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">
                Since
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {rows.map((member) => (
            <InstanceMemberRow
              key={member.userId}
              instanceId={instanceId}
              member={member}
              isSelf={member.userId === currentUserId}
              canManage={canManage}
              lastOwnerReasonId={onlyOwner?.userId === member.userId ? lastOwnerReasonId : undefined}
              onChanged={refreshAfterChange}
              onError={(title, error) => setActionError({ title, error })}
              fallbackFocus={() => addRef.current}
            />
          ))}
        </DataTable>
      </QueryListState>
    </div>
  );
}

function AddInstanceMemberForm({
  instanceId,
  inputRef,
  onAdded,
}: {
  instanceId: string;
  inputRef: Ref<HTMLInputElement>;
  onAdded: () => void;
}) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InstanceRole>("viewer");
  const roleLabelId = useId();
  const add = useMutation(
    trpc.instanceMembers.add.mutationOptions({
      onSuccess: ({ member }) => {
        toast.success(`Added ${member.name || member.email} to the instance as ${ROLE_NAMES[member.role]}`);
        setEmail("");
        onAdded();
      },
    }),
  );
  const emailError = fieldErrors(add.error).email;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ instanceId, email: email.trim(), role });
  };
  return (
    <form
      onSubmit={submit}
      className="grid gap-3 rounded-lg border border-border p-4"
      aria-label="Add an instance member"
      noValidate
    >
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-full max-w-xs">
          <Field label="Email" hint="Of someone who has signed up and verified their address." error={emailError}>
            <Input
              ref={inputRef}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              autoComplete="off"
              data-testid="instance-member-email"
            />
          </Field>
        </div>
        <div className="grid gap-1.5">
          <span className="text-sm font-medium leading-none" id={roleLabelId}>
            Role
          </span>
          <InstanceRoleSelect value={role} onValueChange={setRole} aria-labelledby={roleLabelId} />
        </div>
        <Button type="submit" className="sm:mt-[1.375rem]" loading={add.isPending} data-testid="instance-member-add">
          <UserPlus aria-hidden />
          Add member
        </Button>
      </div>
      {add.error && !emailError ? <ErrorMessage error={inApiWords(add.error)} title="Couldn't add the member" /> : null}
    </form>
  );
}

function InstanceRoleSelect({
  value,
  onValueChange,
  disabled,
  "aria-label": ariaLabel,
  "aria-labelledby": labelledBy,
  "aria-describedby": describedBy,
}: {
  value: InstanceRole;
  onValueChange: (role: InstanceRole) => void;
  disabled?: boolean;
  "aria-label"?: string;
  "aria-labelledby"?: string;
  "aria-describedby"?: string;
}) {
  return (
    <Select value={value} onValueChange={(next) => isInstanceRole(next) && onValueChange(next)} disabled={disabled}>
      <SelectTrigger
        aria-label={ariaLabel}
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        className="w-28 sm:w-32"
      >
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {INSTANCE_ROLES.map((role) => (
          <SelectItem key={role} value={role} title={INSTANCE_ROLE_DESCRIPTIONS[role]}>
            {ROLE_NAMES[role]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

function InstanceMemberRow({
  instanceId,
  member,
  isSelf,
  canManage,
  lastOwnerReasonId,
  onChanged,
  onError,
  fallbackFocus,
}: {
  instanceId: string;
  member: InstanceMemberDto;
  isSelf: boolean;
  canManage: boolean;
  /** Set on the only owner's row: the id of the text saying why it can't be demoted or removed. */
  lastOwnerReasonId?: string;
  onChanged: (affectsMe: boolean) => void;
  onError: (title: string, error: unknown) => void;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const displayName = member.name || member.email;
  // An owner giving up ownership confirms first: they lose the member management they are using.
  const [selfDemotion, setSelfDemotion] = useState<InstanceRole | null>(null);
  const setRole = useMutation(
    trpc.instanceMembers.setRole.mutationOptions({
      onSuccess: ({ member: updated }) => {
        setSelfDemotion(null);
        toast.success(
          `${isSelf ? "Your" : `${updated.name || updated.email}'s`} instance role is now ${ROLE_NAMES[updated.role]}`,
        );
        onChanged(isSelf);
      },
      onError: (error) => {
        setSelfDemotion(null);
        onError(isSelf ? "Couldn't change your role" : `Couldn't change the role of ${displayName}`, error);
      },
    }),
  );
  const remove = useMutation(
    trpc.instanceMembers.remove.mutationOptions({
      onSuccess: () => {
        toast.success(isSelf ? "You left the instance" : `Removed ${displayName} from the instance`);
        onChanged(isSelf);
      },
    }),
  );
  const lastOwner = lastOwnerReasonId !== undefined;
  const shownRole = setRole.isPending ? setRole.variables.role : member.role;
  const changeRole = (role: InstanceRole) => {
    if (role === member.role) return;
    if (isSelf && member.role === "owner") setSelfDemotion(role);
    else setRole.mutate({ instanceId, userId: member.userId, role });
  };

  return (
    <TableRow data-testid={`instance-member-${member.email}`} data-self={isSelf || undefined}>
      <TableCell className="w-full max-w-0">
        <div className="flex items-center gap-3">
          <UserAvatar name={member.name} email={member.email} className="hidden sm:inline-flex" />
          <div className="grid min-w-0">
            <span className="flex min-w-0 items-center gap-2 font-medium">
              <span className="truncate">{displayName}</span>
              {isSelf ? (
                <Badge variant="outline" className="shrink-0">
                  You
                </Badge>
              ) : null}
            </span>
            {member.name ? <span className="truncate text-xs text-muted-foreground">{member.email}</span> : null}
            <span className="text-xs text-muted-foreground sm:hidden">
              Since <CalendarDate value={member.createdAt} />
            </span>
          </div>
        </div>
      </TableCell>
      <TableCell>
        {canManage ? (
          <InstanceRoleSelect
            value={shownRole}
            onValueChange={changeRole}
            disabled={setRole.isPending || lastOwner}
            aria-label={`Role of ${displayName}`}
            aria-describedby={lastOwnerReasonId}
          />
        ) : (
          <Badge
            variant={member.role === "owner" ? "default" : "secondary"}
            title={INSTANCE_ROLE_DESCRIPTIONS[member.role]}
            data-testid="instance-member-role"
          >
            {ROLE_NAMES[member.role]}
          </Badge>
        )}
      </TableCell>
      <TableCell className="hidden whitespace-nowrap text-muted-foreground sm:table-cell">
        <CalendarDate value={member.createdAt} />
      </TableCell>
      <TableCell className="w-0 text-right">
        {!canManage ? null : lastOwner ? (
          <Button
            variant="ghostDestructive"
            size="sm"
            disabled
            aria-describedby={lastOwnerReasonId}
            data-testid="instance-member-remove"
          >
            {isSelf ? "Leave" : "Remove"}
            <span className="sr-only"> {displayName}</span>
          </Button>
        ) : (
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="instance-member-remove">
                {isSelf ? "Leave" : "Remove"}
                <span className="sr-only"> {displayName}</span>
              </Button>
            }
            title={isSelf ? "Leave this instance?" : `Remove ${displayName} from the instance?`}
            description={
              isSelf
                ? "You lose the Admin area of this instance right away. An owner can add you again."
                : `${member.email} loses their ${ROLE_NAMES[member.role].toLowerCase()} access to the instance right away. Their own organization memberships stay.`
            }
            confirmLabel={isSelf ? "Leave instance" : "Remove member"}
            confirmTestId="instance-member-remove-confirm"
            onConfirm={() => remove.mutateAsync({ instanceId, userId: member.userId })}
            pending={remove.isPending}
            error={remove.error ? inApiWords(remove.error) : null}
            onReset={() => remove.reset()}
            fallbackFocus={fallbackFocus}
          />
        )}
        <AlertDialog open={selfDemotion !== null} onOpenChange={(open) => (open ? null : setSelfDemotion(null))}>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>
                Make yourself {selfDemotion ? ROLE_NAMES[selfDemotion].toLowerCase() : ""}?
              </AlertDialogTitle>
              <AlertDialogDescription>
                Only owners manage the instance&apos;s members: another owner will have to make you an owner again.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel>Stay owner</AlertDialogCancel>
              <Button
                variant="destructive"
                loading={setRole.isPending}
                onClick={() =>
                  selfDemotion && setRole.mutate({ instanceId, userId: member.userId, role: selfDemotion })
                }
              >
                Change my role
              </Button>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
      </TableCell>
    </TableRow>
  );
}
