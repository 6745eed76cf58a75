/**
 * `pnpm bench:http`: Tenancy's built server against the Better Auth organization plugin, over HTTP,
 * on one throwaway PostgreSQL 15 server (two databases), with the same data and the same load
 * (autocannon), interleaved, several rounds; then Tenancy alone on embedded PGlite. Prints req/s,
 * p50/p99, errors, server CPU per request, RSS after load and the Tenancy/plugin ratio per
 * operation next to the targets of issue 12. Never part of `npm test`.
 *
 * Flags (all optional):
 *   --rounds=3 --duration=10 --connections=10       load shape (reads run for `duration` seconds)
 *   --accept-seq=200 --accept-conc=600 --join=600   requests per run for the write operations
 *   --invitees=100                                  signed-up users who accept/join (org-major grid)
 *   --ops=getOrg,listMembers1k,...                  subset of operations (see OPERATIONS)
 *   --large=100000 --small=1000                     members of the two list organizations
 *   --pglite=false                                  skip the Tenancy-on-PGlite part
 *   --plugin=false                                  Tenancy alone (no comparison)
 *   --fsync=off                                     PostgreSQL durability off (default on, like production)
 *   --profile=getOrg,acceptConc                     also record CPU profiles of Tenancy under these loads
 *   --profile-plugin                                and of the plugin server
 *   --profile-seconds=10
 *   --tenancy-node-options="--max-old-space-size=256"   Node flags for the Tenancy server (PostgreSQL part)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { openDatabase } from "@tenancy/db/connect";
import { startPostgresServer } from "@tenancy/testing/postgres-server";

import { runLoad, type LoadResult } from "./load";
import { formatLoad, loadAverage, machineInfo } from "./machine";
import { pidListeningOn, treeCpuSeconds } from "./processes";
import { summariseProfile, type ProfileSummary } from "./profile";
import { bulkMembersSql, seedThroughApi, type Redeem, type SeedPlan, type Seeded } from "./seed";
import { ensureConsoleBuilt, profilerEnv, repoRoot, startPlugin, startTenancy, type RunningServer } from "./servers";
import { pluginTarget, probe, tenancyTarget, type BenchRequest, type Target } from "./targets";

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, ...value] = arg.replace(/^--/, "").split("=");
    return [key!, value.length > 0 ? value.join("=") : "true"] as const;
  }),
);
const num = (name: string, fallback: number) => {
  const value = Number(args.get(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} wants a positive number`);
  return value;
};
const flag = (name: string, fallback: boolean) => (args.has(name) ? args.get(name) !== "false" : fallback);
// --tenancy-node-options="--max-old-space-size=256": Node flags for the Tenancy server alone (memory trials).
const tenancyNodeOptions: Record<string, string> = args.has("tenancy-node-options")
  ? { NODE_OPTIONS: args.get("tenancy-node-options")! }
  : {};

const rounds = num("rounds", 3);
const duration = num("duration", 10);
const connections = num("connections", 10);
const acceptSeq = num("accept-seq", 200);
const acceptConc = num("accept-conc", 600);
const joinConc = num("join", 600);
const invitees = num("invitees", 100);
const smallOrg = num("small", 1_000);
const largeOrg = num("large", 100_000);
const withPglite = flag("pglite", true);
const withPlugin = flag("plugin", true);
const fsync = args.get("fsync") !== "off";
const profileOps = (args.get("profile") === "true" ? "getOrg,acceptConc" : (args.get("profile") ?? ""))
  .split(",")
  .filter(Boolean);
const profilePlugin = flag("profile-plugin", false);
const profileSeconds = num("profile-seconds", 10);
const WARMUP_SECONDS = 2;
const WARMUP_REDEEMS = 20;

type OpKey =
  | "floor"
  | "bare"
  | "getOrg"
  | "getOrgToken"
  | "listMembers1k"
  | "listMembers100k"
  | "listMyOrgs"
  | "acceptSeq"
  | "acceptConc"
  | "join";

interface OperationDef {
  key: OpKey;
  label: string;
  kind: "read" | "write" | "floor";
  /** Issue 12's ratio target against the plugin. */
  ratioTarget: number;
  connections: number;
  /** Requests per run for write operations (each needs a fresh credential). */
  amount?: number;
  /** Which seeded pool a write operation consumes. */
  pool?: "accept" | "join";
  request?(target: Target, seeded: Seeded): BenchRequest | null;
  /** Expected status when not 2xx (the floor's 404). */
  expectStatus?(target: Target): number | undefined;
  redeem?(target: Target, item: Redeem): BenchRequest | null;
  /** The plugin operation a Tenancy-only row is compared with. */
  comparedWith?: OpKey;
  note?: string;
}

