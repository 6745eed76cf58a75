import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { freePort, startConsoleServer } from "../../../scripts/with-server.mjs";

// Starting and stopping: a graceful stop (readiness first, in-flight requests finished, a stuck one
// cut at the timeout, the database closed, exit 0), and `npm start` as a person runs it in a
// terminal: quiet, one last line, Ctrl-C without any npm or pnpm error.
const root = path.resolve(import.meta.dirname, "..", "..", "..");

/** A POST whose body is sent in two parts, the second when asked: a request kept in flight. */
function slowRequest(baseUrl: string) {
  const body = JSON.stringify({ name: "Slow Org" });
  const url = new URL(`${baseUrl}/v1/organizations/create`);
  let finish!: () => void;
  const answered = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
          );
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, 5));
      finish = () => request.end(body.slice(5));
    },
  );
  return { answered, finish: () => finish() };
}

describe("a graceful stop (SIGTERM)", () => {
  it("turns readiness to 503, finishes the requests in flight, cuts a stuck one at the timeout, closes the database, exits 0", async () => {
    const server = await startConsoleServer({
      keepData: true,
      env: { TENANCY_SHUTDOWN_DELAY_SECONDS: "1", TENANCY_SHUTDOWN_TIMEOUT_SECONDS: "2" },
    });
    try {
      const finishing = slowRequest(server.baseUrl);
      const stuck = slowRequest(server.baseUrl);
      const stuckOutcome = stuck.answered.then(
        () => "answered",
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
      // Both requests have reached the server (the front counts them in flight; on a loaded machine
      // another, such as a late readiness probe of the start, may still be in flight too).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalled = Date.now();
      process.kill(server.pid, "SIGTERM");

      // During the delay a load balancer sees it is going away; liveness still answers.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const ready = await fetch(`${server.baseUrl}/api/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "stopping" });
      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", stopping: true });

      // The request in flight is answered in full, and told to reconnect elsewhere.
      finishing.finish();
      const answer = await finishing.answered;
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "unauthenticated" } });
      expect(answer.headers.connection).toBe("close");

      // The stuck one is cut when the timeout runs out; then the server exits, cleanly.
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const tookSeconds = (Date.now() - signalled) / 1000;
      expect(tookSeconds).toBeGreaterThanOrEqual(3);
      expect(tookSeconds).toBeLessThan(10);
      expect(await stuckOutcome).not.toBe("answered");
      // Nothing is accepted any more.
      await expect(fetch(`${server.baseUrl}/api/health`)).rejects.toThrow();

      const messages = readFileSync(server.logFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      const index = (pattern: RegExp) => messages.findIndex((msg) => pattern.test(msg));
      const steps = [
        /^SIGTERM: stopping; readiness now answers 503, new connections taken for 1s more, \d+ request\(s\) in flight/,
        /^POST \/v1\/organizations\/create 401/,
        /^1 request\(s\) still running after 2s: closing their connections$/,
        /^database closed \(embedded PGlite\)$/,
        /^stopped$/,
      ].map(index);
      expect(
        steps.every((step) => step >= 0),
        messages.join("\n"),
      ).toBe(true);
      expect(steps).toEqual([...steps].sort((x, y) => x - y));
    } finally {
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});

describe("a database that does not answer", () => {
  it("starts anyway, says why it is NOT READY, answers 503 on /api/ready and 200 on /api/health, stops cleanly", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      // Nothing listens on port 9: every connection is refused.
      DATABASE_URL: "postgres://tenancy@127.0.0.1:9/tenancy",
      BETTER_AUTH_SECRET: "an-operator-secret-an-operator-secret-0001",
      TENANCY_LICENSE_PRIVATE_KEY: generateKeyPairSync("ed25519")
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString(),
      TENANCY_PUBLIC_URL: "https://tenancy.example.com",
      TENANCY_LOG_FORMAT: "json",
    };
    for (const name of ["SMTP_URL", "TENANCY_DATA_DIR", "LOG_LEVEL"]) delete env[name];
    const child = spawn(process.execPath, [path.join(root, "apps", "console", "server.mjs")], {
      cwd: path.join(root, "apps", "console"),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes("NOT READY")) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`No NOT READY line:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const line = output
        .split("\n")
        .map((text) => (text.trim() ? (JSON.parse(text) as { level: string; msg: string }) : null))
        .find((entry) => entry?.msg.includes("NOT READY"))!;
      expect(line.level).toBe("warn");
      expect(line.msg).toContain(
        `Tenancy is listening on http://127.0.0.1:${port} but is NOT READY (database: Can't reach database server at 127.0.0.1:9;`,
      );
      expect(line.msg).toContain("database: PostgreSQL tenancy@127.0.0.1:9/tenancy");
      expect(line.msg).toContain("mail: outbox only: SMTP_URL is not set");

      const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: "not_ready",
        checks: {
          database: { ok: false, error: "Can't reach database server at 127.0.0.1:9" },
          migrations: { ok: false },
        },
      });
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toContain('"msg":"stopped"');
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("npm start in a terminal", () => {
  it(
    "ends with one line (URL, database, mail), and Ctrl-C stops it without any npm or pnpm error",
    { timeout: 420_000 },
    async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "tenancy-npm-start-"));
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TENANCY_DATA_DIR: dataDir, NO_COLOR: "1" };
      // As a person types it: no NODE_ENV (vitest sets one), nothing from the test run.
      for (const name of [
        "NODE_ENV",
        "DATABASE_URL",
        "SMTP_URL",
        "BETTER_AUTH_SECRET",
        "TENANCY_LOG_FORMAT",
        "LOG_LEVEL",
        // turbo sets it for the test run; with NO_COLOR also set, Node warns (twice a line) as it loads.
        "FORCE_COLOR",
      ])
        delete env[name];
      // Nor the npm_config_* settings pnpm passes to the test run (npm warns about each one it does not know).
      for (const name of Object.keys(env)) if (/^(npm|pnpm)_/i.test(name)) delete env[name];
      // `script` gives npm a terminal; a Ctrl-C typed into it reaches npm's process group, as a terminal's does.
      const child = spawn("script", ["-qefc", "npm start", "/dev/null"], {
        cwd: root,
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      try {
        const deadline = Date.now() + 400_000;
        while (!/Tenancy is ready on [^\n]*\n/.test(output)) {
          if (child.exitCode !== null || Date.now() > deadline)
            throw new Error(`npm start did not get ready:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const started = output
          .replace(/\r/g, "")
          .split("\n")
          .filter((line) => line.trim() !== "");
        const last = started.at(-1)!;
        expect(last).toMatch(
          new RegExp(
            `INFO  \\[tenancy\\] Tenancy is ready on http://localhost:${port}  ·  database: embedded PGlite in ${dataDir}/pglite` +
              `  ·  mail: dev mailbox at http://localhost:${port}/dev/mailbox  ·  Ctrl-C stops it$`,
          ),
        );
        // Quiet: npm's two lines, install, build, a first run's migrations, the ready line. No route table, no turbo.
        expect(started.length, output).toBeLessThanOrEqual(6);
        for (const noise of ["Route (app)", "Tasks:", "turbo", "@tenancy/console:build", "Running next.config"])
          expect(output).not.toContain(noise);
        expect((await fetch(`http://127.0.0.1:${port}/api/ready`)).status).toBe(200);

        child.stdin.write("\x03");
        const code = await exited;
        const stopped = output.replace(/\r/g, "");
        expect(stopped).toMatch(/\[tenancy\] SIGINT: stopping; readiness now answers 503/);
        expect(stopped).toMatch(/\[tenancy\] database closed \(embedded PGlite\)\n/);
        expect(stopped.trimEnd()).toMatch(/\[tenancy\] stopped$/);
        for (const failure of ["ELIFECYCLE", "ERR_PNPM", "Command failed", "npm error", "npm ERR"])
          expect(stopped).not.toContain(failure);
        // The server exits 0; npm, interrupted itself, reports 130 (128 + SIGINT) and prints nothing.
        expect([0, 130]).toContain(code);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
