// Summarises a V8 .cpuprofile (the format of node --cpu-prof; cpu-profiler.mjs records only the load
// window): where the server's CPU went, by component (self time, source-mapped through the Next
// build's .map files, native frames counted for their JS caller) and by phase (time with a given
// package anywhere on the synchronous stack). Alone: `tsx src/http/profile.ts <file> [requests]`.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
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

/**
 * Components by package path (what follows the last `node_modules/`, so pnpm's folder names such as
 * `better-auth@1.7.25_@prisma+client@7.10.0` do not count), or the source path outside node_modules.
 * First match wins.
 */
const COMPONENTS: [string, RegExp][] = [
  ["Prisma query compiler (wasm)", /^wasm:\/\/|query_compiler/],
  ["Prisma client runtime", /^@prisma\/(client|debug|client-runtime-utils)\/|generated\/prisma/],
  [
    "pg driver + Prisma pg adapter",
    /^(pg|pg-protocol|pg-pool|pg-types|pg-cloudflare|postgres-[a-z]+|@prisma\/adapter-pg|@prisma\/driver-adapter-utils)\//,
  ],
  ["PGlite", /^(@electric-sql\/pglite|pglite-prisma-adapter)\//],
  [
    "Better Auth (better-auth, better-call, kysely, rou3, jose)",
    /^(better-auth|better-call|@better-auth\/[^/]+|rou3|kysely|jose|@noble\/[^/]+|defu)\//,
  ],
  ["tRPC", /^@trpc\//],
  ["zod", /^zod\//],
  ["superjson", /^(superjson|copy-anything|is-what)\//],
  ["Next.js server", /^next\/|^\[next\]/],
  ["React", /^(react|react-dom|react-server-dom-[a-z]+|scheduler)\//],
  ["Tenancy code (packages/*, apps/console)", /(^|\/)(packages\/(api|db)\/src|apps\/console\/src)\//],
  [
    "node: http / net / streams",
    /^node:(_http|http|net|stream|internal\/(streams|stream_base|http|webstreams|js_stream))/,
  ],
  ["node: fetch API objects (undici Request/Response/Headers)", /^node:internal\/deps\/undici/],
  [
    "node: async_hooks / AsyncLocalStorage",
    /^node:(async_hooks|internal\/async_hooks|internal\/async_local_storage|internal\/async_context_frame)/,
  ],
  ["node: crypto (cookie HMAC, hashing)", /^node:internal\/crypto|^node:crypto/],
  ["node: microtasks / timers / events", /^node:(internal\/process\/task_queues|internal\/timers|timers|events)/],
  ["node: other", /^node:/],
];

/** Time with these packages anywhere on the (synchronous) stack; async continuations are not included. */
const PHASES: [string, RegExp][] = [
  [
    "under Better Auth code (Tenancy: the session lookup; plugin: all of it)",
    /^(better-auth|better-call|@better-auth\/[^/]+)\//,
  ],
  ["under Prisma client code", /^@prisma\/client\//],
  ["under tRPC code", /^@trpc\//],
  ["under Next.js code", /^next\//],
];

const SPECIAL = new Map([
  ["(idle)", "idle"],
  ["(garbage collector)", "GC"],
  ["(program)", "V8 (program)"],
  ["(root)", "V8 (program)"],
]);

const sourceMaps = new Map<string, SourceMap | null>();

/** The original source of a frame in a bundled file that has a .map next to it (the built Next server). */
function originalSource(frame: CallFrame): string {
  if (!frame.url.startsWith("file://") || !frame.url.includes("/.next/")) return frame.url;
  const file = fileURLToPath(frame.url);
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  if (!map) return frame.url;
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalSource?: string };
  return entry.originalSource ? decodeURIComponent(entry.originalSource) : frame.url;
}

function shortPath(source: string): string {
  return source
    .replace(/^file:\/\//, "")
    .replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/^(\.\.\/)+/, "");
}

export function summariseProfile(file: string, options: { requests?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }

  const sourceOf = new Map<number, string>();
  const source = (id: number) => {
    let value = sourceOf.get(id);
    if (value === undefined) {
      value = originalSource(byId.get(id)!.callFrame);
      sourceOf.set(id, value);
    }
    return value;
  };
  /** Native frames (no url: writev, crypto jobs, runMicrotasks) count for their nearest JS caller. */
  const jsAncestor = (id: number): number | undefined => {
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current))
      if (byId.get(current)!.callFrame.url) return current;
    return undefined;
  };
  const classified = new Map<number, { component: string; label: string; phases: string[] }>();
  const classify = (id: number) => {
    const known = classified.get(id);
    if (known) return known;
    const frame = byId.get(id)!.callFrame;
    const special = SPECIAL.get(frame.functionName);
    let component: string;
    let label: string;
    if (special) {
      component = special;
      label = frame.functionName;
    } else {
      const owner = jsAncestor(id);
      const ownerSource = owner === undefined ? "" : source(owner);
      const ownerPath = shortPath(ownerSource);
      component = COMPONENTS.find(([, pattern]) => pattern.test(ownerPath))?.[0] ?? "other JS";
      const name = frame.functionName || "(anonymous)";
      label = frame.url
        ? `${name} ${shortPath(ownerSource)}`
        : `${name} (native) <- ${owner === undefined ? "?" : `${byId.get(owner)!.callFrame.functionName || "(anonymous)"} ${shortPath(ownerSource)}`}`;
    }
    const found = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      if (!byId.get(current)!.callFrame.url) continue;
      const src = shortPath(source(current));
      for (const [phase, pattern] of PHASES) if (pattern.test(src)) found.add(phase);
    }
    const result = { component, label, phases: [...found] };
    classified.set(id, result);
    return result;
  };

  const components: Record<string, number> = {};
  const phases: Record<string, number> = {};
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // Each sample accounts for the time until the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const { component, label, phases: stackPhases } = classify(profile.samples[i]!);
    total += dt;
    components[component] = (components[component] ?? 0) + dt;
    self.set(label, (self.get(label) ?? 0) + dt);
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
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx src/http/profile.ts <file.cpuprofile> [requests]");
    process.exit(2);
  }
  const summary = summariseProfile(file, { requests: Number(requests ?? 0) });
  console.log(summary.lines.join("\n"));
}
