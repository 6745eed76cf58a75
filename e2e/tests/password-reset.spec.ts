import { expect, test } from "@playwright/test";

import { expectNoSeriousA11yViolations, newVisitor, pathOf, PASSWORD, screenshot, signedUpUser } from "./support";

test("a person who forgot their password resets it through the emailed link (dev mailbox) and signs in with the new one", async ({
  browser,
  baseURL,
}) => {
  const user = await signedUpUser(browser, baseURL!, "forgetful", "Fern Forgetful");
  const { context, page } = await newVisitor(browser);
  const newPassword = "a much better password";

  await test.step("asks for a link from the sign-in page", async () => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password\?email=/);
    await expect(page.getByLabel("Email")).toHaveValue(user.email);
    await expectNoSeriousA11yViolations(page, test.info(), "forgot-password");
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect(page.getByTestId("forgot-password-sent")).toContainText(`If an account uses ${user.email}`);
  });

  let resetPath = "";
  await test.step("the email is in the dev mailbox; its link opens the reset page", async () => {
    await expect(page.getByRole("link", { name: "dev mailbox" })).toHaveAttribute("href", "/dev/mailbox");
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(user.email)}`);
    const email = page.locator('[data-testid="mailbox-email"][data-kind="password_reset"]');
    await expect(email).toHaveCount(1);
    await expect(email).toContainText("Reset your password");
    resetPath = pathOf(
      (await email.getByRole("link", { name: /\/api\/auth\/reset-password\// }).getAttribute("href"))!,
    );
    await page.goto(resetPath);
    await expect(page).toHaveURL(/\/reset-password\?token=/);
    await screenshot(page, "reset-password");
    await expectNoSeriousA11yViolations(page, test.info(), "reset-password");
  });

  await test.step("sets a new password, is told so, and signs in with it", async () => {
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("New password again").fill("not the same");
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(page.getByText("The two passwords differ.")).toBeVisible();
    await page.getByLabel("New password again").fill(newPassword);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(page).toHaveURL(/\/sign-in\?reset=done$/);
    await expect(page.getByTestId("password-reset-done")).toHaveText(
      "Your password was changed. Sign in with the new one.",
    );
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/welcome$/);
  });

  await test.step("the old password and the sessions from before are gone; the link works once", async () => {
    const session = await user.context.request.get("/api/auth/get-session", { headers: { connection: "close" } });
    expect(await session.json()).toBeNull();
    const oldPassword = await user.context.request.post("/api/auth/sign-in/email", {
      data: { email: user.email, password: PASSWORD },
      headers: { origin: baseURL!, connection: "close" },
    });
    expect(oldPassword.status()).toBe(401);
    await page.goto(resetPath);
    await expect(page.getByTestId("reset-password-invalid")).toBeVisible();
    await expect(page.getByRole("link", { name: "Send a new link" })).toHaveAttribute("href", "/forgot-password");
  });

  await context.close();
  await user.context.close();
});
