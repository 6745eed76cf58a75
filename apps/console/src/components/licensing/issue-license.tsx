"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { fieldErrors } from "@tenancy/widgets/errors";
import { useTRPC } from "@tenancy/widgets/provider";
import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";
import { CopyButton } from "@tenancy/widgets/ui/copy-button";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";

import { NativeSelect } from "../native-select";
import { limitText, parseFeatures, parseLimit } from "./limits";

const today = () => new Date().toISOString().slice(0, 10);

/** Operators issue a license for a plan, optionally overriding its limits; the signed key is shown to copy. */
export function IssueLicense() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const offered = (plans.data?.plans ?? []).filter((plan) => !plan.builtIn && !plan.archived);
  const [planKey, setPlanKey] = useState("");
  const [customer, setCustomer] = useState("");
  const [seats, setSeats] = useState("");
  const [deployments, setDeployments] = useState("");
  const [features, setFeatures] = useState("");
  const [validFrom, setValidFrom] = useState(today);
  const [expiresOn, setExpiresOn] = useState("");
  const [issued, setIssued] = useState<{ key: string; customer: string; plan: string } | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const keyId = useId();

  const selected = offered.find((plan) => plan.key === planKey) ?? offered[0];
  const create = useMutation(
    trpc.licenses.create.mutationOptions({
      onSuccess: async (result) => {
        setIssued({ key: result.key, customer: result.license.customer, plan: result.license.plan.name });
        setCustomer("");
        setSeats("");
        setDeployments("");
        setFeatures("");
        setExpiresOn("");
        await queryClient.invalidateQueries({ queryKey: trpc.licenses.list.pathKey() });
        toast.success(`License issued to ${result.license.customer}.`);
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const seatLimit = parseLimit(seats);
    const deploymentLimit = parseLimit(deployments);
    if (!selected) errors.planKey = "Create a plan first.";
    if (!customer.trim()) errors.customer = "Say who the license is for.";
    if (Number.isNaN(seatLimit)) errors.seats = "A whole number, or “unlimited”.";
    if (Number.isNaN(deploymentLimit)) errors.deployments = "A whole number, or “unlimited”.";
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0 || !selected) return;
    setIssued(null);
    create.mutate({
      planKey: selected.key,
      customer: customer.trim(),
      ...(seatLimit !== undefined ? { seats: seatLimit } : {}),
      ...(deploymentLimit !== undefined ? { deployments: deploymentLimit } : {}),
      ...(features.trim() ? { features: parseFeatures(features) } : {}),
      validFrom: new Date(`${validFrom || today()}T00:00:00.000Z`),
      expiresAt: expiresOn ? new Date(`${expiresOn}T00:00:00.000Z`) : null,
    });
  };

  const serverErrors = fieldErrors(create.error);
  const errorOf = (field: string) => localErrors[field] ?? serverErrors[field];
  const shownError = create.error && Object.keys(serverErrors).length === 0 ? create.error : null;

  return (
    <Card data-testid="issue-license">
      <form onSubmit={submit} noValidate aria-labelledby="issue-license-title">
        <CardHeader>
          <CardTitle id="issue-license-title">Issue a license</CardTitle>
          <CardDescription>
            Its limits are the plan&apos;s unless you override them; they are signed into the key. Dates are UTC.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Plan"
              error={errorOf("planKey")}
              hint={offered.length === 0 ? "No plans yet: create one below." : undefined}
            >
              <NativeSelect
                value={selected?.key ?? ""}
                onChange={(event) => setPlanKey(event.target.value)}
                disabled={offered.length === 0}
                data-testid="issue-plan"
              >
                {offered.map((plan) => (
                  <option key={plan.key} value={plan.key}>
                    {plan.name} ({plan.key})
                  </option>
                ))}
              </NativeSelect>
            </Field>
            <Field
              label="Customer"
              error={errorOf("customer")}
              hint="Who it is for; shown to the organization and in the key."
            >
              <Input
                value={customer}
                onChange={(event) => setCustomer(event.target.value)}
                maxLength={200}
                placeholder="Acme Corp"
                data-testid="issue-customer"
              />
            </Field>
            <PlanOverrideField
              label="Seats"
              error={errorOf("seats")}
              planValue={selected && limitText(selected.limits.seats)}
              rule="A number, or “unlimited”."
              value={seats}
              onChange={setSeats}
              numeric
              testId="issue-seats"
            />
            <PlanOverrideField
              label="Deployments"
              error={errorOf("deployments")}
              planValue={selected && limitText(selected.limits.deployments)}
              rule="A number, or “unlimited”."
              value={deployments}
              onChange={setDeployments}
              numeric
              testId="issue-deployments"
            />
            <PlanOverrideField
              label="Features"
              error={errorOf("features")}
              planValue={selected && (selected.limits.features.join(", ") || "none")}
              rule="Comma-separated; replaces them."
              value={features}
              onChange={setFeatures}
              testId="issue-features"
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Starts" error={errorOf("validFrom")}>
                <Input
                  type="date"
                  value={validFrom}
                  onChange={(event) => setValidFrom(event.target.value)}
                  data-testid="issue-valid-from"
                />
              </Field>
              <Field label="Expires" error={errorOf("expiresAt")} hint="Empty: never.">
                <Input
                  type="date"
                  value={expiresOn}
                  onChange={(event) => setExpiresOn(event.target.value)}
                  data-testid="issue-expires"
                />
              </Field>
            </div>
          </div>
          {shownError ? <ErrorMessage error={shownError} title="The license wasn't issued" /> : null}
          {issued ? (
            <div
              className="grid min-w-0 gap-2 rounded-md border border-success/40 bg-success/10 p-3"
              data-testid="issued-license"
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p id={keyId} className="text-sm font-medium">
                  License key for {issued.customer} ({issued.plan})
                </p>
                <CopyButton value={issued.key} label="Copy key" />
              </div>
              <code
                aria-labelledby={keyId}
                tabIndex={0}
                className="max-h-24 overflow-auto break-all rounded bg-background px-2 py-1.5 font-mono text-xs"
                data-testid="issued-license-key"
              >
                {issued.key}
              </code>
              <p className="text-xs text-muted-foreground">
                Send it to the customer: an owner redeems it on their organization&apos;s Plan page, and their
                deployments activate with it. You can copy it again from the list below.
              </p>
            </div>
          ) : null}
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" loading={create.isPending} disabled={offered.length === 0} data-testid="issue-submit">
            Issue license
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

/** A limit the license may set instead of its plan's: left empty, the plan's value (in the hint) holds. */
function PlanOverrideField({
  label,
  error,
  planValue,
  rule,
  value,
  onChange,
  numeric = false,
  testId,
}: {
  label: string;
  error: string | undefined;
  /** The selected plan's value as text; undefined while no plan is selected. */
  planValue: string | undefined;
  /** What may be typed. */
  rule: string;
  value: string;
  onChange: (value: string) => void;
  numeric?: boolean;
  testId: string;
}) {
  return (
    <Field
      label={label}
      error={error}
      hint={planValue === undefined ? undefined : `Empty: the plan's (${planValue}). ${rule}`}
    >
      <Input
        value={value}
        onChange={(event) => onChange(event.target.value)}
        inputMode={numeric ? "numeric" : undefined}
        data-testid={testId}
      />
    </Field>
  );
}
