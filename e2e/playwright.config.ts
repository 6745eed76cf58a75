import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));

// Screenshots of the main pages land here (git-ignored).
mkdirSync(path.join(here, "artifacts"), { recursive: true });

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
  // Starts the console (scripts/with-server.mjs) and sets E2E_BASE_URL before the workers start.
  globalSetup: "./global-setup.ts",
  use: {
    // Read again in each worker, after global setup set it.
    baseURL: process.env.E2E_BASE_URL,
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
});
