import type { TestProject } from "vitest/node";

import { startConsoleServer } from "../../../scripts/with-server.mjs";

/** Redeem attempts (join, accept, decline) allowed per user per minute: low enough to reach in a test. */
const REDEEM_LIMIT = 5;

/** The platform operator the contract and HTTP tests sign up as. */
const OPERATOR_EMAIL = "contract-operator@example.com";

export default async function setup(project: TestProject) {
  const server = await startConsoleServer({
    env: {
      TENANCY_RATE_REDEEM_PER_USER: String(REDEEM_LIMIT),
      TENANCY_RATE_REDEEM_PER_IP: "1000",
      TENANCY_RATE_PREVIEW_PER_IP: "1000",
      TENANCY_OPERATOR_EMAILS: OPERATOR_EMAIL,
    },
  });
  project.provide("baseUrl", server.baseUrl);
  project.provide("serverLog", server.logFile);
  project.provide("dataDir", server.dataDir);
  project.provide("redeemLimit", REDEEM_LIMIT);
  project.provide("operatorEmail", OPERATOR_EMAIL);
  return async () => {
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    serverLog: string;
    /** TENANCY_DATA_DIR of the running server. */
    dataDir: string;
    redeemLimit: number;
    operatorEmail: string;
  }
}
