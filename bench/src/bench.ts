/**
 * `pnpm bench`: latency of the hot procedures through the real router (createCaller), on embedded
 * PGlite and on a PostgreSQL server started for the run. Targets live here, not in tests.
 * Flags: --db=pglite|postgres|both (default both), --iterations=N, --strict (exit 1 when a target is missed).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";

import { openDatabase, type DatabaseHandle } from "@tenancy/db/connect";
import { licensingConfigFromEnv, type ApiConfig } from "@tenancy/api/config";
import { ephemeralLicenseSigningKeys } from "@tenancy/api/license-signing-keys";
import type { ApiContext } from "@tenancy/api/context";
import { createCaller } from "@tenancy/api/router";
import { startPostgresServer } from "@tenancy/testing/postgres-server";

type Target = { p95Ms: number };
// p95 targets per operation and database on an otherwise idle 2-core machine.
// PGlite is single-connection WASM in-process, so its targets are looser.
const TARGETS: Record<string, { pglite: Target; postgres: Target }> = {
  "organizations.get": { pglite: { p95Ms: 10 }, postgres: { p95Ms: 5 } },
  // A member holding a custom role: its permissions come with the membership (a join), same target.
  "organizations.get (custom role)": { pglite: { p95Ms: 10 }, postgres: { p95Ms: 5 } },
  "organizations.list": { pglite: { p95Ms: 10 }, postgres: { p95Ms: 5 } },
  "members.list (1000 members, page 50)": { pglite: { p95Ms: 15 }, postgres: { p95Ms: 10 } },
  "members.list search": { pglite: { p95Ms: 20 }, postgres: { p95Ms: 10 } },
  "invitations.create": { pglite: { p95Ms: 25 }, postgres: { p95Ms: 15 } },
  "joinCodes.join": { pglite: { p95Ms: 20 }, postgres: { p95Ms: 15 } },
  "api token auth + get": { pglite: { p95Ms: 10 }, postgres: { p95Ms: 5 } },
  "audit.list": { pglite: { p95Ms: 10 }, postgres: { p95Ms: 5 } },
};

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key, value ?? "true"] as const;
  }),
);
const iterations = Number(args.get("iterations") ?? 200);
const which = args.get("db") ?? "both";
const strict = args.get("strict") === "true";

const config: ApiConfig = {
  publicUrl: "http://bench.local",
  trustedOrigins: ["http://bench.local"],
  maxBodyBytes: 1_048_576,
  secrets: { current: "bench-secret-bench-secret-bench-secret-0001", previous: [] },
  rateLimits: {
    redeemPerUser: { limit: 1_000_000, windowSeconds: 60 },
    redeemPerIp: { limit: 1_000_000, windowSeconds: 60 },
    previewPerIp: { limit: 1_000_000, windowSeconds: 60 },
    activatePerIp: { limit: 1_000_000, windowSeconds: 60 },
    heartbeatPerIp: { limit: 1_000_000, windowSeconds: 60 },
  },
  // The defaults (unlimited free seats): joins and invitations still run the seat check's statement.
  licensing: licensingConfigFromEnv(ephemeralLicenseSigningKeys(), {}),
  instances: { adminEmails: [] },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(count: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(20, count); i++) await fn(-1 - i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    opsPerSec: 1000 / (times.reduce((a, b) => a + b, 0) / times.length),
  };
}

async function seedUsers(db: DatabaseHandle, count: number, prefix: string) {
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `${prefix} ${i}`,
    email: `${prefix}${i}@bench.local`,
  }));
  for (let i = 0; i < users.length; i += 500) await db.prisma.user.createMany({ data: users.slice(i, i + 500) });
  return users;
}

function ctx(db: DatabaseHandle, actor: ApiContext["actor"]): ApiContext {
  return { db: db.prisma, actor, authError: null, ip: null, config };
}

async function benchDatabase(kind: "pglite" | "postgres", db: DatabaseHandle) {
  await db.migrate();
  const [owner] = await seedUsers(db, 1, "owner");
  const ownerActor = {
    type: "user" as const,
    userId: owner!.id,
    email: owner!.email,
    name: owner!.name,
    emailVerified: true,
  };
  const asOwner = createCaller(ctx(db, ownerActor));
  const { organization } = await asOwner.organizations.create({ name: `Bench ${kind}` });
  const members = await seedUsers(db, 999, "member");
  await db.prisma.membership.createMany({
    data: members.map((u) => ({ organizationId: organization.id, userId: u.id, role: "member" })),
  });
  const joiners = await seedUsers(db, iterations + 20, "joiner");
  const { code } = await asOwner.organizations.joinCodes.create({ organizationId: organization.id });
  const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "bench" });
  const { createRequestContext } = await import("@tenancy/api/context");
  await asOwner.organizations.customRoles.create({
    organizationId: organization.id,
    key: "support",
    name: "Support",
    permissions: ["members:view", "audit:view"],
  });
  const supporter = members[0]!;
  await asOwner.organizations.members.setRole({
    organizationId: organization.id,
    userId: supporter.id,
    role: "support",
  });
  const asSupporter = createCaller(
    ctx(db, { type: "user", userId: supporter.id, email: supporter.email, name: supporter.name, emailVerified: true }),
  );

  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  results["organizations.get"] = await measure(iterations, () =>
    asOwner.organizations.get({ organizationId: organization.handle }),
  );
  results["organizations.get (custom role)"] = await measure(iterations, () =>
    asSupporter.organizations.get({ organizationId: organization.handle }),
  );
  results["organizations.list"] = await measure(iterations, () => asOwner.organizations.list());
  results["members.list (1000 members, page 50)"] = await measure(iterations, () =>
    asOwner.organizations.members.list({ organizationId: organization.id, limit: 50 }),
  );
  results["members.list search"] = await measure(iterations, (i) =>
    asOwner.organizations.members.list({ organizationId: organization.id, search: `member ${Math.abs(i) % 999}` }),
  );
  results["invitations.create"] = await measure(iterations, (i) =>
    asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: `invitee${i + 100}@bench.local`,
    }),
  );
  results["joinCodes.join"] = await measure(iterations, (i) => {
    const user = joiners[i + 20]!;
    return createCaller(
      ctx(db, { type: "user", userId: user.id, email: user.email, name: user.name, emailVerified: true }),
    ).organizations.joinCodes.join({ code });
  });
  const headers = new Headers({ authorization: `Bearer ${apiToken.bearer}` });
  results["api token auth + get"] = await measure(iterations, async () => {
    const requestCtx = await createRequestContext({ db: db.prisma, headers, config });
    return createCaller(requestCtx).organizations.get({ organizationId: organization.id });
  });
  results["audit.list"] = await measure(iterations, () =>
    asOwner.organizations.audit.list({ organizationId: organization.id }),
  );
  return results;
}

const report: {
  db: string;
  operation: string;
  p50: number;
  p95: number;
  p99: number;
  opsPerSec: number;
  targetP95: number;
  ok: boolean;
}[] = [];

async function run(kind: "pglite" | "postgres") {
  let stopServer: (() => Promise<void>) | undefined;
  let db: DatabaseHandle;
  if (kind === "postgres") {
    const server = await startPostgresServer();
    stopServer = server.stop;
    db = await openDatabase({ kind: "postgres", url: server.url });
  } else {
    db = await openDatabase({ kind: "pglite" });
  }
  try {
    const results = await benchDatabase(kind, db);
    for (const [operation, r] of Object.entries(results)) {
      const target = TARGETS[operation]![kind].p95Ms;
      report.push({ db: kind, operation, ...r, targetP95: target, ok: r.p95 <= target });
    }
  } finally {
    await db.close();
    await stopServer?.();
  }
}

if (which === "pglite" || which === "both") await run("pglite");
if (which === "postgres" || which === "both") await run("postgres");

const fmt = (n: number) => n.toFixed(2).padStart(8);
console.log(
  `\n${"db".padEnd(9)}${"operation".padEnd(40)}${"p50 ms".padStart(8)}${"p95 ms".padStart(8)}${"p99 ms".padStart(8)}${"ops/s".padStart(9)}  target p95`,
);
for (const r of report) {
  console.log(
    `${r.db.padEnd(9)}${r.operation.padEnd(40)}${fmt(r.p50)}${fmt(r.p95)}${fmt(r.p99)}${r.opsPerSec.toFixed(0).padStart(9)}  ${r.ok ? "ok  " : "MISS"} ≤ ${r.targetP95} ms`,
  );
}
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results");
mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ iterations, node: process.version, report }, null, 2));
console.log(
  `\n${iterations} iterations per operation (sequential, in-process through the tRPC router). Results: ${file}`,
);
const missed = report.filter((r) => !r.ok);
if (missed.length > 0) console.log(`${missed.length} target(s) missed.`);
if (strict && missed.length > 0) process.exit(1);