const OPERATIONS: OperationDef[] = [
  {
    key: "floor",
    label: "framework floor (no auth, no SQL)",
    kind: "floor",
    ratioTarget: 0,
    connections,
    request: (t) => t.floor().request,
    expectStatus: (t) => t.floor().status,
    note: "Tenancy: POST /v1/bench-floor (404 from the /v1 handler, which the node:http front calls before Next); plugin: Better Auth's GET /api/auth/ok",
  },
  {
    key: "bare",
    label: "bare node:http (plugin server /health)",
    kind: "floor",
    ratioTarget: 0,
    connections,
    request: (t) => t.bare?.().request ?? null,
    expectStatus: (t) => t.bare?.().status,
  },
  {
    key: "getOrg",
    label: "get org (cookie)",
    kind: "read",
    ratioTarget: 2,
    connections,
    request: (t, s) => t.getOrg(s.ownerCookie, s.orgSmall),
  },
  {
    key: "getOrgToken",
    label: "get org (org API token)",
    kind: "read",
    ratioTarget: 2,
    connections,
    request: (t, s) => (t.getOrgWithToken && s.apiToken ? t.getOrgWithToken(s.apiToken, s.orgSmall) : null),
    comparedWith: "getOrg",
    note: "the plugin has no organization tokens: compared with its cookie get",
  },
  {
    key: "listMembers1k",
    label: `list members (50 of ${smallOrg.toLocaleString("en")})`,
    kind: "read",
    ratioTarget: 2,
    connections,
    request: (t, s) => t.listMembers(s.ownerCookie, s.orgSmall, 50),
  },
  {
    key: "listMembers100k",
    label: `list members (50 of ${largeOrg.toLocaleString("en")})`,
    kind: "read",
    ratioTarget: 2,
    connections,
    request: (t, s) => t.listMembers(s.ownerCookie, s.orgLarge, 50),
  },
  {
    key: "listMyOrgs",
    label: "list my organizations (20)",
    kind: "read",
    ratioTarget: 2,
    connections,
    request: (t, s) => t.listMyOrgs(s.listerCookie),
  },
  {
    key: "acceptSeq",
    label: "accept invitation (sequential)",
    kind: "write",
    ratioTarget: 1.5,
    connections: 1,
    amount: acceptSeq,
    pool: "accept",
    redeem: (t, item) => t.accept(item.cookie, item.credential),
  },
  {
    key: "acceptConc",
    label: `accept invitation (concurrency ${connections})`,
    kind: "write",
    ratioTarget: 1.5,
    connections,
    amount: acceptConc,
    pool: "accept",
    redeem: (t, item) => t.accept(item.cookie, item.credential),
  },
  {
    key: "join",
    label: `join with code (concurrency ${connections})`,
    kind: "write",
    ratioTarget: 1.5,
    connections,
    amount: joinConc,
    pool: "join",
    redeem: (t, item) => (t.join ? t.join(item.cookie, item.credential) : t.accept(item.cookie, item.credential)),
    note: "the plugin has no join codes: compared with its accept-invitation at the same concurrency",
  },
];

