import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import AxeBuilder from "@axe-core/playwright";
import {
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type TestInfo,
} from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

/** The platform operator of the run (global-setup.ts puts it in TENANCY_OPERATOR_EMAILS). */
export const OPERATOR_EMAIL = "e2e-operator@example.test";

/** Screenshots of the main pages (git-ignored; playwright.config.ts creates the folder). */
export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../artifacts");

let counter = 0;
function suffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${counter}`;
}

/** A run-unique email: the database is fresh per run, and the suffix keeps tests apart within it. */
export function uniqueEmail(label: string): string {
  return `${label}-${suffix()}@example.test`;
}

export function uniqueHandle(label: string): string {
  return `${label}-${suffix()}`;
}

export interface TestUser {
  email: string;
  name: string;
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context (its own cookie jar) with one page. */
export async function newVisitor(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  // Explicit options: contexts made in beforeAll hooks don't get the config's `use` options.
  const context = await browser.newContext({
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    timezoneId: "UTC",
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * A signed-up, signed-in user in a fresh browser context, created through the auth API rather
 * than the UI: for tests whose subject is something else. The session cookie lands in the
 * context's cookie jar, so its pages are signed in.
 */
export async function signedUpUser(browser: Browser, baseURL: string, label: string, name?: string): Promise<TestUser> {
  const email = uniqueEmail(label);
  const displayName = name ?? `${label[0]!.toUpperCase()}${label.slice(1)} Tester`;
  const { context, page } = await newVisitor(browser);
  const response = await context.request.post("/api/auth/sign-up/email", {
    data: { email, password: PASSWORD, name: displayName },
    // Better Auth checks the Origin of POSTs: send ours like a browser would.
    headers: { origin: baseURL },
  });
  expect(response.ok(), `sign-up of ${email}: ${response.status()} ${await response.text()}`).toBe(true);
  return { email, name: displayName, context, page };
}

/** Follows the verification link sign-up emailed to `user` (read from the dev mailbox, as they would). */
export async function verifyEmailViaMailbox(user: TestUser): Promise<void> {
  const mailbox = await user.context.request.get(`/dev/mailbox?to=${encodeURIComponent(user.email)}`);
  const href = /href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/.exec(await mailbox.text())?.[1];
  expect(href, `no verification email for ${user.email}`).toBeDefined();
  const verified = await user.context.request.get(pathOf(href!.replace(/&amp;/g, "&")), { maxRedirects: 0 });
  expect(verified.status()).toBe(302);
}

/** The run's platform operator, signed up and verified (operators need a verified address). */
export async function operatorUser(browser: Browser, baseURL: string): Promise<TestUser> {
  const { context, page } = await newVisitor(browser);
  const response = await context.request.post("/api/auth/sign-up/email", {
    data: { email: OPERATOR_EMAIL, password: PASSWORD, name: "Olga Operator" },
    headers: { origin: baseURL },
  });
  if (!response.ok()) {
    // Signed up by an earlier test of this run: sign in instead.
    const signIn = await context.request.post("/api/auth/sign-in/email", {
      data: { email: OPERATOR_EMAIL, password: PASSWORD },
      headers: { origin: baseURL },
    });
    expect(signIn.ok(), `operator sign-in: ${signIn.status()}`).toBe(true);
    return { email: OPERATOR_EMAIL, name: "Olga Operator", context, page };
  }
  const user = { email: OPERATOR_EMAIL, name: "Olga Operator", context, page };
  await verifyEmailViaMailbox(user);
  return user;
}

/** Calls the plain-JSON API as the request context's signed-in user (session cookie) or with a bearer token. */
export async function v1(
  request: APIRequestContext,
  baseURL: string,
  procedurePath: string,
  body: unknown,
  bearer?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  // A fresh connection per call: a kept-alive one the server closed while idle (tests share contexts
  // across steps) would fail the call with ECONNRESET.
  const headers: Record<string, string> = { origin: baseURL, connection: "close" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await request.post(`/v1/organizations/${procedurePath}`, { data: body, headers });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(
      `POST /v1/organizations/${procedurePath} answered ${response.status()} with non-JSON: ${text.slice(0, 300)}`,
    );
  }
  return { status: response.status(), json };
}

/** v1 call that must succeed; returns its JSON. */
export async function v1Ok<T = Record<string, unknown>>(
  user: TestUser,
  baseURL: string,
  procedurePath: string,
  body: unknown,
): Promise<T> {
  const { status, json } = await v1(user.context.request, baseURL, procedurePath, body);
  expect(status, `${procedurePath}: ${JSON.stringify(json)}`).toBe(200);
  return json as T;
}

/** A POST to any /v1 path (e.g. `/v1/licenses/create`) as the user, which must succeed; returns its JSON. */
export async function postOk<T = Record<string, unknown>>(
  user: TestUser | null,
  request: APIRequestContext,
  baseURL: string,
  path: `/v1/${string}`,
  body: unknown,
): Promise<T> {
  const response = await (user?.context.request ?? request).post(path, { data: body, headers: { origin: baseURL } });
  const text = await response.text();
  expect(response.status(), `${path}: ${text.slice(0, 300)}`).toBe(200);
  return JSON.parse(text) as T;
}

export interface TestOrg {
  id: string;
  handle: string;
  name: string;
}

/** Creates an organization through the API as the given user (who becomes its owner). */
export async function createOrgViaApi(user: TestUser, baseURL: string, name: string): Promise<TestOrg> {
  const handle = uniqueHandle(
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
  ).slice(0, 39);
  const json = await v1Ok<{ organization: TestOrg }>(user, baseURL, "create", { name, handle });
  return { id: json.organization.id, handle: json.organization.handle, name: json.organization.name };
}

/** Invites by API; returns the accept URL (the same link the email carries). */
export async function inviteViaApi(
  admin: TestUser,
  baseURL: string,
  org: TestOrg,
  email: string,
  role = "member",
): Promise<string> {
  const json = await v1Ok<{ acceptUrl: string }>(admin, baseURL, "invitations/create", {
    organizationId: org.id,
    email,
    role,
  });
  return json.acceptUrl;
}

/** Makes `user` a member through an invitation they accept, both by API. */
export async function addMemberViaApi(
  admin: TestUser,
  user: TestUser,
  baseURL: string,
  org: TestOrg,
  role = "member",
): Promise<void> {
  const acceptUrl = await inviteViaApi(admin, baseURL, org, user.email, role);
  const token = new URL(acceptUrl).pathname.split("/").pop()!;
  await v1Ok(user, baseURL, "invitations/accept", { token });
}

/** Path + query of an absolute URL, so the page stays on Playwright's baseURL. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Signs up through the console's /sign-up form (the page must be on it). */
/**
 * Waits until React has hydrated this server-rendered element. Text typed into a controlled input
 * before then is replaced by React's state when it hydrates (seen when a link is followed before the
 * previous page had hydrated, so the next page loads in full on a busy machine).
 */
export async function untilHydrated(locator: Locator): Promise<void> {
  await expect
    .poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactFiber$"))))
    .toBe(true);
}

export async function fillSignUpForm(page: Page, user: { name: string; email?: string }): Promise<void> {
  const form = page.getByRole("form", { name: "Create your account" });
  await untilHydrated(form);
  await form.getByLabel("Name").fill(user.name);
  if (user.email !== undefined) await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create account" }).click();
}

/** Picks an option in a Radix select (a combobox button plus a listbox). */
export async function chooseOption(page: Page, combobox: Locator, option: string): Promise<void> {
  await combobox.click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/**
 * Runs axe on the page (WCAG 2.x A/AA rules plus best practices) and fails on serious or critical
 * violations. The full result is attached to the test for the report.
 */
export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let finite animations and transitions end first (a toast fading in has blended, lower-contrast colours).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: "application/json",
  });
  const blocking = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes
        .slice(0, 5)
        .map((node) => ({ target: node.target.join(" "), summary: node.failureSummary })),
    }));
  expect(blocking, `${name}: serious/critical accessibility violations`).toEqual([]);
}

/** Publishes TXT records on the test DNS server (global-setup.ts): name → values, replacing that name's. */
export function publishTxt(name: string, values: string[]): void {
  const file = process.env.E2E_DNS_RECORDS;
  if (!file) throw new Error("E2E_DNS_RECORDS is not set: the global setup starts the DNS server");
  const records = JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>;
  records[name] = values;
  writeFileSync(file, JSON.stringify(records));
}

/**
 * The link of the newest email-verification email sent to `email`, read from the dev mailbox
 * (path + query, so it stays on the test's base URL).
 */
export async function emailVerificationPath(page: Page, email: string): Promise<string> {
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  const newest = page.locator('[data-testid="mailbox-email"][data-kind="email_verification"]').first();
  const link = newest.getByRole("link", { name: /\/api\/auth\/verify-email/ });
  await expect(link).toBeVisible();
  return pathOf((await link.getAttribute("href"))!);
}
