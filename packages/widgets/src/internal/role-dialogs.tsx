"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { useState, type FormEvent, type ReactElement } from "react";
import { toast } from "sonner";

import { fieldErrors } from "../errors";
import { useTRPC } from "../provider";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "../ui/dialog";
import { ErrorMessage } from "../ui/error-message";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { RoleSelect } from "../ui/role-select";
import { Textarea } from "../ui/textarea";
import { ConfirmActionDialog } from "./confirm-action-dialog";
import { DialogFormFooter } from "./dialog-form-footer";
import { counted } from "./role-words";

type Outputs = inferRouterOutputs<AppRouter>["organizations"];
export type OrganizationRole = Outputs["customRoles"]["list"]["roles"][number];
export type PermissionCatalogue = Outputs["roles"]["catalogue"];

/** Permission areas in catalogue order, each with its permissions. */
export function groupByArea(catalogue: PermissionCatalogue) {
  const areas: { area: string; label: string; permissions: PermissionCatalogue }[] = [];
  for (const entry of catalogue) {
    let group = areas.find((a) => a.area === entry.area);
    if (!group) areas.push((group = { area: entry.area, label: entry.areaLabel, permissions: [] }));
    group.permissions.push(entry);
  }
  return areas;
}

/** Everything a role change can alter: the roles list, and what members (me included) may do. */
function useInvalidateRoles(organizationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.organizations.customRoles.list.queryKey({ organizationId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.get.queryKey({ organizationId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.members.list.queryKey() }),
    ]);
}

const BASE_PERMISSION = "org:view";

/** Derives a key from the name the way people type it: "Billing team" → "billing-team". */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 40);
}

/**
 * Create (`role` null) or edit a custom role: name, key (fixed once created), description and a
 * permission checklist grouped by area. Permissions the caller lacks are shown but cannot be ticked
 * (the server refuses them: permission_escalation).
 */
