import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../artifacts");
mkdirSync(artifactsDir, { recursive: true });

let counter = 0;
/** A fresh, run-unique email (the database is fresh per run; the suffix also keeps tests apart). */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}${counter}@example.test`;
}

export function uniqueHandle(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}${counter}`;
}

export interface TestUser {
  email: string;
  name: string;
  context: BrowserContext;
  page: Page;
}

/**
 * A signed-up, signed-in user in a fresh browser context, created through the auth API (not the
 * UI): for tests whose subject is something else. The context's cookie jar gets the session.
 */
export async function signedUpUser(browser: Browser, baseURL: string, label: string, name?: string): Promise<TestUser> {
  const email = uniqueEmail(label);
  const displayName = name ?? `${label[0]!.toUpperCase()}${label.slice(1)} Tester`;
  const context = await browser.newContext();
  const response = await context.request.post("/api/auth/sign-up/email", {
    data: { email, password: PASSWORD, name: displayName },
    // Better Auth checks the Origin of POSTs: send ours like a browser would.
    headers: { origin: baseURL },
  });
  expect(response.ok(), `sign-up of ${email}: ${response.status()} ${await response.text()}`).toBe(true);
  const page = await context.newPage();
  return { email, name: displayName, context, page };
}

/** Calls the plain-JSON API as the context's signed-in user (session cookie) or with a bearer token. */
export async function v1(
  request: APIRequestContext,
  baseURL: string,
  procedurePath: string,
  body: unknown,
  bearer?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { origin: baseURL };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await request.post(`/v1/organizations/${procedurePath}`, { data: body, headers });
  return { status: response.status(), json: (await response.json()) as Record<string, unknown> };
}

/** Creates an organization through the API as the given user; returns its id and handle. */
export async function createOrgViaApi(user: TestUser, baseURL: string, name: string): Promise<{ id: string; handle: string }> {
  const handle = uniqueHandle(name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""));
  const { status, json } = await v1(user.context.request, baseURL, "create", { name, handle });
  expect(status, JSON.stringify(json)).toBe(200);
  const org = (json.organization ?? json) as { id: string; handle: string };
  return { id: org.id, handle: org.handle };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}
