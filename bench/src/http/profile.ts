// Summarises a V8 .cpuprofile (node --cpu-prof) over the load window: where the server's CPU went,
// by component (self time of the leaf frame) and by phase (time under a given function anywhere
// on the stack). Usable alone: `tsx src/http/profile.ts <file.cpuprofile> [fromEndStartMs fromEndEndMs]`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  requests: number;
  components: Record<string, number>;
  phases: Record<string, number>;
  topSelf: { frame: string; ms: number }[];
  lines: string[];
}

/** Leaf-frame buckets, first match wins. */
const COMPONENTS: [string, (frame: CallFrame) => boolean][] = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["GC", (f) => f.functionName === "(garbage collector)"],
  ["V8/native (program)", (f) => f.functionName === "(program)"],
  ["Prisma query compiler (wasm)", (f) => f.url.startsWith("wasm://") || /query_compiler|query-compiler/.test(f.url)],
  ["Prisma client runtime", (f) => /@prisma\/client|\.prisma|generated\/prisma/.test(f.url)],
  ["pg driver + adapter", (f) => /node_modules\/(\.pnpm\/)?(pg|pg-protocol|pg-pool|pg-types|@prisma\+adapter-pg|@prisma\/adapter-pg)/.test(f.url) || /adapter-pg/.test(f.url)],
  ["PGlite", (f) => /pglite/.test(f.url)],
  ["Next.js server", (f) => /node_modules\/(\.pnpm\/next@[^/]+\/node_modules\/)?next\//.test(f.url)],
  ["React / RSC", (f) => /react-server-dom|react-dom|\/react\//.test(f.url)],
  ["better-auth (plugin server)", (f) => /better-auth|better-call|@better-auth/.test(f.url)],
  ["app bundle (.next/server: Tenancy, tRPC, zod, Better Auth)", (f) => /\.next\/server/.test(f.url)],
  ["zod", (f) => /node_modules\/(\.pnpm\/)?zod/.test(f.url)],
  ["node:http / net / streams", (f) => /^node:(_http|http|net|stream|internal\/streams|internal\/http)|^node:internal\/(stream|http)/.test(f.url)],
  ["node: async_hooks / AsyncLocalStorage", (f) => /async_hooks|async_local_storage|AsyncLocalStorage/.test(f.url + f.functionName)],
  ["node: crypto", (f) => /crypto/.test(f.url)],
  ["node: other internals", (f) => f.url.startsWith("node:")],
  ["other JS", () => true],
];

/** Time under these functions anywhere on the stack (inclusive; phases may overlap). */
const PHASES: [string, RegExp][] = [
  ["session lookup (Better Auth getSession)", /^(getSession|sessionUserFromHeaders|sessionUser)$/],
  ["API token authentication", /^(authenticateApiToken)$/],
  ["request context (auth total)", /^(createRequestContext|requestContext)$/],
  ["/v1 handler", /^handleV1Request$/],
  ["Prisma (any)", /^(\$transaction|_request|request|_executeRequest|executeRequest)$/],
  ["pg query", /^(query|performIO)$/],
];

function frameLabel(f: CallFrame): string {
  const file = f.url ? f.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "").replace(/.*\.next\//, ".next/") : "";
  return `${f.functionName || "(anonymous)"} ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
}

export function summariseProfile(
  file: string,
  options: { fromEndMs?: [number, number]; requests?: number } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const [fromStart, fromEnd] = options.fromEndMs ?? [Number.POSITIVE_INFINITY, 0];
  const windowStart = profile.endTime - fromStart * 1000;
  const windowEnd = profile.endTime - fromEnd * 1000;

  const components: Record<string, number> = {};
  const phases: Record<string, number> = {};
  const self = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  const componentOf = new Map<number, string>();
  const phasesOf = new Map<number, string[]>();
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // Each sample accounts for the time until the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (t < windowStart || t > windowEnd) continue;
    const id = profile.samples[i]!;
    const node = byId.get(id)!;
    total += dt;
    let component = componentOf.get(id);
    if (!component) {
      component = COMPONENTS.find(([, test]) => test(node.callFrame))![0];
      componentOf.set(id, component);
    }
    components[component] = (components[component] ?? 0) + dt;
    const label = frameLabel(node.callFrame);
    self.set(label, (self.get(label) ?? 0) + dt);
    let stackPhases = phasesOf.get(id);
    if (!stackPhases) {
      const found = new Set<string>();
      for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
        const name = byId.get(current)!.callFrame.functionName;
        for (const [phase, pattern] of PHASES) if (pattern.test(name)) found.add(phase);
      }
      stackPhases = [...found];
      phasesOf.set(id, stackPhases);
    }
    for (const phase of stackPhases) phases[phase] = (phases[phase] ?? 0) + dt;
  }
  const idle = components.idle ?? 0;
  const busy = total - idle;
  const requests = options.requests ?? 0;
  const topSelf = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([frame, ms]) => ({ frame, ms }));

  const pct = (ms: number) => `${((ms / Math.max(busy, 1e-9)) * 100).toFixed(1).padStart(5)}%`;
  const perReq = (ms: number) => (requests > 0 ? `${(ms / requests).toFixed(3).padStart(7)} ms/req` : "");
  const lines = [
    `window ${total.toFixed(0)} ms, busy ${busy.toFixed(0)} ms (${((busy / Math.max(total, 1e-9)) * 100).toFixed(0)}% of the main thread)` +
      (requests ? `, ${requests} requests, ${(busy / requests).toFixed(3)} ms CPU/request` : ""),
    "by component (self time of the leaf frame, % of busy):",
    ...Object.entries(components)
      .filter(([name]) => name !== "idle")
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `  ${pct(ms)} ${perReq(ms)}  ${name}`),
    "by phase (inclusive; overlapping):",
    ...Object.entries(phases)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `  ${pct(ms)} ${perReq(ms)}  ${name}`),
    "top self frames:",
    ...topSelf.slice(0, 15).map(({ frame, ms }) => `  ${pct(ms)}  ${frame}`),
  ];
  return { windowMs: total, busyMs: busy, requests, components, phases, topSelf, lines };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, start, end] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx src/http/profile.ts <file.cpuprofile> [fromEndStartMs fromEndEndMs]");
    process.exit(2);
  }
  const summary = summariseProfile(file, start && end ? { fromEndMs: [Number(start), Number(end)] } : {});
  console.log(summary.lines.join("\n"));
}
