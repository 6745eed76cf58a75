import type { DatabaseHandle } from "@tenancy/db/connect";

import { callerFor, createUser, testConfig, type TestUser } from "./harness";

/** A platform operator: a verified user whose email is in the test config's operator list. */
export async function createOperator(db: DatabaseHandle): Promise<TestUser> {
  const email = testConfig.licensing.operatorEmails[0]!;
  const existing = await db.prisma.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (existing) return { type: "user", userId: existing.id, email, name: existing.name, emailVerified: true };
  return createUser(db, { email, name: "Platform Operator" });
}

let planCounter = 0;

/** A plan in the catalogue (created by the operator). */
export async function createPlan(
  db: DatabaseHandle,
  operator: TestUser,
  overrides: { key?: string; seats?: number | null; deployments?: number | null; features?: string[] } = {},
) {
  planCounter += 1;
  const { plan } = await callerFor(db, operator).plans.create({
    key: overrides.key ?? `plan-${planCounter}`,
    name: `Plan ${planCounter}`,
    seats: overrides.seats === undefined ? 10 : overrides.seats,
    deployments: overrides.deployments === undefined ? 3 : overrides.deployments,
    features: overrides.features ?? ["sso"],
  });
  return plan;
}

/** Issues a license for a fresh plan with these limits; returns the license and its key. */
export async function issueLicense(
  db: DatabaseHandle,
  operator: TestUser,
  limits: { seats?: number | null; deployments?: number | null; expiresAt?: Date | null; validFrom?: Date } = {},
) {
  const plan = await createPlan(db, operator, { seats: limits.seats, deployments: limits.deployments });
  return callerFor(db, operator).licenses.create({
    planKey: plan.key,
    customer: "Acme Corp",
    expiresAt: limits.expiresAt,
    validFrom: limits.validFrom,
  });
}

/** An organization (its owner created it) holding a license with these limits, assigned by the operator. */
export async function orgWithLicense(
  db: DatabaseHandle,
  limits: { seats?: number | null; deployments?: number | null } = {},
  name = "Licensed",
) {
  const operator = await createOperator(db);
  const owner = await createUser(db, { name: `${name} Owner` });
  const { organization } = await callerFor(db, owner).organizations.create({ name });
  const { license, key } = await issueLicense(db, operator, limits);
  await callerFor(db, operator).organizations.license.assign({
    organizationId: organization.id,
    licenseId: license.id,
  });
  return { operator, owner, organization, license, key };
}

/** Moves a license's validity window into the past (as if time had passed), straight in the database. */
export async function expireLicense(db: DatabaseHandle, licenseId: string): Promise<void> {
  await db.prisma.license.update({
    where: { id: licenseId },
    data: { validFrom: new Date(Date.now() - 20 * 86_400_000), expiresAt: new Date(Date.now() - 86_400_000) },
    select: { id: true },
  });
}
