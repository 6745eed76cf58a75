/**
 * Who is calling: a signed-in user (by session cookie or personal access token), an organization API
 * token (acts on its own org only) or an instance API token (acts on its own instance only).
 */
export type Actor =
  | {
      type: "user";
      userId: string;
      email: string;
      name: string;
      /** Proven by the verification link or by accepting an invitation with its emailed token. */
      emailVerified: boolean;
      /** Set when the user authenticated with a personal access token rather than the session cookie. */
      userTokenId?: string;
    }
  | {
      type: "token";
      tokenId: string;
      organizationId: string;
      label: string;
      /** The token's scopes; empty = every power an org token has (tokens minted before scopes). */
      scopes: readonly string[];
    }
  | { type: "instanceToken"; tokenId: string; instanceId: string; label: string; scopes: readonly string[] };

export type UserActor = Extract<Actor, { type: "user" }>;
export type TokenActor = Extract<Actor, { type: "token" }>;
export type InstanceTokenActor = Extract<Actor, { type: "instanceToken" }>;

/** Who an audit event names: a caller, or a deployment acting with its license key (activation). */
export type AuditActor = Actor | { type: "deployment"; deploymentId: string; label: string };

/** The audit log's actor type of an actor (stored in audit_event.actorType). */
export function auditActorType(actor: AuditActor): "user" | "token" | "instance_token" | "deployment" {
  return actor.type === "instanceToken" ? "instance_token" : actor.type;
}

export function actorId(actor: AuditActor): string {
  switch (actor.type) {
    case "user":
      return actor.userId;
    case "token":
    case "instanceToken":
      return actor.tokenId;
    default:
      return actor.deploymentId;
  }
}

export function actorLabel(actor: AuditActor): string {
  return actor.type === "user" ? actor.email : actor.label;
}