const selected = args.get("ops")?.split(",") ?? OPERATIONS.map((op) => op.key);
const operations = OPERATIONS.filter((op) => selected.includes(op.key));

const log = (line: string) => console.error(`[bench:http] ${line}`);

/** A pool of pre-created credentials consumed in order; running dry is a bench bug, reported loudly. */
class Pool {
  private index = 0;
  constructor(
    private readonly items: Redeem[],
    private readonly name: string,
  ) {}
  take(): Redeem {
    const item = this.items[this.index++];
    if (!item) throw new Error(`The ${this.name} pool ran dry after ${this.items.length} requests`);
    return item;
  }
  get left() {
    return this.items.length - this.index;
  }
}

interface Contender {
  target: Target;
  server: RunningServer;
  seeded: Seeded;
  pools: { accept: Pool; join: Pool };
}

interface RunRecord extends LoadResult {
  target: string;
  db: "postgres" | "pglite";
  op: OpKey;
  round: number;
  rssMb: number;
  serverCpuMs: number;
  dbCpuMs: number;
  loadAverage: [number, number, number];
}

function poolSizes() {
  const accept = operations.filter((op) => op.pool === "accept").reduce((n, op) => n + (op.amount ?? 0), 0);
  const join = operations.filter((op) => op.pool === "join").reduce((n, op) => n + (op.amount ?? 0), 0);
  const margin = (n: number) => (n > 0 ? n * rounds + WARMUP_REDEEMS * 2 + connections * 2 * rounds : 0);
  const profileExtra = (key: OpKey) => {
    const op = OPERATIONS.find((o) => o.key === key)!;
    return profileOps.includes(key) ? (op.amount ?? 0) * 3 + WARMUP_REDEEMS : 0;
  };
  return {
    accept: margin(accept) + profileExtra("acceptSeq") + profileExtra("acceptConc"),
    join: margin(join) + profileExtra("join"),
  };
}

