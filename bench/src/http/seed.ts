// The same data for both servers, created through each one's own API (sign-ups, organizations,
// invitations, join codes, tokens); only the bulk members of the 1,000 and 100,000 member
// organizations are inserted with SQL (see bulkMembersSql).
import type { Target } from "./targets";

export interface SeedPlan {
  /** Users who accept invitations / join with codes; each is signed up (a real session). */
  invitees: number;
  /** Invitations to pre-create for accept runs (one per request). */
  acceptPairs: number;
  /** Credentials to pre-create for join runs. */
  joinPairs: number;
  /** Organizations the "list my organizations" user belongs to. */
  listerOrgs: number;
}

/** One accept or join request: who presents what. */
export interface Redeem {
  cookie: string;
  credential: string;
}

export interface Seeded {
  ownerCookie: string;
  listerCookie: string;
  orgSmall: string;
  orgLarge: string;
  /** Tenancy only: `Authorization: Bearer` value of an API token of orgSmall. */
  apiToken: string | null;
  accept: Redeem[];
  /** Tenancy: join codes; the plugin (no join codes): invitations, accepted instead. */
  join: Redeem[];
  joinIsInvitation: boolean;
}

const PASSWORD = "bench-password-1";

async function inParallel<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Organization-major order: every invitee redeems in organization 0, then in organization 1, ...,
 * so concurrent requests land in the same organization, as when a team accepts at once (and a
 * join code is shared). `count` pairs need ceil(count / invitees) organizations.
 */
async function redeemGrid(
  target: Target,
  ownerCookie: string,
  invitees: { email: string; cookie: string }[],
  count: number,
  prefix: string,
  credentialFor: (organizationId: string, invitee: { email: string; cookie: string }) => Promise<string>,
  perOrg?: (organizationId: string) => Promise<string>,
): Promise<Redeem[]> {
  const orgCount = Math.ceil(count / invitees.length);
  const orgs = await inParallel(
    Array.from({ length: orgCount }, (_, i) => i),
    4,
    (i) => target.createOrg(ownerCookie, `${prefix} ${i}`, `${prefix}-${i}`),
  );
  const cells: { org: string; invitee: { email: string; cookie: string } }[] = [];
  for (const org of orgs) for (const invitee of invitees) cells.push({ org, invitee });
  const used = cells.slice(0, count);
  if (perOrg) {
    const codes = new Map<string, string>();
    for (const org of orgs) codes.set(org, await perOrg(org));
    return used.map(({ org, invitee }) => ({ cookie: invitee.cookie, credential: codes.get(org)! }));
  }
  return inParallel(used, 8, async ({ org, invitee }) => ({
    cookie: invitee.cookie,
    credential: await credentialFor(org, invitee),
  }));
}

export async function seedThroughApi(target: Target, plan: SeedPlan, log: (line: string) => void): Promise<Seeded> {
  const started = Date.now();
  // The readers sign up, then sign in: the cookies under load come from a real sign-in. The invitees
  // keep the session their sign-up opened (auto sign-in: the same session creation, half the hashing).
  await target.signUp("owner@bench.test", "Bench Owner", PASSWORD);
  const ownerCookie = await target.signIn("owner@bench.test", PASSWORD);
  const orgSmall = await target.createOrg(ownerCookie, "Members 1k", "members-1k");
  const orgLarge = await target.createOrg(ownerCookie, "Members 100k", "members-100k");
  const apiToken = target.createApiToken ? await target.createApiToken(ownerCookie, orgSmall) : null;

  await target.signUp("lister@bench.test", "Bench Lister", PASSWORD);
  const listerCookie = await target.signIn("lister@bench.test", PASSWORD);
  for (let i = 0; i < plan.listerOrgs; i++) await target.createOrg(listerCookie, `Lister ${i}`, `lister-${i}`);

  const invitees = await inParallel(
    Array.from({ length: plan.invitees }, (_, i) => i),
    4,
    async (i) => {
      const email = `invitee${i}@bench.test`;
      return { email, cookie: await target.signUp(email, `Invitee ${i}`, PASSWORD) };
    },
  );
  log(`${target.name}: ${plan.invitees + 2} users signed up, ${plan.listerOrgs + 2} organizations`);

  const invite = (org: string, invitee: { email: string }) => target.invite(ownerCookie, org, invitee.email);
  const accept = await redeemGrid(target, ownerCookie, invitees, plan.acceptPairs, "accept", invite);
  log(`${target.name}: ${accept.length} invitations for accept runs`);
  let join: Redeem[];
  let joinIsInvitation = false;
  if (target.createJoinCode) {
    const createCode = target.createJoinCode.bind(target);
    join = await redeemGrid(target, ownerCookie, invitees, plan.joinPairs, "join", invite, (org) =>
      createCode(ownerCookie, org),
    );
  } else {
    join = await redeemGrid(target, ownerCookie, invitees, plan.joinPairs, "join", invite);
    joinIsInvitation = true;
  }
  log(`${target.name}: ${join.length} ${joinIsInvitation ? "invitations" : "join-code uses"} for join runs`);
  log(`${target.name}: seeded through the API in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { ownerCookie, listerCookie, orgSmall, orgLarge, apiToken, accept, join, joinIsInvitation };
}

/**
 * SQL that adds `count` members (fresh users, role member) to an organization. Tenancy's tables
 * (`user`, `membership`) and the plugin's (`user`, `member`) differ only in the membership table.
 */
export function bulkMembersSql(kind: "tenancy" | "plugin", organizationId: string, count: number, prefix: string) {
  const org = organizationId.replaceAll("'", "''");
  const users = `INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
    SELECT '${prefix}-' || g, 'Member ${prefix} ' || g, '${prefix}-' || g || '@bench.test', true, now(), now()
    FROM generate_series(1, ${count}) AS g`;
  const members =
    kind === "tenancy"
      ? `INSERT INTO membership (id, "organizationId", "userId", role, "createdAt", "updatedAt")
         SELECT gen_random_uuid()::text, '${org}', '${prefix}-' || g, 'member', now(), now() FROM generate_series(1, ${count}) AS g`
      : `INSERT INTO member (id, "organizationId", "userId", role, "createdAt")
         SELECT md5(random()::text || g), '${org}', '${prefix}-' || g, 'member', now() FROM generate_series(1, ${count}) AS g`;
  return [users, members];
}
