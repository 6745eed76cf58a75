import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startConsoleServer } from "../../../scripts/with-server.mjs";

/**
 * Proof that @tenancy/client works outside the monorepo: build it, `pnpm pack` it, install the
 * tarball with npm into a temporary project (its own package.json, dependencies from the registry),
 * typecheck a consumer program (and a file of deliberate type errors that must fail), then run the
 * consumer against a live server.
 */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const consumerSources = path.join(packageDir, "test", "consumer");
const typescriptVersion = (
  JSON.parse(readFileSync(path.join(packageDir, "node_modules/typescript/package.json"), "utf8")) as {
    version: string;
  }
).version;

let project = "";
let server: Awaited<ReturnType<typeof startConsoleServer>>;

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_fund: "false" } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

beforeAll(async () => {
  const started = startConsoleServer();
  execFileSync("pnpm", ["run", "build"], { cwd: packageDir, stdio: "inherit" });
  project = mkdtempSync(path.join(os.tmpdir(), "tenancy-client-consumer-"));
  execFileSync("pnpm", ["pack", "--pack-destination", project], { cwd: packageDir, stdio: "inherit" });
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "tenancy-consumer", private: true, type: "module" }, null, 2),
  );
  const base = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, types: ["node"] };
  writeFileSync(
    path.join(project, "tsconfig.json"),
    // skipLibCheck as most projects set it (@trpc/server's own declarations reference optional peers like
    // `ws`); our declarations are still fully used: bad.ts only fails if AppRouter's types are real.
    JSON.stringify({ compilerOptions: { ...base, outDir: "out", skipLibCheck: true }, files: ["consumer.ts"] }),
  );
  writeFileSync(
    path.join(project, "tsconfig.bad.json"),
    JSON.stringify({ compilerOptions: { ...base, noEmit: true, skipLibCheck: true }, files: ["bad.ts"] }),
  );
  for (const file of ["consumer.ts", "bad.ts"]) {
    writeFileSync(path.join(project, file), readFileSync(path.join(consumerSources, file), "utf8"));
  }
  const install = run(
    "npm",
    ["install", "--no-audit", "--no-fund", `./${tarball}`, `typescript@${typescriptVersion}`, "@types/node@20"],
    project,
  );
  expect(install.status, install.output).toBe(0);
  server = await started;
});

afterAll(async () => {
  await server?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("@tenancy/client, packed and installed outside the workspace", () => {
  it("ships self-contained declarations: no path into the API's sources, no Prisma or zod types", () => {
    const dist = path.join(project, "node_modules", "@tenancy", "client", "dist");
    const declarations = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"));
    expect(declarations).toContain("index.d.ts");
    for (const file of declarations) {
      const text = readFileSync(path.join(dist, file), "utf8");
      expect(text, file).not.toMatch(/@tenancy\/api|packages\/api|prisma|from "zod"|import\(/i);
    }
    const manifest = JSON.parse(readFileSync(path.join(dist, "..", "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@trpc/client", "@trpc/server", "superjson"]);
    expect(Object.values(manifest.dependencies).join(" ")).not.toMatch(/workspace:|catalog:/);
  });

  it("typechecks a consumer program and refuses one with type errors", () => {
    const good = run("npx", ["tsc", "-p", "tsconfig.json"], project);
    expect(good.status, good.output).toBe(0);
    const bad = run("npx", ["tsc", "-p", "tsconfig.bad.json"], project);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/bad\.ts\(\d+,\d+\): error TS2322/); // organizationId: 42
    expect(bad.output).toMatch(/bad\.ts\(\d+,\d+\): error TS2367/); // status === "approved"
    expect(bad.output).toMatch(/bad\.ts\(\d+,\d+\): error TS2339/); // members.promote
  });

  it("runs the consumer against a live server: user- and org-level calls, iterators, typed errors", async () => {
    const signUp = async (label: string) => {
      const email = `${label}-${Date.now().toString(36)}@example.com`;
      const response = await fetch(`${server.baseUrl}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.baseUrl },
        body: JSON.stringify({ name: label, email, password: "correct-horse-battery" }),
      });
      expect(response.status).toBe(200);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!;
      // members.add needs a verified email: open the link sign-up sent (kept in the dev mailbox).
      const mailbox = await (await fetch(`${server.baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`)).text();
      const link = /href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/.exec(mailbox)?.[1];
      expect(link, `no verification email for ${email}`).toBeDefined();
      expect((await fetch(link!.replace(/&amp;/g, "&"), { redirect: "manual" })).status).toBe(302);
      return { email, cookie: cookie.split(";")[0]! };
    };
    const owner = await signUp("owner");
    const member = await signUp("member");
    const result = run("node", ["out/consumer.js", server.baseUrl, owner.cookie, member.email], project);
    expect(result.status, result.output).toBe(0);
    const seen = JSON.parse(result.output.trim().split("\n")[0]!) as Record<string, unknown>;
    expect(seen).toEqual({
      createdAtIsDate: true,
      listed: true,
      members: [owner.email, member.email],
      added: member.email,
      invited: ["a@example.com", "b@example.com"],
      auditEvents: 5, // created, token minted, member added, two invitations
      lastOwner: { code: "last_owner", status: 409, fields: [] },
      invalid: { code: "invalid_input", status: 400, fields: ["name"] },
      tokenCannotMint: { code: "permission_denied", status: 403, fields: [] },
      unknown: { code: "organization_not_found", status: 404, fields: [] },
    });
  });
});
