import { expect, test } from "@playwright/test";

import { screenshot } from "./support";

/**
 * /docs/api renders the API reference from /v1/openapi.json with Scalar, whose script this server
 * serves itself: the page must work with no request to any other origin (CI has no network).
 */
test("the API reference renders the operations from the OpenAPI document, without other origins", async ({
  page,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const foreign: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });

  await page.goto("/docs/api");
  await expect(page).toHaveTitle(/Tenancy API reference/);
  // Operations of both kinds: the REST seed's and the POST-style procedures'.
  await expect(page.getByText("Update Org").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Remove Org Member").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Tenancy API" })).toBeVisible();
  await page.getByRole("link", { name: "Members", exact: true }).click();
  await expect(page.getByText("Change a member's role").first()).toBeVisible();
  // Scalar's hosted extras are off: nothing here talks to another service.
  await expect(page.getByText("Ask AI")).toHaveCount(0);
  await expect(page.getByText("Generate MCP")).toHaveCount(0);
  await screenshot(page, "api-reference");
  expect(foreign).toEqual([]);
});
