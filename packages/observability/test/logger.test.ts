import { describe, expect, it } from "vitest";

import { createLogger, parseLogFormat, parseLogLevel, redactRequestPath, type LoggerOptions } from "../src/logger.mjs";
import { annotateResponse, takeAnnotations } from "../src/request-annotations.mjs";

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, write: (line) => lines.push(line) });
  return { logger, lines };
}

describe("the logger", () => {
  it("writes one JSON object per line with time, level, scope, msg and the fields", () => {
    const { logger, lines } = capture({ format: "json" });
    logger.child("mail", { instance: "a" }).info("delivered", { count: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "info", scope: "mail", msg: "delivered", instance: "a", count: 2 });
    expect(new Date(entry.time as string).getTime()).toBeGreaterThan(0);
  });

  it("writes readable one-liners in the pretty format, with an error's stack below", () => {
    const { logger, lines } = capture({ format: "pretty" });
    logger.child("http").warn("slow request", { path: "/orgs/acme", durationMs: 812 });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}\[http\] slow request {2}path=\/orgs\/acme durationMs=812\n$/);
    logger.error("failed", { err: new Error("boom") });
    expect(lines[1]).toMatch(/ERROR failed {2}err=boom\n {4}Error: boom\n {8}at /);
  });

  it("drops lines below its level, and writes nothing when silent", () => {
    const { logger, lines } = capture({ format: "json", level: "warn" });
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    logger.error("d");
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["c", "d"]);
    expect(logger.enabled("info")).toBe(false);
    const silent = capture({ level: "silent" });
    silent.logger.error("x");
    expect(silent.lines).toEqual([]);
  });

  it("never writes a field that holds a credential, at any depth", () => {
    const { logger, lines } = capture({ format: "json" });
    logger.info("careful", {
      password: "hunter22",
      apiToken: "tnc_secret",
      session_token: "abc",
      cookie: "a=b",
      authorization: "Bearer x",
      acceptUrl: "https://x/invite/t",
      link: "https://x/verify?token=t",
      joinCode: "ABCD-EFGH",
      nested: { clientSecret: "s", tokenId: "tok_1", tokens: ["a"] },
      tokenId: "tok_2",
    });
    const text = lines[0]!;
    for (const secret of [
      "hunter22",
      "tnc_secret",
      '"abc"',
      "a=b",
      "Bearer x",
      "/invite/t",
      "verify?token",
      "ABCD-EFGH",
    ]) {
      expect(text).not.toContain(secret);
    }
    const entry = JSON.parse(text) as { nested: Record<string, unknown>; tokenId: string };
    expect(entry.nested).toEqual({ clientSecret: "[redacted]", tokenId: "tok_1", tokens: "[redacted]" });
    expect(entry.tokenId).toBe("tok_2");
  });

  it("serializes errors with their type, message, code, stack and cause", () => {
    const { logger, lines } = capture({ format: "json" });
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    logger.error("database unreachable", { err: new TypeError("wrapped", { cause }) });
    const entry = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(entry.err).toMatchObject({ type: "TypeError", message: "wrapped" });
    expect(entry.err.stack).toContain("TypeError: wrapped");
    expect(entry.err.cause).toMatchObject({ message: "connect ECONNREFUSED", code: "ECONNREFUSED" });
  });

  it("reads LOG_LEVEL and TENANCY_LOG_FORMAT, refusing values it does not know", () => {
    expect(parseLogLevel(undefined)).toBe("info");
    expect(parseLogLevel("DEBUG")).toBe("debug");
    expect(parseLogLevel("warning")).toBe("warn");
    expect(() => parseLogLevel("loud")).toThrow(/LOG_LEVEL must be one of/);
    expect(parseLogFormat({ NODE_ENV: "production" }, false)).toBe("json");
    expect(parseLogFormat({ NODE_ENV: "production" }, true)).toBe("pretty");
    expect(parseLogFormat({ NODE_ENV: "development" }, false)).toBe("pretty");
    expect(parseLogFormat({ NODE_ENV: "development", TENANCY_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(() => parseLogFormat({ TENANCY_LOG_FORMAT: "xml" }, false)).toThrow(/TENANCY_LOG_FORMAT/);
  });
});

describe("request paths in logs", () => {
  it("drop the query string and the credential segments", () => {
    expect(redactRequestPath("/invite/3f9a0c?utm=x")).toBe("/invite/:token");
    expect(redactRequestPath("/invite/3f9a0c/")).toBe("/invite/:token/");
    expect(redactRequestPath("/api/auth/reset-password/abc?callbackURL=/x")).toBe("/api/auth/reset-password/:token");
    expect(redactRequestPath("/api/auth/verify-email?token=eyJ")).toBe("/api/auth/verify-email");
    expect(redactRequestPath("/join?code=ABCD")).toBe("/join");
    expect(redactRequestPath("/orgs/acme/members")).toBe("/orgs/acme/members");
    expect(redactRequestPath("/invite")).toBe("/invite");
    expect(redactRequestPath(undefined)).toBe("/");
    expect(redactRequestPath(`/${"a".repeat(2000)}`)).toHaveLength(513);
  });
});

describe("request annotations", () => {
  it("travel as response headers the front reads and removes", () => {
    const headers = new Headers();
    annotateResponse(headers, {
      procedures: ["organizations.get", "organizations.members.list", "organizations.get"],
      actor: "user",
      rateLimits: [],
    });
    expect(headers.get("x-tenancy-procedure")).toBe("organizations.get,organizations.members.list");
    expect(headers.has("x-tenancy-rate-limit")).toBe(false);

    const outgoing = new Map<string, unknown>([...headers].map(([name, value]) => [name, value]));
    outgoing.set("x-tenancy-rate-limit", "redeem:user");
    outgoing.set("content-type", "application/json");
    const res = {
      getHeader: (name: string) => outgoing.get(name),
      removeHeader: (name: string) => outgoing.delete(name),
    };
    expect(takeAnnotations(res)).toEqual({
      procedures: ["organizations.get", "organizations.members.list"],
      actor: "user",
      rateLimits: ["redeem:user"],
    });
    expect([...outgoing.keys()]).toEqual(["content-type"]);
    expect(takeAnnotations(res)).toEqual({ procedures: [], actor: null, rateLimits: [] });
  });
});
