"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import type { LicenseDto } from "@tenancy/api/schemas/licensing";
import { fieldErrors } from "@tenancy/widgets/errors";
import { ConfirmActionDialog } from "@tenancy/widgets/internal/confirm-action-dialog";
import { ActionsColumnHead, DataTable } from "@tenancy/widgets/internal/data-table";
import { QueryListState } from "@tenancy/widgets/internal/query-list-state";
import { LicenseStatusBadge } from "@tenancy/widgets/internal/status-badges";
import { ExpiryDate } from "@tenancy/widgets/internal/timestamp";
import { DialogFormFooter } from "@tenancy/widgets/internal/dialog-form-footer";
import { useTRPC } from "@tenancy/widgets/provider";
import { Button } from "@tenancy/widgets/ui/button";
import { CopyButton } from "@tenancy/widgets/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@tenancy/widgets/ui/dialog";
import { EmptyState } from "@tenancy/widgets/ui/empty-state";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";
import { TableCell, TableHead, TableRow } from "@tenancy/widgets/ui/table";

import { LabelledSearch, LabelledSelect } from "../labelled-controls";
import { limitText } from "./limits";

type Status = LicenseDto["status"];
type Listed = LicenseDto & { key: string };

const STATUS_FILTERS: { value: "" | Status; label: string }[] = [
  { value: "", label: "All" },
  { value: "active", label: "Active" },
  { value: "scheduled", label: "Not started" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
];

/** Every issued license: which organization holds it, its limits and expiry; copy its key, assign or revoke it. */
export function LicensesTable() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<"" | Status>("");
  const [search, setSearch] = useState("");
  const input = { limit: 100, ...(status ? { status } : {}), ...(search.trim() ? { search: search.trim() } : {}) };
  const licenses = useQuery(trpc.licenses.list.queryOptions(input));
  const list = licenses.data?.licenses ?? [];
  const headingRef = useRef<HTMLHeadingElement>(null);

  return (
    <section className="grid min-w-0 gap-3" aria-labelledby="licenses-heading" data-testid="licenses-table">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2
          id="licenses-heading"
          ref={headingRef}
          tabIndex={-1}
          className="text-lg font-semibold tracking-tight focus:outline-none"
        >
          Licenses
        </h2>
        <div className="flex flex-wrap items-end gap-2">
          <LabelledSearch id="licenses-search" label="Customer or id" value={search} onChange={setSearch} />
          <LabelledSelect
            id="licenses-status"
            label="Status"
            value={status}
            onChange={setStatus}
            options={STATUS_FILTERS}
            className="w-36"
          />
        </div>
      </div>
      <QueryListState
        query={licenses}
        isEmpty={list.length === 0}
        loadingLabel="Loading licenses"
        errorTitle="Couldn't load licenses"
        emptyState={<EmptyState title="No licenses" description="Issue one above." />}
      >
        <DataTable
          label="Licenses"
          busy={licenses.isFetching}
          columns={
            <>
              <TableHead scope="col">Customer</TableHead>
              <TableHead scope="col">Plan</TableHead>
              <TableHead scope="col">Status</TableHead>
              <TableHead scope="col">Organization</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Seats
              </TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Deployments
              </TableHead>
              <TableHead scope="col" className="hidden lg:table-cell">
                Expires
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((license) => (
            <LicenseRow key={license.id} license={license} fallbackFocus={() => headingRef.current} />
          ))}
        </DataTable>
      </QueryListState>
    </section>
  );
}

function LicenseRow({ license, fallbackFocus }: { license: Listed; fallbackFocus: () => HTMLElement | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.licenses.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.licenses.list.pathKey() });
        toast.success(`License for ${license.customer} revoked.`);
      },
    }),
  );
  const revoked = license.status === "revoked";
  return (
    <TableRow data-testid={`license-row-${license.id}`} data-customer={license.customer}>
      <TableCell>
        <div className="grid gap-0.5">
          <span className="font-medium">{license.customer}</span>
          <span className="font-mono text-xs text-muted-foreground">{license.id}</span>
        </div>
      </TableCell>
      <TableCell>{license.plan.name}</TableCell>
      <TableCell>
        <LicenseStatusBadge status={license.status} />
      </TableCell>
      <TableCell data-testid="license-organization">
        {license.organization ? (
          <span className="grid gap-0.5">
            <span>{license.organization.name}</span>
            <span className="font-mono text-xs text-muted-foreground">{license.organization.handle}</span>
          </span>
        ) : (
          <span className="text-muted-foreground">Not assigned</span>
        )}
      </TableCell>
      <TableCell className="hidden md:table-cell">{limitText(license.limits.seats)}</TableCell>
      <TableCell className="hidden md:table-cell">
        {license.activeDeployments} of {limitText(license.limits.deployments).toLowerCase()}
      </TableCell>
      <TableCell className="hidden lg:table-cell">
        <ExpiryDate value={license.expiresAt} />
      </TableCell>
      <TableCell className="text-right">
        <div className="flex justify-end gap-1">
          <CopyButton value={license.key} label="Copy key" />
          {revoked ? null : <AssignLicense license={license} />}
          {revoked ? null : (
            <ConfirmActionDialog
              trigger={
                <Button variant="ghostDestructive" size="sm" data-testid="license-revoke">
                  Revoke<span className="sr-only"> license for {license.customer}</span>
                </Button>
              }
              title={`Revoke the license for ${license.customer}?`}
              description="At once: the organization holding it falls back to the free plan, and its key is refused for new activations and redemptions. This can't be undone."
              confirmLabel="Revoke license"
              confirmTestId="license-revoke-confirm"
              onConfirm={() => revoke.mutateAsync({ id: license.id })}
              pending={revoke.isPending}
              error={revoke.error}
              onReset={() => revoke.reset()}
              fallbackFocus={fallbackFocus}
            />
          )}
        </div>
      </TableCell>
    </TableRow>
  );
}

/** Assign (or move) a license to an organization by its handle or id. */
function AssignLicense({ license }: { license: Listed }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [organization, setOrganization] = useState("");
  const assign = useMutation(
    trpc.organizations.license.assign.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.licenses.list.pathKey() });
        toast.success(`License assigned to ${organization.trim()}.`);
        setOpen(false);
        setOrganization("");
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!organization.trim()) return;
    assign.mutate({ organizationId: organization.trim(), licenseId: license.id });
  };
  const orgError = fieldErrors(assign.error).organizationId;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (assign.isPending) return;
        if (next) assign.reset();
        setOpen(next);
      }}
    >
      <Button variant="outline" size="sm" onClick={() => setOpen(true)} data-testid="license-assign">
        Assign<span className="sr-only"> license for {license.customer}</span>
      </Button>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Assign the license for {license.customer}</DialogTitle>
            <DialogDescription>
              It replaces the organization&apos;s current license. A license held by another organization must be
              released there first.
            </DialogDescription>
          </DialogHeader>
          <Field label="Organization handle or id" error={orgError}>
            <Input
              value={organization}
              onChange={(event) => setOrganization(event.target.value)}
              autoComplete="off"
              data-testid="license-assign-org"
            />
          </Field>
          {assign.error && !orgError ? <ErrorMessage error={assign.error} /> : null}
          <DialogFormFooter
            onCancel={() => setOpen(false)}
            pending={assign.isPending}
            submitLabel="Assign"
            submitTestId="license-assign-submit"
          />
        </form>
      </DialogContent>
    </Dialog>
  );
}