async function checkAnswers(contender: Contender): Promise<void> {
  for (const op of operations) {
    const request = op.request?.(contender.target, contender.seeded);
    if (!request) continue;
    const { status, body } = await probe(contender.target, request);
    const expected = op.expectStatus?.(contender.target);
    if (expected ? status !== expected : status < 200 || status >= 300)
      throw new Error(`${contender.target.name} ${op.key}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

async function measure(
  contender: Contender,
  op: OperationDef,
  db: "postgres" | "pglite",
  round: number,
  dbPid: number | null,
  options: { warmup?: boolean; seconds?: number } = {},
): Promise<RunRecord | null> {
  const { target, server, seeded, pools } = contender;
  const request = op.request?.(target, seeded) ?? null;
  if (op.kind !== "write" && !request) return null;
  const expectStatus = op.expectStatus?.(target);
  const before = { server: server.cpuSeconds(), db: dbPid ? treeCpuSeconds(dbPid) : 0 };
  let result: LoadResult;
  if (request) {
    result = await runLoad({
      baseUrl: target.baseUrl,
      connections: op.connections,
      duration: options.seconds ?? (options.warmup ? WARMUP_SECONDS : duration),
      request,
      expectStatus,
    });
  } else {
    const pool = pools[op.pool!];
    const amount = options.warmup
      ? WARMUP_REDEEMS
      : options.seconds
        ? Math.min(pool.left - connections, (op.amount ?? 0) * 3)
        : op.amount!;
    result = await runLoad({
      baseUrl: target.baseUrl,
      connections: op.connections,
      amount,
      next: () => op.redeem!(target, pool.take())!,
    });
  }
  if (options.warmup) return null;
  const after = { server: server.cpuSeconds(), db: dbPid ? treeCpuSeconds(dbPid) : 0 };
  return {
    ...result,
    target: target.name,
    db,
    op: op.key,
    round,
    rssMb: server.rssMb(),
    serverCpuMs: ((after.server - before.server) * 1000) / Math.max(1, result.requests),
    dbCpuMs: ((after.db - before.db) * 1000) / Math.max(1, result.requests),
    loadAverage: loadAverage(),
  };
}

function describe(run: RunRecord): string {
  return (
    `${run.db}/${run.target} ${run.op} r${run.round}: ${run.rps.toFixed(0)} req/s, p50 ${run.p50.toFixed(1)} ms, ` +
    `p99 ${run.p99.toFixed(1)} ms, server ${run.serverCpuMs.toFixed(2)} ms CPU/req, db ${run.dbCpuMs.toFixed(2)}, ` +
    `bad answers ${run.bad}${run.bad ? ` ${JSON.stringify(run.statusCodes)} errors ${run.errors}` : ""}, RSS ${run.rssMb.toFixed(0)} MB`
  );
}

async function seedContender(
  target: Target,
  server: RunningServer,
  bulk: (kind: "tenancy" | "plugin", seeded: Seeded) => Promise<void>,
): Promise<Contender> {
  const sizes = poolSizes();
  const plan: SeedPlan = { invitees, acceptPairs: sizes.accept, joinPairs: sizes.join, listerOrgs: 20 };
  const seeded = await seedThroughApi(target, plan, log);
  await bulk(target.name, seeded);
  return {
    target,
    server,
    seeded,
    pools: { accept: new Pool(seeded.accept, "accept"), join: new Pool(seeded.join, "join") },
  };
}

async function bulkOnPostgres(url: string, kind: "tenancy" | "plugin", seeded: Seeded): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of [
      ...bulkMembersSql(kind, seeded.orgSmall, smallOrg - 1, "s"),
      ...bulkMembersSql(kind, seeded.orgLarge, largeOrg - 1, "l"),
    ])
      await client.query(sql);
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}

async function profileRun(
  label: string,
  start: (env: Record<string, string>) => Promise<RunningServer>,
  makeTarget: (baseUrl: string) => Target,
  contender: Contender,
  op: OperationDef,
  dir: string,
): Promise<ProfileSummary> {
  const file = path.join(dir, `${label}-${op.key}.cpuprofile`);
  const server = await start(profilerEnv(file));
  const profiled = { ...contender, server, target: makeTarget(server.baseUrl) };
  try {
    await measure(profiled, op, "postgres", 0, null, { warmup: true });
    process.kill(server.listenerPid, "SIGUSR2");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await measure(profiled, op, "postgres", 0, null, { seconds: profileSeconds });
    process.kill(server.listenerPid, "SIGUSR2");
    const deadline = Date.now() + 60_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`No CPU profile was written to ${file}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (run) log(`profiled ${describe(run)}`);
    return summariseProfile(file, { requests: run?.requests ?? 0 });
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  rssMb: number;
  serverCpuMs: number;
  dbCpuMs: number;
  runs: number;
}

function summarise(runs: RunRecord[]): Summary | null {
  if (runs.length === 0) return null;
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    bad: runs.reduce((n, r) => n + r.bad, 0),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
    dbCpuMs: median(runs.map((r) => r.dbCpuMs)),
    runs: runs.length,
  };
}

const pad = (value: string, width: number) => value.padStart(width);
const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : n.toFixed(0));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : n.toFixed(2));

