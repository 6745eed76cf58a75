import { describe, expect, it } from "vitest";

import { heapSizeChosen, SERVER_MAX_OLD_SPACE_MB, withServerHeapBudget } from "../../../scripts/server-heap.mjs";

// The server's heap budget applies unless the operator chose a heap size; theirs always wins.
describe("the server's heap budget", () => {
  it("is left alone when a heap size was chosen, as a flag or in NODE_OPTIONS", () => {
    expect(heapSizeChosen([], undefined)).toBe(false);
    expect(heapSizeChosen(["--enable-source-maps"], "--import x.mjs")).toBe(false);
    expect(heapSizeChosen(["--max-old-space-size=512"], undefined)).toBe(true);
    expect(heapSizeChosen([], "--inspect  --max-old-space-size=1024")).toBe(true);
    // Another flag that merely starts the same way is not a heap size.
    expect(heapSizeChosen(["--max-old-space-size-percentage=50"], undefined)).toBe(false);
  });

  it("goes first in a server's NODE_OPTIONS, so the caller's own heap size (later) wins", () => {
    expect(withServerHeapBudget(undefined)).toBe(`--max-old-space-size=${SERVER_MAX_OLD_SPACE_MB}`);
    expect(withServerHeapBudget(" --max-old-space-size=512 ")).toBe(
      `--max-old-space-size=${SERVER_MAX_OLD_SPACE_MB} --max-old-space-size=512`,
    );
  });
});
