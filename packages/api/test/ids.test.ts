import { describe, expect, it } from "vitest";

import { uuidv7 } from "../src/domain/ids";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 UUID whose first 48 bits are the milliseconds, unique and time-ordered", () => {
    const at = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(at + i));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });
});
