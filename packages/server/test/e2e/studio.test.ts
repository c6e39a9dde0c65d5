/**
 * Managing who works on what in a real browser (Debian's Chromium through playwright-core) against
 * a real Tagwright server with the built web UI: a manager assigns a labeler to a project on the
 * dashboard's Studio page and the labeler then gets that project's task; a manager renames and
 * deletes a group; an admin unlocks a locked-out teammate on the Team page.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, hasChromium, signInPage, useBrowserServer } from './browser.ts';

const PASSWORD = 'who works on what';

describeEachDatabase('Studio and teammates in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);

  /** Invites a teammate and accepts the invitation through the app API; assigns them nowhere. */
  const teammate = (role: string) => addTeammate(chromium.server, role, PASSWORD);

  async function v1(method: string, url: string, body: unknown): Promise<any> {
    const response = await chromium.server.request(method, url, { body });
    assert.equal(response.status, 200, response.text);
    return response.body;
  }

  it('a manager assigns a labeler to a project on the Studio page, and the labeler then gets its task', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('animals');
    await v1('POST', '/v1/projects', { type: 'categorization', name: project, studio: true });
    const labeler = await teammate('labeler');
    const manager = await teammate('manager');
    const { task_id: taskId } = await v1('POST', '/v1/task/categorization', {
      project,
      instruction: 'Which animal is it?',
      attachment: 'A small dog barks at the mail carrier.',
      attachment_type: 'text',
      categories: ['cat', 'dog', 'bird'],
    });

    // Not assigned yet: nothing reaches the labeler, and the empty workbench says why.
    const before = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    await before.page.getByText(/not assigned to any project/).waitFor();
    await before.context.close();

    const managing = await signInPage(chromium.browser, chromium.server, manager, PASSWORD, `#/dashboard/studio?project=${encodeURIComponent(project)}`);
    const page = managing.page;
    await page.getByRole('heading', { name: 'Studio', level: 1 }).waitFor();
    const team = page.getByRole('table', { name: 'Assigned teammates' });
    await team.getByText('Nobody is assigned to this project yet.').waitFor();
    await page.getByLabel('Teammate to assign').selectOption(labeler);
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await team.locator(`tr[data-email="${labeler}"]`).waitFor();
    await page.getByRole('status').filter({ hasText: `Assigned ${labeler} to ${project}.` }).waitFor();
    const assignments = await v1('GET', '/v1/studio/assignments', undefined);
    assert.deepEqual(assignments[labeler], [project]);
    assert.deepEqual(managing.errors, []);
    await managing.context.close();

    const labeling = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    await labeling.page.getByLabel(/dog/).check();
    await labeling.page.getByRole('button', { name: 'Submit' }).click();
    await labeling.page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();

    const task = (await chromium.server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(task.status, 'completed');
    assert.deepEqual(task.response, { category: 'dog' });
  });

  it('a manager renames a group on the Studio page, is told why it cannot be deleted while a batch has it, and deletes it after taking it off', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('crews');
    const batch = unique('wave');
    await v1('POST', '/v1/projects', { type: 'categorization', name: project, studio: true });
    const labeler = await teammate('labeler');
    const manager = await teammate('manager');
    await v1('POST', '/v1/studio/assignments/add', { emails: [labeler], projects: [project] });
    await v1('POST', `/v1/studio/projects/${encodeURIComponent(project)}/groups`, { name: 'nite crew', emails: [labeler] });
    await v1('POST', '/v1/batches', { project, name: batch });
    await v1('PUT', `/v1/studio/batches/${encodeURIComponent(batch)}`, { groups: ['nite crew'] });

    const managing = await signInPage(chromium.browser, chromium.server, manager, PASSWORD, `#/dashboard/studio?project=${encodeURIComponent(project)}`);
    const page = managing.page;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rename group nite crew' }).click();
    await page.getByLabel('New name for nite crew').fill('night crew');
    await page.getByRole('button', { name: 'Save name' }).click();
    const group = page.getByRole('group', { name: 'Group night crew' });
    await group.getByText(labeler).waitFor();
    const row = page.locator(`tr[data-batch="${batch}"]`).first();
    assert.equal(await row.getByRole('checkbox', { name: 'night crew' }).isChecked(), true);
    assert.deepEqual((await v1('GET', '/v1/studio/batches', undefined)).find((entry: any) => entry.name === batch).groups, ['night crew']);

    await page.getByRole('button', { name: 'Delete group night crew' }).click();
    await page.getByRole('alert').filter({ hasText: `batch "${batch}" is still assigned to it` }).waitFor();
    // A controlled checkbox: it unticks when the server answers, so click and wait for the answer.
    await row.getByRole('checkbox', { name: 'night crew' }).click();
    await page.getByRole('status').filter({ hasText: 'worked by everyone assigned' }).waitFor();
    await page.getByRole('button', { name: 'Delete group night crew' }).click();
    await page.getByText('No groups in this project.').waitFor();
    assert.deepEqual(await v1('GET', `/v1/studio/projects/${encodeURIComponent(project)}/groups`, undefined), []);
    assert.deepEqual(managing.errors, []);
    await managing.context.close();
  });

  it('an admin sees a locked-out teammate on the Team page and unlocks them, after which they can sign in', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const admin = await teammate('admin');
    const locked = await teammate('labeler');
    for (let attempt = 0; attempt < 5; attempt++) {
      const refused = await chromium.server.request('POST', '/app/api/session/login', { key: null, body: { email: locked, password: 'not the password' } });
      assert.equal(refused.status, 401);
    }

    const admining = await signInPage(chromium.browser, chromium.server, admin, PASSWORD, '#/dashboard/team');
    const row = admining.page.locator(`tr[data-email="${locked}"]`);
    await row.getByText(/locked until/).waitFor();
    await row.getByRole('button', { name: `Unlock ${locked}` }).click();
    await row.getByText('active', { exact: true }).waitFor();
    assert.equal(await row.getByRole('button', { name: `Unlock ${locked}` }).count(), 0);
    assert.deepEqual(admining.errors, []);
    await admining.context.close();

    const signedIn = await signInPage(chromium.browser, chromium.server, locked, PASSWORD);
    await signedIn.page.getByText(/not assigned to any project/).waitFor();
    await signedIn.context.close();
  });
});
