import { expect, test } from "@playwright/test";

import { createOrgViaApi, signedUpUser, v1 } from "./support";

test("the server answers and an API sign-up gets a session", async ({ browser, baseURL }) => {
  const user = await signedUpUser(browser, baseURL!, "smoke");
  const org = await createOrgViaApi(user, baseURL!, "Smoke Org");
  const { status, json } = await v1(user.context.request, baseURL!, "get", { organizationId: org.handle });
  expect(status).toBe(200);
  expect(JSON.stringify(json)).toContain(org.handle);
  await user.context.close();
});
