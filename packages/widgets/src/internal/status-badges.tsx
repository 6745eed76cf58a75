import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";

// Statuses read as a coloured dot plus plain text: the text keeps full contrast on any theme.
const DOT = {
  green: "bg-success",
  red: "bg-destructive",
  grey: "bg-muted-foreground/60",
} as const;

function StatusBadge({
  label,
  dot,
  testId,
  status,
}: {
  label: string;
  dot: keyof typeof DOT;
  testId: string;
  status: string;
}) {
  return (
    <Badge variant="outline" className="gap-1.5 font-medium" data-testid={testId} data-status={status}>
      <span aria-hidden className={cn("size-1.5 rounded-full", DOT[dot])} />
      {label}
    </Badge>
  );
}

const JOIN_CODE_STATUS: Record<string, { label: string; dot: keyof typeof DOT }> = {
  active: { label: "Active", dot: "green" },
  exhausted: { label: "Exhausted", dot: "grey" },
  expired: { label: "Expired", dot: "grey" },
  revoked: { label: "Revoked", dot: "red" },
};

/** active / expired / revoked / exhausted, as a badge people can read at a glance. */
export function JoinCodeStatusBadge({ status }: { status: string }) {
  const shown = JOIN_CODE_STATUS[status] ?? { label: status, dot: "grey" as const };
  return <StatusBadge label={shown.label} dot={shown.dot} testId="join-code-status" status={status} />;
}

/** An API token is active until revoked (or, for tokens minted with an expiry, until it expires). */
export function TokenStatusBadge({ revoked, expired = false }: { revoked: boolean; expired?: boolean }) {
  return revoked ? (
    <StatusBadge label="Revoked" dot="red" testId="token-status" status="revoked" />
  ) : expired ? (
    <StatusBadge label="Expired" dot="grey" testId="token-status" status="expired" />
  ) : (
    <StatusBadge label="Active" dot="green" testId="token-status" status="active" />
  );
}

/** "live" and "test" only label a token (its key starts with tnc_live_ or tnc_test_); both act the same. */
export function TokenEnvBadge({ env }: { env: string }) {
  return env === "live" ? (
    <Badge variant="default" data-testid="token-env">
      Live
    </Badge>
  ) : (
    <Badge variant="outline" data-testid="token-env">
      {env === "test" ? "Test" : env}
    </Badge>
  );
}

const LICENSE_STATUS: Record<string, { label: string; dot: keyof typeof DOT }> = {
  active: { label: "Active", dot: "green" },
  scheduled: { label: "Not started", dot: "grey" },
  expired: { label: "Expired", dot: "red" },
  revoked: { label: "Revoked", dot: "red" },
};

/** active / scheduled / expired / revoked: only an active license gives its limits. */
export function LicenseStatusBadge({ status }: { status: string }) {
  const shown = LICENSE_STATUS[status] ?? { label: status, dot: "grey" as const };
  return <StatusBadge label={shown.label} dot={shown.dot} testId="license-status" status={status} />;
}

const DEPLOYMENT_STATUS: Record<string, { label: string; dot: keyof typeof DOT }> = {
  active: { label: "Active", dot: "green" },
  inactive: { label: "Inactive", dot: "grey" },
  deactivated: { label: "Deactivated", dot: "red" },
};

/** active / inactive (silent, not counted) / deactivated. */
export function DeploymentStatusBadge({ status }: { status: string }) {
  const shown = DEPLOYMENT_STATUS[status] ?? { label: status, dot: "grey" as const };
  return <StatusBadge label={shown.label} dot={shown.dot} testId="deployment-status" status={status} />;
}
