import { expect, test } from "@playwright/test";

import { newVisitor, uniqueEmail, untilHydrated } from "./support";

// On a slow link people start typing before the page's JavaScript has run. What they typed must
// survive React taking the form over (hydration) and the next re-render.
test("text typed into the sign-up form before the page hydrates is kept", async ({ browser }) => {
  const { context, page } = await newVisitor(browser);
  let release!: () => void;
  const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsHeld;
    await route.continue();
  });
  await page.goto("/sign-up", { waitUntil: "domcontentloaded" });
  const form = page.getByRole("form", { name: "Create your account" });
  await form.getByLabel("Name").fill("Early Typist");
  release();
  await untilHydrated(form);
  // Typing elsewhere re-renders the form from React's state.
  await form.getByLabel("Email").fill(uniqueEmail("early"));
  await form.getByLabel("Password").fill("correct-horse-battery");
  await expect(form.getByLabel("Name")).toHaveValue("Early Typist");
  await context.close();
});
