/**
 * `pnpm bench:statements`: the SQL statements, transactions and commits each hot procedure issues,
 * counted at the Prisma driver-adapter seam (@tenancy/db/statements) while the request goes through
 * the real /v1 handler with the real context: Better Auth's session lookup for a cookie (a session
 * obtained by signing up through Better Auth), or the API-token lookup for a bearer. On PGlite and
 * on a PostgreSQL server started for the run. Counts are deterministic; this is the instrument the
 * statement-budget test will be built on (issue 12: cookie read ≤ 2, token read ≤ 2, accept ≤ 6 with
 * one commit, join ≤ 6 with one commit).
 *
 * Flags: --db=pglite|postgres|both (default both), --sql (print every statement), --json=<file>.
 */
import { writeFileSync } from "node:fs";

import { createAuth, type Auth } from "@tenancy/api/auth";
import { sessionLookupOf } from "@tenancy/api/session-lookup";
import { licensingConfigFromEnv, type ApiConfig } from "@tenancy/api/config";
import { createRequestContext } from "@tenancy/api/context";
import { handleV1Request } from "@tenancy/api/http";
import { ephemeralLicenseSigningKeys } from "@tenancy/api/license-signing-keys";
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from "@tenancy/db/connect";
import { createStatementRecorder, type StatementCount } from "@tenancy/db/statements";
import { startPostgresServer } from "@tenancy/testing/postgres-server";

import { bulkMembersSql } from "./http/seed";

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key!, value ?? "true"] as const;
  }),
);
const which = args.get("db") ?? "both";
const printSql = args.get("sql") === "true";

const BASE = "http://tenancy.bench";
const config: ApiConfig = {
  publicUrl: BASE,
  trustedOrigins: [BASE],
  maxBodyBytes: 1_048_576,
  secrets: { current: "bench-secret-bench-secret-bench-secret-0001", previous: [] },
  rateLimits: {
    redeemPerUser: { limit: 1_000_000, windowSeconds: 60 },
    redeemPerIp: { limit: 1_000_000, windowSeconds: 60 },
    previewPerIp: { limit: 1_000_000, windowSeconds: 60 },
    activatePerIp: { limit: 1_000_000, windowSeconds: 60 },
    heartbeatPerIp: { limit: 1_000_000, windowSeconds: 60 },
  },
  // The defaults (unlimited free seats): accept, join and invite still run the seat check's one statement.
  licensing: licensingConfigFromEnv(ephemeralLicenseSigningKeys(), {}),
  instances: { adminEmails: [] },
};

interface Measured {
  name: string;
  /** Statements the request context (session or token lookup) issued, of the total. */
  context: StatementCount;
  total: StatementCount;
  status: number;
}

type Recorder = ReturnType<typeof createStatementRecorder>;

class Harness {
  constructor(
    readonly db: DatabaseHandle,
    readonly auth: Auth,
    readonly recorder: Recorder,
  ) {}

  async signUp(email: string): Promise<string> {
    const response = await this.auth.api.signUpEmail({
      body: { email, name: email.split("@")[0]!, password: "bench-password-1" },
      asResponse: true,
    });
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(";")[0]!)
      .find((pair) => pair.includes("session_token="));
    if (!cookie) throw new Error(`sign-up ${email}: no session cookie (${response.status})`);
    return cookie;
  }

  /** One /v1 request as the console serves it, with the context's statements counted apart. */
  async call(procedure: string, body: unknown, auth: { cookie?: string; bearer?: string }) {
    const headers: Record<string, string> = { "content-type": "application/json", origin: BASE };
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    const request = new Request(`${BASE}/v1/organizations/${procedure}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    let context: StatementCount | undefined;
    const { result: response, count: total } = await this.recorder.count(() =>
      handleV1Request(
        request,
        async (req) => {
          const before = this.recorder.snapshot();
          const ctx = await createRequestContext({
            db: this.db.prisma,
            headers: req.headers,
            config,
            sessions: await sessionLookupOf(this.auth, config.secrets),
            // As the console's /v1 route: the client address (so the per-IP limits run) and the
            // cross-site cookie refusal.
            clientIp: "127.0.0.1",
            refuseCrossSite: true,
          });
          context = this.recorder.since(before);
          return ctx;
        },
        { maxBodyBytes: config.maxBodyBytes },
      ),
    );
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`${procedure}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return { json, total, context: context!, status: response.status };
  }

  /** Calls twice and keeps the second count, so one-time work (first query plans, caches) is left out. */
  async measure(
    name: string,
    procedure: string,
    body: () => unknown,
    auth: () => { cookie?: string; bearer?: string },
  ): Promise<Measured> {
    await this.call(procedure, body(), auth());
    const { total, context, status } = await this.call(procedure, body(), auth());
    return { name, total, context, status };
  }
}

