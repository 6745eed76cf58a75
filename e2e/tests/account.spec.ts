import { expect, test } from "@playwright/test";

import { expectNoSeriousA11yViolations, newVisitor, PASSWORD, screenshot, signedUpUser } from "./support";

test("a person changes their name and password and signs out their other sessions", async ({ browser, baseURL }) => {
  const user = await signedUpUser(browser, baseURL!, "acct", "Ada Account");
  const page = user.page;
  // A second device: the same account signed in elsewhere.
  const other = await newVisitor(browser);
  const signIn = (context: typeof other.context, password: string) =>
    context.request.post("/api/auth/sign-in/email", {
      data: { email: user.email, password },
      headers: { origin: baseURL!, connection: "close" },
    });
  expect((await signIn(other.context, PASSWORD)).ok()).toBe(true);
  const sessionOf = async (context: typeof other.context) =>
    (await (await context.request.get("/api/auth/get-session", { headers: { connection: "close" } })).json()) as {
      user: { name: string };
    } | null;

  await test.step("the name changes everywhere it is shown", async () => {
    await page.goto("/account");
    await page.getByTestId("account-profile").getByLabel("Name").fill("Ada Lovelace");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByText("Name saved")).toBeVisible();
    await expect(page.getByRole("button", { name: "Account menu for Ada Lovelace" })).toBeVisible();
    await expect(page.getByTestId("user-menu")).toHaveText(/AL/);
    expect((await sessionOf(other.context))?.user.name).toBe("Ada Lovelace");
  });

  await test.step("the other session is listed and can be signed out", async () => {
    const sessions = page.getByTestId("account-sessions");
    await expect(sessions.getByTestId("session-row")).toHaveCount(2);
    await expect(sessions.getByTestId("account-other-sessions")).toHaveText("1 other session.");
    await screenshot(page, "account");
    await expectNoSeriousA11yViolations(page, test.info(), "account");
    await sessions.getByRole("button", { name: "Sign out of other sessions" }).click();
    await expect(sessions.getByTestId("account-other-sessions")).toHaveText("No other sessions.");
    expect(await sessionOf(other.context)).toBeNull();
    expect(await sessionOf(user.context)).not.toBeNull();
  });

  await test.step("a wrong current password is refused; the right one changes it", async () => {
    const form = page.getByTestId("account-password");
    await form.getByLabel("Current password").fill("not my password");
    await form.getByLabel("New password", { exact: true }).fill("a brand new secret");
    await form.getByLabel("New password again").fill("a brand new secret");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByRole("alert")).toHaveText("The current password is not right.");
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed; other sessions were signed out")).toBeVisible();
    expect((await signIn(other.context, PASSWORD)).status()).toBe(401);
    expect((await signIn(other.context, "a brand new secret")).ok()).toBe(true);
  });

  await user.context.close();
  await other.context.close();
});
