import type { DatabaseHandle } from "@tenancy/db/connect";

import type { Actor } from "../src/domain/actor";
import type { InstanceRole } from "../src/domain/instances";
import { defaultInstanceId } from "../src/services/instanceAccess";
import { callerFor, callerForBearer, createUser, type TestUser } from "./harness";

/** Makes `user` a member of `instanceId` with `role` (what instanceMembers.add or the bootstrap writes). */
export async function addInstanceMember(db: DatabaseHandle, instanceId: string, user: TestUser, role: InstanceRole) {
  await db.prisma.instanceMember.create({ data: { instanceId, userId: user.userId, role }, select: { id: true } });
}

/** An instance token minted by `owner` through the API, and a caller presenting it as a bearer. */
export async function instanceTokenCaller(
  db: DatabaseHandle,
  owner: TestUser,
  instanceId: string,
  scopes: string[],
  extra: { expiresAt?: Date } = {},
) {
  const { instanceToken } = await callerFor(db, owner).instanceTokens.create({ instanceId, scopes, ...extra });
  return { token: instanceToken, caller: await callerForBearer(db, instanceToken.bearer) };
}

/**
 * The default instance with an owner, an admin and a viewer; an organization in it (whose owner is
 * an org-only user); an outsider; an org API token of that organization.
 */
export async function createInstanceWithRoles(db: DatabaseHandle) {
  const instanceId = await defaultInstanceId(db.prisma);
  const owner = await createUser(db, { name: "Instance Owner" });
  const admin = await createUser(db, { name: "Instance Admin" });
  const viewer = await createUser(db, { name: "Instance Viewer" });
  const orgOnly = await createUser(db, { name: "Org Owner" });
  const outsider = await createUser(db, { name: "Outsider" });
  await addInstanceMember(db, instanceId, owner, "owner");
  await addInstanceMember(db, instanceId, admin, "admin");
  await addInstanceMember(db, instanceId, viewer, "viewer");
  const { organization } = await callerFor(db, orgOnly).organizations.create({ name: "Acme" });
  const { apiToken } = await callerFor(db, orgOnly).organizations.tokens.create({
    organizationId: organization.id,
    name: "org",
  });
  return { instanceId, owner, admin, viewer, orgOnly, outsider, organization, orgBearer: apiToken.bearer };
}

export type Caller = ReturnType<typeof callerFor>;

export const asUser = (db: DatabaseHandle, actor: Actor) => callerFor(db, actor);
