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

export function actorId(actor: Actor): string {
  return actor.type === "user" ? actor.userId : actor.tokenId;
}

export function actorLabel(actor: Actor): string {
  return actor.type === "user" ? actor.email : actor.label;
}