function printComparison(records: RunRecord[]) {
  const lines: string[] = [];
  const header =
    `${"operation".padEnd(38)}${pad("T req/s", 9)}${pad("P req/s", 9)}${pad("ratio", 7)}${pad("target", 8)}  ` +
    `${"verdict".padEnd(7)}${pad("T p50", 8)}${pad("T p99", 8)}${pad("P p50", 8)}${pad("P p99", 8)}` +
    `${pad("T err", 7)}${pad("P err", 7)}${pad("T cpu", 7)}${pad("P cpu", 7)}${pad("cpu×", 6)}${pad("T RSS", 7)}${pad("P RSS", 7)}`;
  lines.push(header, "-".repeat(header.length));
  const pick = (target: string, op: OpKey) =>
    summarise(records.filter((r) => r.db === "postgres" && r.target === target && r.op === op));
  for (const op of operations) {
    const t = pick("tenancy", op.key);
    const p = pick("plugin", op.comparedWith ?? op.key);
    const ratio = t && p ? t.rps / p.rps : Number.NaN;
    const verdict = Number.isNaN(ratio) || op.ratioTarget === 0 ? "—" : ratio >= op.ratioTarget ? "met" : "MISSED";
    lines.push(
      `${op.label.padEnd(38)}${pad(f0(t?.rps), 9)}${pad(f0(p?.rps), 9)}${pad(f2(ratio), 7)}${pad(op.ratioTarget ? `≥ ${op.ratioTarget}×` : "", 8)}  ` +
        `${verdict.padEnd(7)}${pad(f1(t?.p50), 8)}${pad(f1(t?.p99), 8)}${pad(f1(p?.p50), 8)}${pad(f1(p?.p99), 8)}` +
        `${pad(t ? String(t.bad) : "—", 7)}${pad(p ? String(p.bad) : "—", 7)}` +
        `${pad(f2(t?.serverCpuMs), 7)}${pad(f2(p?.serverCpuMs), 7)}${pad(f2(t && p ? p.serverCpuMs / t.serverCpuMs : undefined), 6)}` +
        `${pad(f0(t?.rssMb), 7)}${pad(f0(p?.rssMb), 7)}`,
    );
  }
  lines.push(
    "",
    "T = Tenancy, P = Better Auth organization plugin; req/s, p50 and p99 (ms) are medians over rounds; err = errors + unexpected",
    "statuses over all rounds; cpu = server process CPU ms per request (median); cpu× = P cpu / T cpu, the ratio as it",
    "would be if CPU were the only limit (steadier than req/s on a busy machine); RSS = MB after load (max over rounds).",
  );
  for (const op of operations) if (op.note) lines.push(`${op.label}: ${op.note}.`);
  return lines;
}

function printTenancyTargets(records: RunRecord[], db: "postgres" | "pglite") {
  const lines: string[] = [];
  const get = (op: OpKey) => summarise(records.filter((r) => r.db === db && r.target === "tenancy" && r.op === op));
  const small = get("listMembers1k");
  const large = get("listMembers100k");
  if (small && large) {
    const p50 = large.p50 / small.p50;
    const p99 = large.p99 / small.p99;
    lines.push(
      `list latency at ${largeOrg.toLocaleString("en")} vs ${smallOrg.toLocaleString("en")} members (${db}): p50 ${p50.toFixed(2)}×, ` +
        `p99 ${p99.toFixed(2)}× — target ≤ 1.3× (p50): ${p50 <= 1.3 ? "met" : "MISSED"}`,
    );
  }
  const rss = Math.max(...records.filter((r) => r.db === db && r.target === "tenancy").map((r) => r.rssMb));
  if (Number.isFinite(rss))
    lines.push(
      `Tenancy RSS after load (${db}, max): ${rss.toFixed(0)} MB — target ≤ 300 MB: ${rss <= 300 ? "met" : "MISSED"}`,
    );
  return lines;
}

function printTenancyAlone(records: RunRecord[], db: "postgres" | "pglite") {
  const lines: string[] = [];
  const header = `${"operation".padEnd(38)}${pad("req/s", 8)}${pad("p50", 8)}${pad("p99", 8)}${pad("err", 6)}${pad("cpu", 7)}${pad("RSS", 6)}`;
  lines.push(header, "-".repeat(header.length));
  for (const op of operations) {
    const s = summarise(records.filter((r) => r.db === db && r.target === "tenancy" && r.op === op.key));
    if (!s) continue;
    lines.push(
      `${op.label.padEnd(38)}${pad(f0(s.rps), 8)}${pad(f1(s.p50), 8)}${pad(f1(s.p99), 8)}${pad(String(s.bad), 6)}` +
        `${pad(f2(s.serverCpuMs), 7)}${pad(f0(s.rssMb), 6)}`,
    );
  }
  return lines;
}

