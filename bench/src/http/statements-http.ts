/**
 * `pnpm --filter @tenancy/bench bench:statements:http`: the statements PostgreSQL itself executes per
 * HTTP request of the built server (pg_stat_statements), as a cross-check of `bench:statements`
 * (which counts in-process at the Prisma adapter): anything Next.js, Better Auth's cookie handling or
 * a future front adds per request shows up here. Sequential requests, averaged; the outbox worker's
 * polling is pushed out of the window.
 *
 * Flags: --requests=20 (per operation), --sql (print each statement with its calls per request, its
 * mean execution time and its mean planning time inside PostgreSQL, ms).
 */
import pg from "pg";

import { startPostgresServer } from "@tenancy/testing/postgres-server";

import { bulkMembersSql } from "./seed";
import { ensureConsoleBuilt, startTenancy } from "./servers";
import { probe, tenancyTarget, type BenchRequest } from "./targets";

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key!, value ?? "true"] as const;
  }),
);
const requests = Number(args.get("requests") ?? 20);
const printSql = args.get("sql") === "true";
const PASSWORD = "bench-password-1";
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SET TRANSACTION)\b/i;

ensureConsoleBuilt();
const postgres = await startPostgresServer({
  // `top`: statements the client sent, not the foreign-key checks they trigger inside the server.
  settings: {
    shared_preload_libraries: "pg_stat_statements",
    "pg_stat_statements.track": "top",
    "pg_stat_statements.track_planning": "on",
  },
});
const admin = new pg.Client({ connectionString: postgres.url });
await admin.connect();
const dbUrl = new URL(postgres.url);
dbUrl.pathname = "/tenancy";
let server: Awaited<ReturnType<typeof startTenancy>> | undefined;
try {
  await admin.query("CREATE DATABASE tenancy");
  await admin.query("CREATE EXTENSION pg_stat_statements");
  const dbid = (await admin.query<{ oid: number }>("SELECT oid FROM pg_database WHERE datname = 'tenancy'")).rows[0]!
    .oid;
  server = await startTenancy({ databaseUrl: dbUrl.toString(), env: { TENANCY_OUTBOX_POLL_MS: "3600000" } });
  const t = tenancyTarget(server.baseUrl);

  await t.signUp("owner@bench.test", "Owner", PASSWORD);
  const owner = await t.signIn("owner@bench.test", PASSWORD);
  const org = await t.createOrg(owner, "Statements", "statements");
  for (let i = 0; i < 19; i++) await t.createOrg(owner, `Other ${i}`, `other-${i}`);
  const tenancyDb = new pg.Client({ connectionString: dbUrl.toString() });
  await tenancyDb.connect();
  for (const sql of bulkMembersSql("tenancy", org, 999, "s")) await tenancyDb.query(sql);
  await tenancyDb.query("ANALYZE");
  await tenancyDb.end();
  const bearer = await t.createApiToken!(owner, org);
  const code = await t.createJoinCode!(owner, org);
  const count = requests + 1;
  const invitees = await Promise.all(
    Array.from({ length: count * 2 }, (_, i) => t.signUp(`invitee${i}@bench.test`, `Invitee ${i}`, PASSWORD)),
  );
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await t.invite(owner, org, `invitee${i}@bench.test`));

  const operations: { name: string; budget?: string; request: (i: number) => BenchRequest }[] = [
    { name: "organizations.get (cookie)", budget: "≤ 2", request: () => t.getOrg(owner, org) },
    { name: "organizations.get (API token)", budget: "≤ 2", request: () => t.getOrgWithToken!(bearer, org) },
    { name: "organizations.list (20 orgs)", request: () => t.listMyOrgs(owner) },
    { name: "members.list (50 of 1,000)", request: () => t.listMembers(owner, org, 50) },
    {
      name: "invitations.accept (token)",
      budget: "≤ 6, 1 commit",
      request: (i) => t.accept(invitees[i]!, tokens[i]!),
    },
    { name: "joinCodes.join", budget: "≤ 6, 1 commit", request: (i) => t.join!(invitees[count + i]!, code) },
  ];

  const rows: string[] = [];
  for (const op of operations) {
    const warm = await probe(t, op.request(0));
    if (warm.status !== 200) throw new Error(`${op.name}: HTTP ${warm.status} ${JSON.stringify(warm.body)}`);
    await admin.query("SELECT pg_stat_statements_reset()");
    for (let i = 1; i <= requests; i++) {
      const answer = await probe(t, op.request(i));
      if (answer.status !== 200) throw new Error(`${op.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const stats = await admin.query<{ query: string; calls: string; mean: number; plan: number }>(
      `SELECT query, calls, mean_exec_time AS mean, mean_plan_time AS plan FROM pg_stat_statements
        WHERE dbid = $1 ORDER BY calls DESC, query`,
      [dbid],
    );
    const per = (n: number) => n / requests;
    let statements = 0;
    let begins = 0;
    let commits = 0;
    for (const { query, calls } of stats.rows) {
      const kind = CONTROL.exec(query)?.[1]?.toUpperCase();
      if (!kind) statements += Number(calls);
      else if (kind === "BEGIN" || kind === "START TRANSACTION") begins += Number(calls);
      else if (kind === "COMMIT") commits += Number(calls);
    }
    rows.push(
      `${op.name.padEnd(34)}${per(statements).toFixed(2).padStart(11)}${per(begins).toFixed(2).padStart(9)}${per(commits).toFixed(2).padStart(9)}   ${op.budget ?? ""}`,
    );
    if (printSql) {
      rows.push(
        ...stats.rows.map(
          ({ query, calls, mean, plan }) =>
            `    ${per(Number(calls)).toFixed(2)}× ${mean.toFixed(3).padStart(7)} ms ${plan.toFixed(3).padStart(7)} ms  ${query.replace(/\s+/g, " ").slice(0, 140)}`,
        ),
      );
    }
  }
  console.log(
    `\nStatements PostgreSQL executed per HTTP request (pg_stat_statements, ${requests} sequential requests each)`,
  );
  console.log(
    `${"operation".padEnd(34)}${"statements".padStart(11)}${"BEGIN".padStart(9)}${"COMMIT".padStart(9)}   budget`,
  );
  console.log(rows.join("\n"));
} finally {
  await server?.stop();
  await admin.end();
  await postgres.stop();
}
