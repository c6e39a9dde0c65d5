/**
 * The problems list of a form task in a real browser: a textcollection task with many fields,
 * submitted empty, lists several problems; the list must leave the form its room (the last fields
 * can still be scrolled to and are not covered), and a fixed field's problem goes away.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { describeEachDatabase } from '../helpers/databases.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, documentScreenshot, hasChromium, signInPage, useBrowserServer } from './browser.ts';

const PASSWORD = 'forms with many fields';
const FIELD_COUNT = 14;

/** Fourteen required text and number fields, so an empty submit has fourteen problems. */
const FIELDS = Array.from({ length: FIELD_COUNT }, (_, index) =>
  index % 2 === 0
    ? { type: 'text', field_id: `note_${index + 1}`, title: `Note ${index + 1}`, required: true }
    : { type: 'number', field_id: `count_${index + 1}`, title: `Count ${index + 1}`, required: true, min: 0, max: 10 },
);

/** Where an element sits on screen, and whether its middle is what the page shows there (not covered). */
async function placement(page: Page, selector: string): Promise<{ top: number; bottom: number; height: number; onTop: boolean }> {
  return page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + Math.min(20, box.width / 2), box.top + box.height / 2);
    return { top: box.top, bottom: box.bottom, height: box.height, onTop: hit !== null && element.contains(hit) };
  });
}

describeEachDatabase('Form problems in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);

  it('keeps the last fields of a long form reachable and uncovered while many problems are listed, and drops a fixed one', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('long-form');
    assert.equal((await chromium.server.request('POST', '/v1/projects', { body: { type: 'textcollection', name: project } })).status, 200);
    const labeler = await addTeammate(chromium.server, 'labeler', PASSWORD, project);
    const created = await chromium.server.request('POST', '/v1/task/textcollection', {
      body: { project, instruction: 'Fill in every field.', attachments: [{ type: 'text', content: 'An inventory sheet.' }], fields: FIELDS },
    });
    assert.equal(created.status, 200, created.text);

    const { page, context, errors } = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    // A small laptop window: where a long problems list would squeeze the form the most.
    await page.setViewportSize({ width: 1280, height: 640 });
    await page.getByLabel(/Note 1\b/).waitFor();
    await page.getByRole('button', { name: /^Submit/ }).click();
    const problems = page.getByRole('alert', { name: 'Problems' });
    await problems.waitFor();
    assert.ok((await problems.locator('li').count()) >= 3, 'several problems are listed');

    const main = await placement(page, '.tw-task-main');
    const form = await placement(page, '.tw-form');
    const list = await placement(page, '.tw-problems');
    assert.ok(form.height >= main.height / 2, `the form keeps at least half of the task area (${form.height} of ${main.height} px; the problems take ${list.height})`);
    assert.ok(list.top >= form.bottom - 1, 'the problems list sits below the form, not over it');

    // The last field: scrolled to, it is inside the form's visible area and nothing covers it.
    const last = page.getByLabel(new RegExp(`Count ${FIELD_COUNT}\\b`));
    await last.scrollIntoViewIfNeeded();
    const lastField = await last.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + 5, box.top + box.height / 2);
      return { top: box.top, bottom: box.bottom, onTop: hit === element };
    });
    assert.ok(lastField.onTop, 'the last field is not covered');
    assert.ok(lastField.bottom <= form.bottom + 1 && lastField.top >= form.top - 1, 'the last field shows inside the form');
    await last.fill('3');
    await documentScreenshot(page, 'workbench-form-problems');

    // Fixing a field removes its problem at once (the list follows the answers).
    const before = await problems.locator('li').allTextContents();
    await page.getByLabel(/Note 1\b/).fill('Twelve boxes');
    await page.waitForFunction((count) => document.querySelectorAll('.tw-problems li').length < count || document.querySelector('.tw-problems') === null, before.length);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
