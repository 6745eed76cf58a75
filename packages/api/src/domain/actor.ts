/** Who is calling: a signed-in user, or an organization API token (which acts on its own org only). */
export type Actor =
  | {
      type: "user";
      userId: string;
      email: string;
      name: string;
      /** Proven by the verification link or by accepting an invitation with its emailed token. */
      emailVerified: boolean;
    }
  | { type: "token"; tokenId: string; organizationId: string; label: string };

export type UserActor = Extract<Actor, { type: "user" }>;
export type TokenActor = Extract<Actor, { type: "token" }>;

/** Who an audit event names: a caller, or a deployment acting with its license key (activation). */
export type AuditActor = Actor | { type: "deployment"; deploymentId: string; label: string };

export function actorId(actor: AuditActor): string {
  switch (actor.type) {
    case "user":
      return actor.userId;
    case "token":
      return actor.tokenId;
    default:
      return actor.deploymentId;
  }
}

export function actorLabel(actor: AuditActor): string {
  return actor.type === "user" ? actor.email : actor.label;
}
