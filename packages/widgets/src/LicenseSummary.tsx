"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LICENSING_PERMISSIONS } from "@tenancy/api/licensing";
import type { OrganizationLicenseDto } from "@tenancy/api/schemas/licensing";
import { KeyRound } from "lucide-react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";

import { errorMessage, fieldErrors } from "./errors";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { CalendarDate, RelativeTime } from "./internal/timestamp";
import { LicenseStatusBadge } from "./internal/status-badges";
import { useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { cn } from "./ui/cn";
import { CopyButton } from "./ui/copy-button";
import { ErrorMessage } from "./ui/error-message";
import { Label } from "./ui/label";
import { Skeleton } from "./ui/skeleton";
import { Textarea } from "./ui/textarea";

export interface LicenseSummaryProps {
  /** Id or handle of the organization. */
  organizationId: string;
}

type Usage = OrganizationLicenseDto["seats"];

/**
 * The organization's plan: its name, seats used of the limit (members and pending invitations),
 * expiry, deployments and features. Owners also see the license key, redeem a new one and remove it.
 */
export function LicenseSummary({ organizationId }: LicenseSummaryProps) {
  const trpc = useTRPC();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const license = useQuery(trpc.organizations.license.get.queryOptions({ organizationId }));

  if (license.isPending || org.isPending) return <Skeleton className="h-64 w-full" />;
  if (license.isError) return <ErrorMessage error={license.error} title="Couldn't load the plan" />;
  if (org.isError) return <ErrorMessage error={org.error} title="Couldn't load the organization" />;
  const data = license.data;
  const canManage = org.data.permissions.includes(LICENSING_PERMISSIONS.manageLicense);
  const current = data.license;

  return (
    <div className="grid gap-4" data-testid="license-summary">
      <Card>
        <CardHeader className="gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <CardTitle data-testid="license-plan-name">{data.plan.name} plan</CardTitle>
            {data.plan.builtIn ? <Badge variant="outline">Free</Badge> : null}
            {current ? <LicenseStatusBadge status={current.status} /> : null}
          </div>
          <CardDescription>{planSentence(data)}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          <SeatsBar seats={data.seats} />
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div className="grid gap-0.5">
              <dt className="text-muted-foreground">Deployments</dt>
              <dd data-testid="license-deployments">
                {data.deployments.active} active
                {data.deployments.limit === null ? " (unlimited)" : ` of ${data.deployments.limit}`}
              </dd>
            </div>
            <div className="grid gap-0.5">
              <dt className="text-muted-foreground">Expires</dt>
              <dd data-testid="license-expiry">
                {current?.expiresAt ? (
                  <>
                    <CalendarDate value={current.expiresAt} />{" "}
                    <span className="text-muted-foreground">
                      (<RelativeTime value={current.expiresAt} />)
                    </span>
                  </>
                ) : current ? (
                  "Never"
                ) : (
                  "—"
                )}
              </dd>
            </div>
            <div className="grid gap-0.5">
              <dt className="text-muted-foreground">Features</dt>
              <dd className="flex flex-wrap gap-1" data-testid="license-features">
                {data.limits.features.length > 0
                  ? data.limits.features.map((feature) => (
                      <Badge key={feature} variant="secondary" className="font-mono">
                        {feature}
                      </Badge>
                    ))
                  : "None"}
              </dd>
            </div>
            {current ? (
              <div className="grid gap-0.5 sm:col-span-3">
                <dt className="text-muted-foreground">Licensed to</dt>
                <dd data-testid="license-customer">{current.customer}</dd>
              </div>
            ) : null}
          </dl>
          {current?.key ? (
            <div className="grid min-w-0 gap-1.5">
              <div className="flex items-center justify-between gap-2">
                <p className="text-sm font-medium">License key</p>
                <CopyButton value={current.key} label="Copy key" />
              </div>
              <code
                className="max-h-20 overflow-auto break-all rounded-md bg-muted px-3 py-2 font-mono text-xs"
                aria-label="License key"
                tabIndex={0}
                data-testid="license-key"
              >
                {current.key}
              </code>
              <p className="text-xs text-muted-foreground">
                Your deployments activate with this key. Keep it private: anyone holding it can activate deployments up
                to the limit.
              </p>
            </div>
          ) : null}
        </CardContent>
        {canManage && current ? (
          <CardFooter className="justify-end">
            <RemoveLicense organizationId={organizationId} />
          </CardFooter>
        ) : null}
      </Card>
      {canManage ? (
        <RedeemLicenseKey organizationId={organizationId} replacing={current !== null} />
      ) : (
        <p className="text-sm text-muted-foreground">Only owners can change the organization&apos;s license.</p>
      )}
    </div>
  );
}

function planSentence(data: OrganizationLicenseDto): ReactNode {
  const current = data.license;
  if (!current) return "No license: the organization is on the free plan.";
  switch (current.status) {
    case "expired":
      return `The ${current.plan.name} license has expired, so the free plan's limits apply. Existing members stay; new seats and deployments follow the free limits.`;
    case "revoked":
      return `The ${current.plan.name} license was revoked, so the free plan's limits apply.`;
    case "scheduled":
      return (
        <>
          The {current.plan.name} license starts on <CalendarDate value={current.validFrom} />; until then the free
          plan&apos;s limits apply.
        </>
      );
    default:
      return `Licensed ${current.plan.name} plan.`;
  }
}

/** Seats used (members and pending invitations) of the limit, as a bar; a plain count when unlimited. */
function SeatsBar({ seats }: { seats: Usage }) {
  const used = seats.members + seats.reserved;
  const labelId = useId();
  const summary =
    seats.limit === null
      ? `${seats.members} member${seats.members === 1 ? "" : "s"}${seats.reserved ? `, ${seats.reserved} pending invitation${seats.reserved === 1 ? "" : "s"}` : ""} · unlimited seats`
      : `${used} of ${seats.limit} seats used (${seats.members} member${seats.members === 1 ? "" : "s"}${seats.reserved ? `, ${seats.reserved} pending invitation${seats.reserved === 1 ? "" : "s"}` : ""})`;
  const full = seats.limit !== null && used >= seats.limit;
  return (
    <div className="grid gap-1.5">
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span id={labelId} className="font-medium">
          Seats
        </span>
        <span
          className={cn("text-muted-foreground", full && "font-medium text-destructive")}
          data-testid="license-seats"
        >
          {summary}
        </span>
      </div>
      {seats.limit !== null ? (
        <div
          role="progressbar"
          aria-labelledby={labelId}
          aria-valuemin={0}
          aria-valuemax={seats.limit}
          aria-valuenow={Math.min(used, seats.limit)}
          aria-valuetext={summary}
          className="h-2 overflow-hidden rounded-full bg-muted"
          data-testid="license-seats-bar"
        >
          <div
            className={cn("h-full rounded-full", full ? "bg-destructive" : "bg-primary")}
            style={{ width: `${seats.limit === 0 ? 100 : Math.min(100, (used / seats.limit) * 100)}%` }}
          />
        </div>
      ) : null}
      {full ? (
        <p className="text-xs text-muted-foreground">
          Every seat is taken: new invitations, join codes and added members are refused until a seat is free.
        </p>
      ) : null}
    </div>
  );
}

function useRefreshLicense(organizationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.organizations.license.get.queryKey({ organizationId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.deployments.list.queryKey({ organizationId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.audit.pathKey() }),
    ]);
  };
}

