import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));
// A fixed, uncommon port so a developer's `pnpm start` on 3000 doesn't collide.
const port = process.env.E2E_PORT ?? "39471";
process.env.E2E_PORT = port;
const baseURL = `http://127.0.0.1:${port}`;

// Screenshots of the main pages land here (git-ignored).
export const artifactsDir = path.join(here, "artifacts");
mkdirSync(artifactsDir, { recursive: true });

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  // One server and one database for the run; the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "./playwright-report" }]],
  use: {
    baseURL,
    browserName: "chromium",
    // Playwright can't download browsers here: drive Debian's Chromium.
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    timezoneId: "UTC",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "node scripts/serve-console.mjs",
    cwd: here,
    url: `${baseURL}/api/auth/ok`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets the wrapper stop `next start` and remove the temporary data folder.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
