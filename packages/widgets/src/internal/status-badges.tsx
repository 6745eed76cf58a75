import { Badge } from "../ui/badge";

const JOIN_CODE_STATUS: Record<string, { label: string; variant: "success" | "secondary" | "destructive" | "outline" }> = {
  active: { label: "Active", variant: "success" },
  exhausted: { label: "Exhausted", variant: "outline" },
  expired: { label: "Expired", variant: "secondary" },
  revoked: { label: "Revoked", variant: "destructive" },
};

/** active / expired / revoked / exhausted, as a badge people can read at a glance. */
export function JoinCodeStatusBadge({ status }: { status: string }) {
  const shown = JOIN_CODE_STATUS[status] ?? { label: status, variant: "outline" as const };
  return (
    <Badge variant={shown.variant} data-testid="join-code-status" data-status={status}>
      {shown.label}
    </Badge>
  );
}

/** "live" tokens act on real data; "test" is a label for tokens used in scripts and CI. */
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
