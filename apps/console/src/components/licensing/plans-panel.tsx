"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import type { PlanDto } from "@tenancy/api/schemas/licensing";
import { fieldErrors } from "@tenancy/widgets/errors";
import { ActionsColumnHead, DataTable } from "@tenancy/widgets/internal/data-table";
import { DialogFormFooter } from "@tenancy/widgets/internal/dialog-form-footer";
import { QueryListState } from "@tenancy/widgets/internal/query-list-state";
import { useTRPC } from "@tenancy/widgets/provider";
import { Badge } from "@tenancy/widgets/ui/badge";
import { Button } from "@tenancy/widgets/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@tenancy/widgets/ui/dialog";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";
import { TableCell, TableHead, TableRow } from "@tenancy/widgets/ui/table";

import { limitText, parseFeatures, parseLimit } from "./limits";

/** The plan catalogue: the built-in free plan (configuration) and the operators' plans, editable and archivable. */
export function PlansPanel() {
  const trpc = useTRPC();
  const plans = useQuery(trpc.plans.list.queryOptions({ includeArchived: true }));
  const list = plans.data?.plans ?? [];
  const [editing, setEditing] = useState<PlanDto | "new" | null>(null);

  return (
    <section className="grid min-w-0 gap-3" aria-labelledby="plans-heading" data-testid="plans-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="grid gap-1">
          <h2 id="plans-heading" className="text-lg font-semibold tracking-tight">
            Plans
          </h2>
          <p className="text-sm text-muted-foreground">
            Changes apply to licenses issued afterwards: an issued license keeps what is signed into its key.
          </p>
        </div>
        <Button onClick={() => setEditing("new")} data-testid="plan-new">
          New plan
        </Button>
      </div>
      <QueryListState
        query={plans}
        isEmpty={list.length === 0}
        loadingLabel="Loading plans"
        errorTitle="Couldn't load plans"
        emptyState={null}
      >
        <DataTable
          label="Plans"
          columns={
            <>
              <TableHead scope="col">Plan</TableHead>
              <TableHead scope="col">Seats</TableHead>
              <TableHead scope="col">Deployments</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">
                Features
              </TableHead>
              <ActionsColumnHead />
            </>
          }
        >
          {list.map((plan) => (
            <TableRow key={plan.key} data-testid={`plan-row-${plan.key}`}>
              <TableCell>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{plan.name}</span>
                  <code className="font-mono text-xs text-muted-foreground">{plan.key}</code>
                  {plan.builtIn ? <Badge variant="outline">Built in</Badge> : null}
                  {plan.archived ? <Badge variant="outline">Archived</Badge> : null}
                </div>
              </TableCell>
              <TableCell>{limitText(plan.limits.seats)}</TableCell>
              <TableCell>{limitText(plan.limits.deployments)}</TableCell>
              <TableCell className="hidden md:table-cell">
                {plan.limits.features.join(", ") || <span className="text-muted-foreground">None</span>}
              </TableCell>
              <TableCell className="text-right">
                {plan.builtIn ? (
                  <span className="text-xs text-muted-foreground">TENANCY_FREE_*</span>
                ) : (
                  <Button variant="outline" size="sm" onClick={() => setEditing(plan)}>
                    Edit<span className="sr-only"> plan {plan.name}</span>
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      </QueryListState>
      <PlanDialog plan={editing} onClose={() => setEditing(null)} />
    </section>
  );
}

function PlanDialog({ plan, onClose }: { plan: PlanDto | "new" | null; onClose: () => void }) {
  return (
    <Dialog open={plan !== null} onOpenChange={(next) => (next ? null : onClose())}>
      <DialogContent>
        {plan !== null ? <PlanForm key={plan === "new" ? "new" : plan.key} plan={plan} onDone={onClose} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function PlanForm({ plan, onDone }: { plan: PlanDto | "new"; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = plan === "new" ? null : plan;
  const [key, setKey] = useState(existing?.key ?? "");
  const [name, setName] = useState(existing?.name ?? "");
  const [seats, setSeats] = useState(existing ? limitText(existing.limits.seats).toLowerCase() : "");
  const [deployments, setDeployments] = useState(existing ? limitText(existing.limits.deployments).toLowerCase() : "");
  const [features, setFeatures] = useState(existing?.limits.features.join(", ") ?? "");
  const [archived, setArchived] = useState(existing?.archived ?? false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.plans.list.pathKey() });
  const create = useMutation(trpc.plans.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.plans.update.mutationOptions({ onSuccess: refresh }));
  const mutation = existing ? update : create;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const seatLimit = parseLimit(seats);
    const deploymentLimit = parseLimit(deployments);
    const errors: Record<string, string> = {};
    if (seatLimit === undefined || Number.isNaN(seatLimit)) errors.seats = "A whole number, or “unlimited”.";
    if (deploymentLimit === undefined || Number.isNaN(deploymentLimit))
      errors.deployments = "A whole number, or “unlimited”.";
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const limits = {
      seats: seatLimit as number | null,
      deployments: deploymentLimit as number | null,
      features: parseFeatures(features),
    };
    try {
      if (existing) await update.mutateAsync({ key: existing.key, name, ...limits, archived });
      else await create.mutateAsync({ key, name, ...limits });
      toast.success(existing ? `Plan “${name}” saved.` : `Plan “${name}” created.`);
      onDone();
    } catch {
      // Shown below from the mutation's error.
    }
  };
  const serverErrors = fieldErrors(mutation.error);
  const errorOf = (field: string) => localErrors[field] ?? serverErrors[field];

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" data-testid="plan-form">
      <DialogHeader>
        <DialogTitle>{existing ? `Edit ${existing.name}` : "New plan"}</DialogTitle>
        <DialogDescription>Seats and deployments: a whole number, or “unlimited”.</DialogDescription>
      </DialogHeader>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Key"
          error={errorOf("key")}
          hint={existing ? "Can't be changed." : "e.g. team: lowercase letters, digits, hyphens."}
        >
          <Input
            value={key}
            onChange={(event) => setKey(event.target.value)}
            disabled={existing !== null}
            data-testid="plan-key"
          />
        </Field>
        <Field label="Name" error={errorOf("name")}>
          <Input value={name} onChange={(event) => setName(event.target.value)} data-testid="plan-name" />
        </Field>
        <Field label="Seats" error={errorOf("seats")}>
          <Input value={seats} onChange={(event) => setSeats(event.target.value)} data-testid="plan-seats" />
        </Field>
        <Field label="Deployments" error={errorOf("deployments")}>
          <Input
            value={deployments}
            onChange={(event) => setDeployments(event.target.value)}
            data-testid="plan-deployments"
          />
        </Field>
      </div>
      <Field label="Features" error={errorOf("features")} hint="Comma-separated flags, e.g. sso, audit-export.">
        <Input value={features} onChange={(event) => setFeatures(event.target.value)} data-testid="plan-features" />
      </Field>
      {existing ? (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={archived}
            onChange={(event) => setArchived(event.target.checked)}
            className="size-4 accent-primary"
          />
          Archived (not offered for new licenses)
        </label>
      ) : null}
      {mutation.error && Object.keys(serverErrors).length === 0 ? <ErrorMessage error={mutation.error} /> : null}
      <DialogFormFooter
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel={existing ? "Save plan" : "Create plan"}
        submitTestId="plan-submit"
      />
    </form>
  );
}