/** An owner pastes a license key they bought: the signed key is the proof of purchase. */
function RedeemLicenseKey({ organizationId, replacing }: { organizationId: string; replacing: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshLicense(organizationId);
  const [key, setKey] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const id = useId();
  const redeem = useMutation(
    trpc.organizations.license.assign.mutationOptions({
      onSuccess: async (result) => {
        setKey("");
        await refresh();
        toast.success(`License redeemed: ${result.license?.plan.name ?? result.plan.name} plan.`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setLocalError("Paste the license key you received.");
      return;
    }
    setLocalError(null);
    redeem.mutate({ organizationId, licenseKey: trimmed });
  };
  const error =
    localError ?? (redeem.error ? (fieldErrors(redeem.error).licenseKey ?? errorMessage(redeem.error)) : null);
  return (
    <Card>
      <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <CardHeader>
          <CardTitle id={`${id}-title`} className="flex items-center gap-2">
            <KeyRound className="size-4" aria-hidden /> Redeem a license key
          </CardTitle>
          <CardDescription>
            {replacing
              ? "A new key replaces the current license."
              : "Paste the key you received to move this organization onto its plan."}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-1.5">
          <Label htmlFor={id}>License key</Label>
          <Textarea
            id={id}
            rows={3}
            value={key}
            onChange={(event) => {
              setKey(event.target.value);
              setLocalError(null);
            }}
            placeholder="tnc_lic1.…"
            spellCheck={false}
            autoComplete="off"
            className="font-mono text-xs"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            data-testid="license-key-input"
          />
          {error ? (
            <p id={`${id}-error`} role="alert" className="text-sm text-destructive" data-testid="license-key-error">
              {error}
            </p>
          ) : null}
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" loading={redeem.isPending} data-testid="license-redeem">
            Redeem key
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function RemoveLicense({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const refresh = useRefreshLicense(organizationId);
  const unassign = useMutation(
    trpc.organizations.license.unassign.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("License removed: the organization is on the free plan.");
      },
    }),
  );
  return (
    <ConfirmActionDialog
      trigger={
        <Button variant="ghostDestructive" size="sm" data-testid="license-remove">
          Remove license
        </Button>
      }
      title="Remove the license?"
      description="The organization moves to the free plan. Members stay, but new seats and deployments follow the free limits. The license can be redeemed again with its key."
      confirmLabel="Remove license"
      confirmTestId="license-remove-confirm"
      onConfirm={() => unassign.mutateAsync({ organizationId })}
      pending={unassign.isPending}
      error={unassign.error}
      onReset={() => unassign.reset()}
    />
  );
}
