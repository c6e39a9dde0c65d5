// @vitest-environment node
/**
 * The workbench in a real browser (Debian's Chromium through playwright-core) against the mock app
 * API: real pointer events on the SVG canvas, real text selection, real submit requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from './chromium.ts';
// @ts-expect-error plain ES module without types
import { startMockServer } from '../../scripts/mock-app-api.mjs';


const TASKS = [
  {
    task_id: 'e2e-image',
    type: 'imageannotation',
    project: 'streets',
    instruction: 'Box the **car**.',
    params: {
      attachment: '/mock/street.svg',
      attachment_type: 'image',
      geometries: { box: { objects_to_annotate: ['car', 'bus'], min_width: 10, min_height: 10 } },
    },
    attachment_url: '/mock/street.svg',
    created_at: '2026-01-01T00:00:00.000Z',
  },
  {
    task_id: 'e2e-ner',
    type: 'namedentityrecognition',
    project: 'news',
    params: { text: 'Ada Lovelace was born in London.', labels: ['PER', 'LOC'] },
    created_at: '2026-01-01T00:00:00.000Z',
  },
];

interface Mock {
  url: string;
  actions: Array<{ verb: string; task_id: string; body: { response: unknown } }>;
  close: () => Promise<void>;
}

/** Screen position of an image pixel, read from the canvas's camera transform. */
async function screenOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
  const transform = (await page.locator('[data-testid=canvas] g[data-layer=image]').getAttribute('transform'))!;
  const [, tx, ty, zoom] = transform.match(/translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/)!.map(Number);
  return [canvas.x + tx + x * zoom, canvas.y + ty + y * zoom];
}

describe.skipIf(!hasChromium)('workbench in Chromium', () => {
  let outDir: string;
  let mock: Mock;
  let browser: Browser;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tagwright-web-e2e-'));
    await build({ root: join(import.meta.dirname, '../..'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    mock = await startMockServer({ distDir: outDir, tasks: TASKS });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('draws a box with the mouse, submits it, then labels an entity by selecting text', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${mock.url}/ui/`);
    await page.waitForSelector('[data-testid=canvas] image[width="800"]');

    await page.keyboard.press('2'); // label "bus"
    await page.mouse.move(...(await screenOf(page, 100, 150)));
    await page.mouse.down();
    await page.mouse.move(...(await screenOf(page, 200, 200)), { steps: 4 });
    await page.mouse.move(...(await screenOf(page, 300, 250)), { steps: 4 });
    await page.mouse.up();
    // Shapes are painted on one canvas; it keeps what its last paint drew (ShapesCanvasElement.paintedShapes).
    const painted = await page.locator('[data-testid=shapes-canvas]').evaluate(
      (canvas: HTMLCanvasElement & { paintedShapes?: Array<{ type: string; label: string }> }) =>
        new Promise<string[]>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve((canvas.paintedShapes ?? []).map((shape) => `${shape.type} ${shape.label}`)), 0))),
    );
    expect(painted).toEqual(['box bus']);
    await page.getByRole('button', { name: 'Submit' }).click();

    // The next task: select "London" with the mouse and label it LOC.
    const text = page.getByTestId('ner-text');
    await text.waitFor();
    const box = await page.evaluate(() => {
      const node = document.querySelector('[data-testid=ner-text] [data-start="0"]')!.firstChild!;
      const range = document.createRange();
      const start = node.textContent!.indexOf('London');
      range.setStart(node, start);
      range.setEnd(node, start + 'London'.length);
      const rect = range.getBoundingClientRect();
      return { left: rect.left, right: rect.right, middle: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.left + 1, box.middle);
    await page.mouse.down();
    await page.mouse.move(box.right - 1, box.middle, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'LOC' }).click();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/No tasks are waiting/).waitFor();

    const [image, ner] = mock.actions;
    expect(image).toMatchObject({ verb: 'submit', task_id: 'e2e-image', body: { lease_id: 'lease-e2e-image' } });
    const [annotation] = (image.body.response as { annotations: Array<Record<string, number | string>> }).annotations;
    expect(annotation).toMatchObject({ type: 'box', label: 'bus' });
    expect(annotation.left as number).toBeCloseTo(100, 0);
    expect(annotation.top as number).toBeCloseTo(150, 0);
    expect(annotation.width as number).toBeCloseTo(200, 0);
    expect(annotation.height as number).toBeCloseTo(100, 0);
    expect(ner.body.response).toEqual({ annotations: [{ start: 25, end: 31, label: 'LOC', text: 'London' }] });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
