import { expect, test } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  inviteViaApi,
  pathOf,
  screenshot,
  signedUpUser,
  uniqueEmail,
  v1,
} from "./support";

test("an invitation opened while signed in as someone else is refused with a clear message", async ({
  browser,
  baseURL,
}) => {
  const admin = await signedUpUser(browser, baseURL!, "wadmin", "Wes Admin");
  const org = await createOrgViaApi(admin, baseURL!, "Wrong Account Co");
  const invitedEmail = uniqueEmail("xavier");
  const acceptUrl = await inviteViaApi(admin, baseURL!, org, invitedEmail);
  const other = await signedUpUser(browser, baseURL!, "yara", "Yara Other");
  const page = other.page;

  await test.step("the accept page says it is the wrong account and offers no accept button", async () => {
    await page.goto(pathOf(acceptUrl));
    await expect(page.getByTestId("invite-state-wrong-account")).toBeVisible();
    const alert = page.getByRole("alert").filter({ hasText: "different account" });
    await expect(alert).toContainText("You're signed in with a different account");
    await expect(alert).toContainText(`This invitation is for ${invitedEmail}; you're signed in as ${other.email}.`);
    await expect(page.getByRole("button", { name: /^Accept/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Sign out and switch account" })).toBeVisible();
    await screenshot(page, "accept-invitation-wrong-account");
    await expectNoSeriousA11yViolations(page, test.info(), "accept-invitation-wrong-account");
  });

  await test.step("the server refuses the accept too, and the invitation stays pending", async () => {
    const token = new URL(acceptUrl).pathname.split("/").pop()!;
    const refused = await v1(other.context.request, baseURL!, "invitations/accept", { token });
    expect(refused.status).toBe(403);
    expect((refused.json.error as { code: string }).code).toBe("email_mismatch");
    const memberships = await v1(other.context.request, baseURL!, "get", { organizationId: org.id });
    expect(memberships.status).toBe(404);
    await page.reload();
    await expect(page.getByTestId("invite-state-wrong-account")).toBeVisible();
  });

  await admin.context.close();
  await other.context.close();
});
