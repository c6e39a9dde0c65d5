import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { unique } from '../tasks/helpers.ts';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
export const NO_CHROMIUM = `${CHROMIUM} is not installed (apt-get install -y chromium)`;
// On a developer's machine without Chromium the end-to-end tests skip; in CI a skip would hide them, so it fails.
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(`${NO_CHROMIUM}: CI requires the end-to-end suites (.ci/run installs it)`);
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

let built: string | undefined;

/**
 * Builds the web UI from the current sources into a temporary folder (once per process, about 4 s),
 * so a stale packages/web/dist never hides a change. Serve it with TAGWRIGHT_WEB_DIR.
 */
export function buildWebUi(): string {
  if (built) return built;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-e2e-ui-'));
  const vite = path.join(repositoryRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: path.join(repositoryRoot, 'packages', 'web'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  assert.ok(fs.existsSync(path.join(outDir, 'index.html')), 'the web UI build wrote no index.html');
  built = outDir;
  process.on('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
  return outDir;
}

/**
 * A suite's test server, serving the web UI built from the current sources, and a headless Chromium:
 * started before the suite's tests and closed after them (neither when Chromium is missing: the
 * tests skip). Read `server` and `browser` from the returned object inside tests and hooks.
 */
export function useBrowserServer(dialect: 'sqlite' | 'postgres'): { server: TestServer; browser: Browser } {
  const running = {} as { server: TestServer; browser: Browser };
  before(async () => {
    if (!hasChromium) return;
    running.server = await startTestServer(dialect, { TAGWRIGHT_WEB_DIR: buildWebUi(), TAGWRIGHT_GOLD_RATE: '0' });
    running.browser = await launchChromium();
  });
  after(async () => {
    await running.browser?.close();
    await running.server?.close();
  });
  return running;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A street scene as an 800×500 SVG: a red car on the left, a blue bus on the right. */
export const STREET_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500" viewBox="0 0 800 500">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#93c5fd"/><stop offset="1" stop-color="#e0f2fe"/></linearGradient></defs>
<rect width="800" height="500" fill="url(#sky)"/>
<rect x="0" y="120" width="150" height="220" fill="#cbd5e1"/><rect x="160" y="80" width="120" height="260" fill="#94a3b8"/>
<rect x="600" y="100" width="200" height="240" fill="#cbd5e1"/>
<rect y="330" width="800" height="170" fill="#4b5563"/><rect x="0" y="410" width="800" height="6" fill="#fde68a"/>
<rect x="100" y="250" width="200" height="100" rx="18" fill="#dc2626"/><rect x="130" y="262" width="60" height="30" rx="4" fill="#bfdbfe"/>
<rect x="205" y="262" width="60" height="30" rx="4" fill="#bfdbfe"/><circle cx="150" cy="352" r="26" fill="#111827"/><circle cx="255" cy="352" r="26" fill="#111827"/>
<rect x="450" y="180" width="240" height="170" rx="10" fill="#2563eb"/><rect x="470" y="200" width="200" height="50" fill="#bfdbfe"/>
<circle cx="500" cy="352" r="24" fill="#111827"/><circle cx="640" cy="352" r="24" fill="#111827"/></svg>`;

/** Uploads an image through `files/upload` and returns its `attachment_url` (a server-held file). */
export async function uploadImage(server: TestServer, name = 'street.svg', content = STREET_SVG, type = 'image/svg+xml'): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const response = await server.request('POST', '/v1/files/upload', { rawBody: form });
  assert.equal(response.status, 200, response.text);
  return response.body.attachment_url;
}

/** A fresh browser profile (its own cookies) with a page on the server's web UI, signed in through the form. */
export async function signInPage(browser: Browser, server: TestServer, email: string, password: string, hash = ''): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/ui/${hash}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.tw-header').waitFor();
  return { context, page, errors };
}

/**
 * Saves the page as docs' screenshot `name`.png when TAGWRIGHT_SCREENSHOT_DIR is set (the editors' screenshots
 * come from their end-to-end tests, at the moment the test has put real work on screen); otherwise does nothing.
 */
export async function documentScreenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.TAGWRIGHT_SCREENSHOT_DIR;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: false });
}

/** Screen position of an image pixel, read from the canvas's camera transform. */
export async function screenOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
  const transform = (await page.locator('[data-testid=canvas] g[data-layer=image]').getAttribute('transform'))!;
  const [, tx, ty, zoom] = transform.match(/translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/)!.map(Number);
  return [canvas.x + tx + x * zoom, canvas.y + ty + y * zoom];
}

/**
 * The shapes the workbench canvas (inside `scope`: a page or the canvas's container) painted in its
 * latest frame, as type, label and id: shapes are pixels on one 2D canvas, with no element per shape
 * to count. Waits for the next animation frame first, so the paint of a change just made is in.
 */
export async function paintedShapes(scope: Page | Locator): Promise<Array<{ id: string; type: string; label: string }>> {
  const canvas = ('mouse' in scope ? scope.locator('[data-testid=canvas]') : scope).locator('[data-testid=shapes-canvas]');
  return canvas.evaluate(
    (element: HTMLCanvasElement & { paintedShapes?: Array<{ id: string; type: string; label: string }> }) =>
      new Promise<Array<{ id: string; type: string; label: string }>>((resolve) =>
        requestAnimationFrame(() => setTimeout(() => resolve((element.paintedShapes ?? []).map((shape) => ({ id: shape.id, type: shape.type, label: shape.label }))), 0)),
      ),
  );
}

/** Waits until the workbench canvas shows the 800-pixel-wide image. */
export async function waitForImage(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=canvas] image[width="800"]');
}

/** Drags a box with the mouse from one image pixel to another, in small steps as a hand would. */
export async function drawBox(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...(await screenOf(page, ...from)));
  await page.mouse.down();
  await page.mouse.move(...(await screenOf(page, (from[0] + to[0]) / 2, (from[1] + to[1]) / 2)), { steps: 4 });
  await page.mouse.move(...(await screenOf(page, ...to)), { steps: 4 });
  await page.mouse.up();
}

/** Invites one teammate through the v1 teams API and returns the one-time sign-up token. */
export async function inviteTeammate(server: TestServer, email: string, role: string): Promise<string> {
  const response = await server.request('POST', '/v1/teams/invite', { body: { emails: [email], team_role: role } });
  assert.equal(response.status, 200, response.text);
  const invited = response.body.find((teammate: { email: string }) => teammate.email === email);
  assert.ok(invited?.inviteToken, `no invitation token for ${email}`);
  return invited.inviteToken;
}

/** Accepts an invitation through the app API, setting the password the teammate then signs in with. */
export async function acceptInvitation(server: TestServer, token: string, password: string): Promise<void> {
  const response = await server.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password } });
  assert.equal(response.status, 200, response.text);
}

/**
 * A teammate with a unique email for the role, signed up with the password and, when a project is
 * named, assigned to it (so the queue hands them its tasks). Returns the email.
 */
export async function addTeammate(server: TestServer, role: string, password: string, project?: string): Promise<string> {
  const email = `${unique(role)}@example.com`.toLowerCase();
  await acceptInvitation(server, await inviteTeammate(server, email, role), password);
  if (project !== undefined) {
    const assigned = await server.request('POST', '/v1/studio/assignments/add', { body: { emails: [email], projects: [project] } });
    assert.equal(assigned.status, 200, assigned.text);
  }
  return email;
}