async function run(kind: "pglite" | "postgres"): Promise<Measured[]> {
  let stopServer: (() => Promise<void>) | undefined;
  let target: DatabaseTarget = { kind: "pglite" };
  if (kind === "postgres") {
    const server = await startPostgresServer();
    stopServer = server.stop;
    target = { kind: "postgres", url: server.url };
  }
  const recorder = createStatementRecorder();
  const db = await openDatabase(target, { onStatement: recorder.listener });
  try {
    await db.migrate();
    const auth = createAuth({
      db: db.prisma,
      secrets: config.secrets,
      baseURL: BASE,
      trustedOrigins: [BASE],
      rateLimit: false,
    });
    const h = new Harness(db, auth, recorder);

    const owner = await h.signUp("owner@bench.test");
    const asOwner = () => ({ cookie: owner });
    const create = async (name: string) =>
      ((await h.call("create", { name }, asOwner())).json.organization as { id: string }).id;
    const org = await create("Statements");
    for (const sql of bulkMembersSql("tenancy", org, 999, "s")) await db.sql.exec(sql);
    for (let i = 0; i < 19; i++) await create(`Other ${i}`);
    const { json: tokenJson } = await h.call("tokens/create", { organizationId: org, name: "bench" }, asOwner());
    const bearer = (tokenJson.apiToken as { bearer: string }).bearer;
    const { json: codeJson } = await h.call("join-codes/create", { organizationId: org }, asOwner());
    const code = codeJson.code as string;

    const invitees = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => h.signUp(`invitee${i}@bench.test`)));
    const tokens: string[] = [];
    for (let i = 0; i < invitees.length; i++) {
      const { json } = await h.call(
        "invitations/create",
        { organizationId: org, email: `invitee${i}@bench.test` },
        asOwner(),
      );
      tokens.push(json.token as string);
    }
    let acceptIndex = 0;
    let joinIndex = 3;
    // Accept takes invitees 0 and 1, join 3 and 4 (each measured twice): decline the other two.
    const decliners = [2, 5];
    let declineIndex = 0;
    let inviteIndex = 0;

    const results: Measured[] = [];
    results.push(
      await h.measure("organizations.get (cookie)", "get", () => ({ organizationId: org }), asOwner),
      await h.measure(
        "organizations.get (API token)",
        "get",
        () => ({ organizationId: org }),
        () => ({ bearer }),
      ),
      await h.measure(
        "organizations.get (by handle, cookie)",
        "get",
        () => ({ organizationId: "statements" }),
        asOwner,
      ),
      await h.measure("organizations.list (20 orgs)", "list", () => ({}), asOwner),
      await h.measure(
        "members.list (50 of 1,000)",
        "members/list",
        () => ({ organizationId: org, limit: 50 }),
        asOwner,
      ),
      await h.measure("audit.list", "audit/list", () => ({ organizationId: org }), asOwner),
      await h.measure(
        "invitations.create",
        "invitations/create",
        () => ({ organizationId: org, email: `fresh${inviteIndex++}@bench.test` }),
        asOwner,
      ),
      await h.measure(
        "invitations.accept (token)",
        "invitations/accept",
        () => ({ token: tokens[acceptIndex] }),
        () => ({ cookie: invitees[acceptIndex++]! }),
      ),
      await h.measure(
        "invitations.decline (token)",
        "invitations/decline",
        () => ({ token: tokens[decliners[declineIndex]!] }),
        () => ({ cookie: invitees[decliners[declineIndex++]!]! }),
      ),
      await h.measure(
        "joinCodes.join",
        "join-codes/join",
        () => ({ code }),
        () => ({ cookie: invitees[joinIndex++]! }),
      ),
    );
    return results;
  } finally {
    await db.close();
    await stopServer?.();
  }
}

const BUDGETS: Record<string, string> = {
  "organizations.get (cookie)": "≤ 2",
  "organizations.get (API token)": "≤ 2",
  "invitations.accept (token)": "≤ 6, 1 commit",
  "invitations.decline (token)": "≤ 6, 1 commit",
  "joinCodes.join": "≤ 6, 1 commit",
};

const all: Record<string, Measured[]> = {};
if (which === "pglite" || which === "both") all.pglite = await run("pglite");
if (which === "postgres" || which === "both") all.postgres = await run("postgres");

const kinds = Object.keys(all);
const header =
  `${"procedure (through /v1, real auth)".padEnd(40)}` +
  kinds
    .map((k) => `${`${k}: stmts`.padStart(16)} ${"auth".padStart(5)} ${"tx".padStart(3)} ${"commits".padStart(8)}`)
    .join("  ") +
  "   issue 12 budget";
console.log(`\n${header}\n${"-".repeat(header.length)}`);
const names = all[kinds[0]!]!.map((m) => m.name);
for (const name of names) {
  const cells = kinds.map((k) => {
    const m = all[k]!.find((x) => x.name === name)!;
    const commits = `${m.total.commits}${m.total.autocommitWrites ? `+${m.total.autocommitWrites}` : ""}`;
    return `${String(m.total.statements).padStart(16)} ${String(m.context.statements).padStart(5)} ${String(m.total.transactions).padStart(3)} ${commits.padStart(8)}`;
  });
  console.log(`${name.padEnd(40)}${cells.join("  ")}   ${BUDGETS[name] ?? ""}`);
}
console.log(
  "\nstmts = data statements sent (BEGIN/COMMIT not counted); auth = of those, issued while resolving the session cookie",
);
console.log(
  "or API token; tx = transactions opened; commits = explicit commits + writes outside a transaction (each commits alone).",
);
console.log("Counted on the second call of each procedure (warm). --sql lists them ([tx] = inside the transaction).");
if (printSql) {
  for (const kind of kinds) {
    for (const m of all[kind]!) {
      console.log(`\n${kind} — ${m.name}`);
      m.total.statementList.forEach(({ sql, inTransaction }, i) =>
        console.log(
          `  ${String(i + 1).padStart(2)}. ${inTransaction ? "[tx] " : ""}${sql.replace(/\s+/g, " ").trim().slice(0, 200)}`,
        ),
      );
    }
  }
}
const jsonFile = args.get("json");
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(all, null, 2));