async function main() {
  const machine = machineInfo();
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.kernel}, Node ${machine.node}`);
  log(`load average at start: ${formatLoad(machine.loadAverage)}`);
  ensureConsoleBuilt();

  const records: RunRecord[] = [];
  const profiles: { label: string; op: OpKey; summary: ProfileSummary }[] = [];
  const loadBefore = loadAverage();
  const profileDir = path.join(
    repoRoot,
    "bench",
    "results",
    `profiles-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  if (profileOps.length > 0) mkdirSync(profileDir, { recursive: true });

  const settings = fsync
    ? { fsync: "on", synchronous_commit: "on", full_page_writes: "on" }
    : { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };
  const postgres = await startPostgresServer({ settings });
  let pgVersion: string | undefined;
  const stops: (() => Promise<void>)[] = [];
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    pgVersion = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    await admin.query("CREATE DATABASE tenancy");
    await admin.query("CREATE DATABASE plugin");
    await admin.end();
    const dbUrl = (name: string) => {
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const dbPid = pidListeningOn(postgres.port);
    log(`PostgreSQL ${pgVersion} on port ${postgres.port} (fsync ${fsync ? "on" : "off"})`);

    const startTenancyPg = (env?: Record<string, string>) =>
      startTenancy({ databaseUrl: dbUrl("tenancy"), env: { ...tenancyNodeOptions, ...env } });
    const startPluginPg = (env?: Record<string, string>) => startPlugin(dbUrl("plugin"), env);
    const [tenancyServer, pluginServer] = await Promise.all([
      startTenancyPg(),
      withPlugin ? startPluginPg() : Promise.resolve(null),
    ]);
    let currentTenancy = tenancyServer;
    stops.push(() => currentTenancy.stop());
    // The profile runs restart servers: stop whichever instance is current at the end.
    let currentPlugin = pluginServer;
    stops.push(async () => {
      await currentPlugin?.stop();
    });
    log(`Tenancy at ${tenancyServer.baseUrl}${pluginServer ? `, plugin at ${pluginServer.baseUrl}` : ""}`);

    const bulk = (kind: "tenancy" | "plugin", seeded: Seeded) => bulkOnPostgres(dbUrl(kind), kind, seeded);
    const [tenancy, plugin] = await Promise.all([
      seedContender(tenancyTarget(tenancyServer.baseUrl), tenancyServer, bulk),
      pluginServer ? seedContender(pluginTarget(pluginServer.baseUrl), pluginServer, bulk) : Promise.resolve(null),
    ]);
    const contenders = [tenancy, ...(plugin ? [plugin] : [])];
    for (const contender of contenders) await checkAnswers(contender);
    log(`seeded; load average ${formatLoad(loadAverage())}`);

    for (const contender of contenders)
      for (const op of operations) await measure(contender, op, "postgres", 0, dbPid, { warmup: true });

    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds} (load average ${formatLoad(loadAverage())})`);
      for (const [index, op] of operations.entries()) {
        // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
        const order = (round + index) % 2 === 0 ? contenders : [...contenders].reverse();
        for (const contender of order) {
          const run = await measure(contender, op, "postgres", round, dbPid);
          if (run) {
            records.push(run);
            log(describe(run));
          }
        }
      }
    }

    for (const key of profileOps) {
      const op = OPERATIONS.find((o) => o.key === key);
      if (!op) throw new Error(`--profile: unknown operation ${key}`);
      await currentTenancy.stop();
      const summary = await profileRun("tenancy", startTenancyPg, tenancyTarget, tenancy, op, profileDir);
      profiles.push({ label: "tenancy", op: op.key, summary });
      if (plugin && profilePlugin) {
        await plugin.server.stop();
        const pluginSummary = await profileRun("plugin", startPluginPg, pluginTarget, plugin, op, profileDir);
        profiles.push({ label: "plugin", op: op.key, summary: pluginSummary });
        plugin.server = await startPluginPg();
        currentPlugin = plugin.server;
        plugin.target = pluginTarget(plugin.server.baseUrl);
      }
      currentTenancy = await startTenancyPg();
      tenancy.server = currentTenancy;
      tenancy.target = tenancyTarget(currentTenancy.baseUrl);
    }
    for (const stop of stops.splice(0)) await stop();

    if (withPglite) {
      const dataDir = path.join(repoRoot, "bench", "results", `pglite-${Date.now()}`);
      mkdirSync(dataDir, { recursive: true });
      try {
        // Seed through the API, stop the server (PGlite is single-process), bulk-insert, restart.
        let server = await startTenancy({ dataDir });
        let target = tenancyTarget(server.baseUrl);
        const seeded = await seedThroughApi(
          target,
          { invitees, acceptPairs: poolSizes().accept, joinPairs: poolSizes().join, listerOrgs: 20 },
          log,
        );
        await server.stop();
        const db = await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
        for (const sql of [
          ...bulkMembersSql("tenancy", seeded.orgSmall, smallOrg - 1, "s"),
          ...bulkMembersSql("tenancy", seeded.orgLarge, largeOrg - 1, "l"),
          "ANALYZE",
        ])
          await db.sql.exec(sql);
        await db.close();
        server = await startTenancy({ dataDir });
        target = tenancyTarget(server.baseUrl);
        const contender: Contender = {
          target,
          server,
          seeded,
          pools: { accept: new Pool(seeded.accept, "accept"), join: new Pool(seeded.join, "join") },
        };
        try {
          await checkAnswers(contender);
          for (const op of operations) await measure(contender, op, "pglite", 0, null, { warmup: true });
          for (let round = 1; round <= rounds; round++) {
            for (const op of operations) {
              const run = await measure(contender, op, "pglite", round, null);
              if (run) {
                records.push(run);
                log(describe(run));
              }
            }
          }
        } finally {
          await server.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await postgres.stop();
  }

  const loadAfter = loadAverage();
  const out: string[] = [];
  out.push(
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.kernel}; Node ${machine.node}; ` +
      `PostgreSQL ${pgVersion ?? "?"} (fsync ${fsync ? "on" : "off"})`,
    `Load average (1/5/15 min): before ${formatLoad(loadBefore)}, after ${formatLoad(loadAfter)}`,
    `Load: autocannon, ${connections} connections, reads ${duration} s per run; writes ${acceptSeq} sequential accepts, ` +
      `${acceptConc} concurrent accepts, ${joinConc} joins per run; ${rounds} round(s), interleaved.`,
    "",
  );
  if (withPlugin) {
    out.push("PostgreSQL — Tenancy vs Better Auth organization plugin", ...printComparison(records), "");
  } else {
    out.push("PostgreSQL — Tenancy", ...printTenancyAlone(records, "postgres"), "");
  }
  out.push(...printTenancyTargets(records, "postgres"), "");
  if (withPglite) {
    out.push("Embedded PGlite — Tenancy alone", ...printTenancyAlone(records, "pglite"), "");
    out.push(...printTenancyTargets(records, "pglite"), "");
  }
  for (const { label, op, summary } of profiles) out.push(`CPU profile: ${label} ${op}`, ...summary.lines, "");
  console.log(out.join("\n"));

  const resultsDir = path.join(repoRoot, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `http-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        machine,
        pgVersion,
        fsync,
        loadBefore,
        loadAfter,
        options: { rounds, duration, connections, acceptSeq, acceptConc, joinConc, invitees, smallOrg, largeOrg },
        records,
        profiles,
      },
      null,
      2,
    ),
  );
  console.log(
    `Raw results: ${path.relative(process.cwd(), file)}${profileOps.length ? `; profiles in ${profileDir}` : ""}`,
  );
}

await main();
