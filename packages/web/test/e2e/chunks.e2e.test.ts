// @vitest-environment node
/**
 * The split build in a real browser (Debian's Chromium through playwright-core) against the mock app
 * API: the first page fetches no editor, the dashboard or the Markdown renderer; a task fetches its
 * own family's chunk (and the Markdown renderer for its instructions), and says it is loading
 * meanwhile. Chunks are found through vite's manifest, by source file, not by guessing file names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from './chromium.ts';
// @ts-expect-error plain ES module without types
import { startMockServer } from '../../scripts/mock-app-api.mjs';

const SCREENSHOT = join(import.meta.dirname, '../../../../docs/screenshots/workbench-loading-editor.png');

const IMAGE_TASK = {
  task_id: 'chunks-image',
  type: 'imageannotation',
  project: 'streets',
  instruction: 'Box the **car**.',
  params: { attachment: '/mock/street.svg', attachment_type: 'image', geometries: { box: { objects_to_annotate: ['car', 'bus'] } } },
  attachment_url: '/mock/street.svg',
  created_at: '2026-01-01T00:00:00.000Z',
};
const NER_TASK = {
  task_id: 'chunks-ner',
  type: 'namedentityrecognition',
  project: 'news',
  params: { text: 'Ada Lovelace was born in London.', labels: ['PER', 'LOC'] },
  created_at: '2026-01-01T00:00:00.000Z',
};

interface Mock {
  url: string;
  close: () => Promise<void>;
}

describe.skipIf(!hasChromium)('the split web build in Chromium', () => {
  let outDir: string;
  let browser: Browser;
  const mocks: Mock[] = [];
  /** Built file of a source module, from vite's manifest. */
  let chunkOf: (source: string) => string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tagwright-web-chunks-'));
    await build({ root: join(import.meta.dirname, '../..'), logLevel: 'silent', build: { outDir, emptyOutDir: true, manifest: true } });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    chunkOf = (source) => {
      const entry = manifest[source];
      if (!entry) throw new Error(`${source} is not a chunk of its own in the build; the manifest has ${Object.keys(manifest).join(', ')}`);
      return entry.file.replace(/^assets\//, '');
    };
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const mock of mocks) await mock.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function pageOn(tasks: unknown[]): Promise<{ page: Page; url: string; scripts: string[] }> {
    const mock: Mock = await startMockServer({ distDir: outDir, tasks });
    mocks.push(mock);
    const page = await browser.newPage({ viewport: { width: 1100, height: 560 } });
    const scripts: string[] = [];
    page.on('request', (request) => {
      const match = /\/ui\/assets\/([^/?]+\.js)/.exec(request.url());
      if (match) scripts.push(match[1]);
    });
    return { page, url: mock.url, scripts };
  }

  it('fetches the image editor and the Markdown renderer with an image task, and no other family, nor the dashboard', async () => {
    const { page, url, scripts } = await pageOn([IMAGE_TASK]);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/ui/`);
    await page.waitForSelector('[data-testid=canvas] image');
    await page.getByRole('complementary', { name: 'Instructions' }).locator('strong', { hasText: 'car' }).waitFor();
    expect(scripts).toContain(chunkOf('src/families/image/index.ts'));
    expect(scripts).toContain(chunkOf('src/workbench/Markdown.tsx'));
    for (const other of ['ner', 'video', 'segmentation', 'chat', 'categorization', 'fields', 'documents', 'comparison']) {
      expect(scripts, other).not.toContain(chunkOf(`src/families/${other}/index.ts`));
    }
    expect(scripts).not.toContain(chunkOf('src/dashboard/DashboardPage.tsx'));
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('says the editor is loading until its chunk arrives, then shows it', async () => {
    const { page, url } = await pageOn([NER_TASK]);
    // The named-entity editor's chunk is held back until the loading line has been seen.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/assets/${chunkOf('src/families/ner/index.ts')}`, async (route) => {
      await released;
      await route.continue();
    });
    await page.goto(`${url}/ui/`);
    const loading = page.getByRole('status').filter({ hasText: 'Loading the editor…' });
    await loading.waitFor();
    await page.screenshot({ path: SCREENSHOT });
    release();
    await page.getByTestId('ner-text').waitFor();
    expect(await loading.count()).toBe(0);
    await page.close();
  }, 60_000);
});
