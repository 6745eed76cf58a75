import { expect, test } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  fillSignUpForm,
  inviteViaApi,
  newVisitor,
  pathOf,
  screenshot,
  signedUpUser,
  uniqueEmail,
} from "./support";

// An invitation listed under your account (accepted by id, not by the emailed link) needs a verified
// address: sign up, see why nothing is listed, verify through the emailed link, then accept.
test("a new user verifies their email through the dev mailbox, then sees and accepts the invitation waiting for it", async ({
  browser,
  baseURL,
}) => {
  const admin = await signedUpUser(browser, baseURL!, "vadmin", "Vic Admin");
  const org = await createOrgViaApi(admin, baseURL!, "Verified Co");
  const newcomer = { name: "Nell Newcomer", email: uniqueEmail("nell") };
  await inviteViaApi(admin, baseURL!, org, newcomer.email, "admin");

  const { context, page } = await newVisitor(browser);

  await test.step("signs up: a banner asks to verify, and the invitation list says why it is empty", async () => {
    await page.goto("/sign-up");
    await fillSignUpForm(page, newcomer);
    await expect(page).toHaveURL(/\/welcome$/);
    const banner = page.getByTestId("verify-email-banner");
    await expect(banner).toContainText("Verify your email address");
    await expect(banner).toContainText(newcomer.email);
    const invitations = page.getByTestId("my-invitations");
    await expect(invitations).toContainText("Verify your email address to see your invitations");
    await expect(invitations.getByTestId("my-invitation-accept")).toHaveCount(0);
    await screenshot(page, "verify-email-banner");
    await expectNoSeriousA11yViolations(page, test.info(), "verify-email-banner");
  });

  await test.step("asks for a new link from the banner", async () => {
    const banner = page.getByTestId("verify-email-banner");
    await banner.getByRole("button", { name: "Resend verification email" }).click();
    await expect(banner.getByTestId("resend-verification-status")).toContainText(`Sent to ${newcomer.email}`);
  });

  await test.step("opens the newest verification email in the dev mailbox and follows its link", async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(newcomer.email)}`);
    const emails = page.locator('[data-testid="mailbox-email"][data-kind="email_verification"]');
    // One from the sign-up, one from the resend; newest first.
    await expect(emails).toHaveCount(2);
    const link = emails.first().getByRole("link", { name: /\/api\/auth\/verify-email/ });
    const href = (await link.getAttribute("href"))!;
    expect(new URL(href).searchParams.get("callbackURL")).toBe("/email-verified");
    await page.goto(pathOf(href));
    await expect(page).toHaveURL(/\/email-verified$/);
    await expect(page.getByRole("heading", { name: "Your email address is verified" })).toBeVisible();
    await screenshot(page, "email-verified");
    await expectNoSeriousA11yViolations(page, test.info(), "email-verified");
  });

  await test.step("back in the console: no banner, and the invitation is listed and accepted", async () => {
    await page.getByRole("link", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/welcome$/);
    await expect(page.getByTestId("verify-email-banner")).toHaveCount(0);
    const item = page.getByTestId(`my-invitation-${org.handle}`);
    await expect(item).toContainText("Verified Co");
    await item.getByRole("button", { name: "Accept the invitation to Verified Co" }).click();
    await expect(page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(page.getByTestId("overview-role")).toHaveText("Admin");
  });

  await context.close();
  await admin.context.close();
});

test("a used or broken verification link says so, and offers a new one to the signed-in user", async ({
  browser,
  baseURL,
}) => {
  const user = await signedUpUser(browser, baseURL!, "broken");
  await user.page.goto("/api/auth/verify-email?token=not-a-real-token&callbackURL=%2Femail-verified");
  await expect(user.page).toHaveURL(/\/email-verified\?error=INVALID_TOKEN$/);
  await expect(user.page.getByRole("heading", { name: "We couldn't verify your email address" })).toBeVisible();
  await expect(user.page.getByText("This verification link isn't valid.")).toBeVisible();
  await user.page.getByRole("button", { name: "Resend verification email" }).click();
  await expect(user.page.getByTestId("resend-verification-status")).toContainText(`Sent to ${user.email}`);
  await user.context.close();
});
