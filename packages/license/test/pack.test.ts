import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signLicenseKey } from "../src/index";

/**
 * Proof that a deployment can verify keys with @tenancy/license alone: build it, `pnpm pack` it,
 * install the tarball with npm (offline: it has no dependencies) into a project outside the
 * workspace, typecheck a TypeScript consumer against its declarations and run a plain Node program
 * that holds nothing but the public key.
 */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = path.join(packageDir, "node_modules", "typescript", "bin", "tsc");
const nodeTypes = path.join(packageDir, "node_modules", "@types");

let project = "";
const issuer = generateKeyPairSync("ed25519");
const publicPem = issuer.publicKey.export({ type: "spki", format: "pem" }).toString();
const DAY = 86_400_000;
const base = {
  licenseId: "lic-1",
  plan: "team",
  planName: "Team",
  seats: 10,
  deployments: 3,
  features: ["sso"],
  customer: "Acme",
  validFrom: new Date(Date.now() - DAY),
  issuedAt: new Date(Date.now() - DAY),
};
const validKey = signLicenseKey({ ...base, expiresAt: new Date(Date.now() + DAY) }, issuer.privateKey);
const expiredKey = signLicenseKey({ ...base, expiresAt: new Date(Date.now() - 1000) }, issuer.privateKey);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}\n${result.stderr}` };
}

beforeAll(() => {
  execFileSync("pnpm", ["run", "build"], { cwd: packageDir, stdio: "inherit" });
  project = mkdtempSync(path.join(os.tmpdir(), "tenancy-license-consumer-"));
  execFileSync("pnpm", ["pack", "--pack-destination", project], { cwd: packageDir, stdio: "inherit" });
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "deployment", private: true, type: "module" }),
  );
  const install = run("npm", ["install", "--offline", "--no-audit", "--no-fund", `./${tarball}`], project);
  expect(install.status, install.output).toBe(0);
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("@tenancy/license, packed and installed outside the workspace", () => {
  it("ships built JavaScript and declarations, and no dependencies", () => {
    const installed = path.join(project, "node_modules", "@tenancy", "license");
    const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.exports).toEqual({ ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readdirSync(path.join(installed, "dist")).sort()).toEqual(["index.d.ts", "index.js"]);
  });

  it("verifies a key with only the public key, and refuses expired and tampered keys", () => {
    writeFileSync(
      path.join(project, "check.mjs"),
      `import { readFileSync } from "node:fs";
import { verifyLicenseKey, hasFeature } from "@tenancy/license";
const publicKey = readFileSync("public.pem", "utf8");
const [valid, expired, tampered] = process.argv.slice(2);
const ok = verifyLicenseKey(valid, publicKey);
console.log(JSON.stringify({
  valid: ok.valid, seats: ok.valid ? ok.license.seats : null, sso: ok.valid && hasFeature(ok.license, "sso"),
  expired: verifyLicenseKey(expired, publicKey).reason,
  tampered: verifyLicenseKey(tampered, publicKey).reason,
}));
`,
    );
    writeFileSync(path.join(project, "public.pem"), publicPem);
    const [prefix, payload, signature] = validKey.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, seats: 999 })).toString("base64url")}.${signature}`;
    const result = run(process.execPath, ["check.mjs", validKey, expiredKey, tampered], project);
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      seats: 10,
      sso: true,
      expired: "expired",
      tampered: "bad_signature",
    });
  });

  it("typechecks a TypeScript consumer against the shipped declarations", () => {
    writeFileSync(
      path.join(project, "consumer.ts"),
      `import { verifyLicenseKey, type LicenseKeyVerification } from "@tenancy/license";
const result: LicenseKeyVerification = verifyLicenseKey("tnc_lic1.x.y", "-----BEGIN PUBLIC KEY-----");
if (result.valid) {
  const seats: number | null = result.license.seats;
  const expires: Date | null = result.license.expiresAt;
  console.log(seats, expires);
} else {
  const reason: "malformed" | "unknown_key" | "bad_signature" | "expired" | "not_yet_valid" = result.reason;
  console.log(reason);
}
`,
    );
    writeFileSync(
      path.join(project, "bad.ts"),
      `import { verifyLicenseKey } from "@tenancy/license";\nverifyLicenseKey(42);\n`,
    );
    const options = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      types: ["node"],
      typeRoots: [nodeTypes],
    };
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: options, files: ["consumer.ts"] }),
    );
    writeFileSync(
      path.join(project, "tsconfig.bad.json"),
      JSON.stringify({ compilerOptions: options, files: ["bad.ts"] }),
    );
    const good = run(process.execPath, [tsc, "-p", "tsconfig.json"], project);
    expect(good.status, good.output).toBe(0);
    const bad = run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], project);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/bad\.ts/);
  });
});
