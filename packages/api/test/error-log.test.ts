import { describe, expect, it } from "vitest";

import type { Database } from "@tenancy/db/client";

import { createRequestContext } from "../src/context";
import { createCaller } from "../src/root";
import { captureLogs, testConfig } from "./harness";

// An unexpected failure inside a procedure is logged once, as an error line carrying the request's
// id (which the HTTP front put in X-Request-Id) and the procedure, never the input.

/** A database whose every call (db.x.y(...) at any depth) fails, as one that went away would. */
const failing = (): unknown =>
  new Proxy(() => undefined, {
    get: (_target, property) => (property === "then" ? undefined : failing()),
    apply: () => Promise.reject(new Error("connection terminated unexpectedly")),
  });
const brokenDatabase = failing() as Database;

describe("errors in the log", () => {
  it("carry the request id and the procedure, not the input", async () => {
    const logged = captureLogs();
    const ctx = {
      ...(await createRequestContext({
        db: brokenDatabase,
        headers: new Headers({ "x-request-id": "req-42" }),
        config: testConfig,
      })),
      // The signed-in caller, as the session lookup would resolve it.
      actor: { type: "user" as const, userId: "u1", email: "ada@example.com", name: "Ada", emailVerified: true },
    };
    expect(ctx.requestId).toBe("req-42");
    await expect(createCaller(ctx).organizations.create({ name: "Secret Project Name" })).rejects.toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
    });

    logged.restore();
    expect(logged.lines).toHaveLength(1);
    const entry = logged.lines[0] as unknown as Record<string, unknown> & { err: { message: string; stack: string } };
    expect(entry).toMatchObject({
      level: "error",
      scope: "api",
      msg: "organizations.create failed",
      procedure: "organizations.create",
      requestId: "req-42",
    });
    expect(entry.err.message).toBe("connection terminated unexpectedly");
    expect(entry.err.stack).toContain("connection terminated unexpectedly");
    expect(JSON.stringify(entry)).not.toContain("Secret Project Name");
  });
});