export function RoleFormDialog({
  organizationId,
  role,
  catalogue,
  myPermissions,
  onClose,
}: {
  organizationId: string;
  role: OrganizationRole | null;
  catalogue: PermissionCatalogue;
  myPermissions: readonly string[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateRoles(organizationId);
  const [name, setName] = useState(role?.name ?? "");
  const [key, setKey] = useState(role?.key ?? "");
  const [keyEdited, setKeyEdited] = useState(role !== null);
  const [description, setDescription] = useState(role?.description ?? "");
  const [permissions, setPermissions] = useState<string[]>([...(role?.permissions ?? [BASE_PERMISSION])]);

  const onSuccess = async ({ role: saved }: { role: { name: string } }) => {
    toast.success(role ? `Saved ${saved.name}` : `Created ${saved.name}`);
    await invalidate();
    onClose();
  };
  const create = useMutation(trpc.organizations.customRoles.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.organizations.customRoles.update.mutationOptions({ onSuccess }));
  const mutation = role ? update : create;
  const errors = fieldErrors(mutation.error);
  const formError = mutation.error && !errors.name && !errors.key && !errors.description ? mutation.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = catalogue.map((p) => p.key).filter((p) => permissions.includes(p));
    if (role)
      update.mutate({ organizationId, key: role.key, name, description: description || null, permissions: chosen });
    else create.mutate({ organizationId, key, name, description: description || null, permissions: chosen });
  };

  return (
    <Dialog open onOpenChange={(open) => !open && !mutation.isPending && onClose()}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl" data-testid="role-dialog">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>{role ? `Edit ${role.name}` : "New role"}</DialogTitle>
            <DialogDescription>
              {role
                ? "Members holding this role get the new permissions on their next request."
                : "A role of this organization, with the permissions you choose. You can only give permissions you have yourself."}
            </DialogDescription>
          </DialogHeader>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name" error={errors.name}>
              <Input
                value={name}
                maxLength={60}
                data-testid="role-name"
                onChange={(e) => {
                  setName(e.target.value);
                  if (!keyEdited) setKey(slugOf(e.target.value));
                }}
              />
            </Field>
            <Field
              label="Key"
              hint={role ? "Keys never change." : "Used by the API; lowercase, digits and hyphens."}
              error={errors.key}
            >
              <Input
                value={key}
                maxLength={40}
                disabled={role !== null}
                className="font-mono"
                data-testid="role-key"
                onChange={(e) => {
                  setKey(e.target.value);
                  setKeyEdited(true);
                }}
              />
            </Field>
          </div>
          <Field label="Description" hint="Optional." error={errors.description}>
            <Textarea
              value={description}
              maxLength={300}
              rows={2}
              data-testid="role-description"
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          <fieldset className="grid gap-4">
            <legend className="mb-2 text-sm font-medium">Permissions</legend>
            {groupByArea(catalogue).map((group) => (
              <div key={group.area} className="grid gap-2">
                <p className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{group.label}</p>
                {group.permissions.map((entry) => {
                  const base = entry.key === BASE_PERMISSION;
                  const held = myPermissions.includes(entry.key);
                  const checked = base || permissions.includes(entry.key);
                  return (
                    <label
                      key={entry.key}
                      className="flex items-start gap-3 rounded-md border border-border p-2.5 text-sm has-[:disabled]:opacity-60"
                    >
                      <input
                        type="checkbox"
                        className="mt-0.5 size-4 accent-primary"
                        checked={checked}
                        disabled={base || (!held && !checked)}
                        data-testid={`role-permission-${entry.key}`}
                        onChange={(e) =>
                          setPermissions((current) =>
                            e.target.checked ? [...current, entry.key] : current.filter((p) => p !== entry.key),
                          )
                        }
                      />
                      <span className="grid gap-0.5">
                        <span className="font-medium">{entry.label}</span>
                        <span className="text-xs text-muted-foreground">
                          {entry.description}
                          {base
                            ? " Every role has it."
                            : !held
                              ? " You don't have it, so you can't give it."
                              : null}{" "}
                          <code className="font-mono">{entry.key}</code>
                        </span>
                      </span>
                    </label>
                  );
                })}
              </div>
            ))}
          </fieldset>
          <ErrorMessage error={formError} />
          <DialogFormFooter
            onCancel={onClose}
            pending={mutation.isPending}
            submitLabel={role ? "Save" : "Create role"}
            submitTestId="role-save"
          />
        </form>
      </DialogContent>
    </Dialog>
  );
}

/**
 * Deletes a custom role. While members, pending invitations or join codes use it, the dialog asks
 * for the role they get instead (sent as `reassignTo`, moved in the same transaction).
 */
export function DeleteRoleDialog({
  organizationId,
  role,
  myPermissions,
  allowOwner,
  children,
}: {
  organizationId: string;
  role: OrganizationRole;
  myPermissions: readonly string[];
  allowOwner: boolean;
  children: ReactElement;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateRoles(organizationId);
  const used = role.usage.members + role.usage.pendingInvitations + role.usage.activeJoinCodes + role.usage.domains;
  const [reassignTo, setReassignTo] = useState("member");
  const remove = useMutation(
    trpc.organizations.customRoles.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Deleted ${role.name}`);
        await invalidate();
      },
    }),
  );
  return (
    <ConfirmActionDialog
      trigger={children}
      title={`Delete ${role.name}?`}
      description={
        used > 0 ? (
          <span className="grid gap-3">
            <span>
              {counted(role.usage.members, "member")}, {counted(role.usage.pendingInvitations, "pending invitation")},{" "}
              {counted(role.usage.activeJoinCodes, "join code")} and {counted(role.usage.domains, "verified domain")}{" "}
              use this role. They get this role instead:
            </span>
            <span data-testid="role-reassign">
              <RoleSelect
                organizationId={organizationId}
                value={reassignTo}
                onValueChange={setReassignTo}
                // Domains never make anyone an owner.
                allowOwner={allowOwner && role.usage.domains === 0}
                exclude={role.key}
                permissions={myPermissions}
                aria-label="Reassign to"
              />
            </span>
          </span>
        ) : (
          "Nobody uses this role. It is deleted for good."
        )
      }
      confirmLabel="Delete role"
      confirmTestId="role-delete-confirm"
      pending={remove.isPending}
      error={remove.error}
      onReset={() => remove.reset()}
      onConfirm={() => remove.mutateAsync({ organizationId, key: role.key, ...(used > 0 ? { reassignTo } : {}) })}
    />
  );
}
