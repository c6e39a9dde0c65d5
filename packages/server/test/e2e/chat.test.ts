/**
 * A chat task end to end in Debian's Chromium: a labeler holds a three-turn conversation with two
 * model endpoints (a real OpenAI-compatible streaming server on loopback), ranks the two answers of
 * every turn, scores them against the rubric and submits; the v2 task shows exactly that. A manager
 * then fixes one answer from the dashboard, starting from the stored threads.
 * With TAGWRIGHT_SCREENSHOT_DIR set, it saves the editor as workbench-chat.png there, and the
 * dashboard fix as dashboard-chat-fix.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startFakeModel } from '../helpers/fake-model.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, acceptInvitation, documentScreenshot, hasChromium, inviteTeammate, signInPage, useBrowserServer } from './browser.ts';

const PASSWORD = 'talking to models all day';
const QUESTIONS = ['What is a qubit?', 'How is it measured?', 'Why does that matter?'];

describeEachDatabase('A chat task in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);
  let model: Awaited<ReturnType<typeof startFakeModel>>;

  before(async () => {
    if (hasChromium) model = await startFakeModel();
  });

  after(async () => {
    await model?.close();
  });

  it('holds a three-turn conversation with two models, ranks and scores every turn, and the v2 task shows it', { skip: !hasChromium && NO_CHROMIUM, timeout: 180_000 }, async () => {
    const project = unique('chat');
    const params = {
      annotations: [{ key: 'preference', type: 'ranked_choices', scope: 'turn', title: 'Which answer is better?' }],
      rubric: { criteria: [{ criterion: 'Answers the question', weight: 2 }], scores: [0, 1, 2] },
    };
    assert.equal((await chromium.server.request('POST', '/v1/projects', { body: { type: 'chat', name: project, params } })).status, 200);
    for (const [name, modelName] of [['model_a', 'echo'], ['model_b', 'json']]) {
      const put = await chromium.server.request('PUT', `/app/api/projects/${project}/model-endpoints/${name}`, { body: { url: model.url, model: modelName, api_key: `sk-${name}`, parameters: { temperature: 0.2 } } });
      assert.equal(put.status, 200, put.text);
    }
    const email = `${unique('labeler')}@example.com`.toLowerCase();
    await acceptInvitation(chromium.server, await inviteTeammate(chromium.server, email, 'labeler'), PASSWORD);
    assert.equal((await chromium.server.request('POST', '/v1/studio/assignments/add', { body: { emails: [email], projects: [project] } })).status, 200);
    const created = await chromium.server.request('POST', '/v1/task/chat', {
      body: { project, instruction: 'Ask three questions about **qubits**; rank the answers.', conversation: [{ role: 'system', content: 'You are a physics tutor.' }], template_variables: { topic: 'qubits' } },
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.body.task_id;

    const { page, context, errors } = await signInPage(chromium.browser, chromium.server, email, PASSWORD);
    // Autosave sends the draft by the part (PATCH), never the whole thread again (docs/chat.md, drafts).
    const draftSaves: Array<{ method: string; paths: string[] }> = [];
    page.on('request', (request) => {
      if (!/\/app\/api\/tasks\/[^/]+\/draft$/.test(new URL(request.url()).pathname)) return;
      draftSaves.push({ method: request.method(), paths: ((request.postDataJSON()?.parts ?? []) as Array<{ path: string }>).map((part) => part.path) });
    });
    const composer = page.getByLabel('Your message');
    await composer.waitFor();
    await page.getByRole('button', { name: 'Send to model_a, model_b' }).waitFor();
    for (const [index, question] of QUESTIONS.entries()) {
      await composer.fill(question);
      await composer.press('Control+Enter');
      const turn = page.getByRole('region', { name: `Turn ${index + 1}` });
      await turn.getByText(`Echo: ${question}`).waitFor();
      await turn.getByText(`Plain: ${question}`).waitFor();
      // model_b's plain answer is better on odd turns: move it up; keep model_a first otherwise.
      if (index % 2 === 0) await turn.getByRole('button', { name: 'Move model_b up' }).click();
      else await turn.getByRole('button', { name: 'Confirm this order' }).click();
      await turn.getByLabel('Answers the question score for model_a').selectOption(index % 2 === 0 ? '1' : '2');
      await turn.getByLabel('Answers the question score for model_b').selectOption(index % 2 === 0 ? '2' : '0');
    }
    // Ctrl+Enter in the message box sent the messages and never tried to submit the task.
    assert.equal(await page.locator('.tw-problems').count(), 0);

    // The draft: the first save holds the whole thread (the server had none), later ones the turns
    // edited; a reload brings the conversation back, and one more edit saves only its turn.
    await page.getByText('Draft saved').waitFor();
    assert.ok(draftSaves.length > 0 && draftSaves.every((save) => save.method === 'PATCH'), JSON.stringify(draftSaves));
    assert.ok(draftSaves[0].paths.includes('/threads/0'), JSON.stringify(draftSaves[0]));
    await page.reload();
    const reloadedTurn = page.getByRole('region', { name: 'Turn 3' });
    await reloadedTurn.getByText(`Plain: ${QUESTIONS[2]}`).waitFor();
    assert.equal(await reloadedTurn.getByLabel('Answers the question score for model_b').inputValue(), '2');
    await page.getByRole('region', { name: 'Turn 2' }).getByRole('button', { name: 'Confirm this order' }).click();
    await page.getByText('Unsaved changes').waitFor();
    await page.getByText('Draft saved').waitFor();
    assert.deepEqual(draftSaves.at(-1), { method: 'PATCH', paths: ['/threads/0/turns/1'] });
    await documentScreenshot(page, 'workbench-chat');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(errors, []);
    await context.close();

    const task = (await chromium.server.request('GET', `/v2/task?task_id=${taskId}&opts=model_parameters`, { scheme: 'bearer' })).body;
    assert.equal(task.status, 'completed');
    const [thread] = task.threads;
    assert.equal(thread.turns.length, 3);
    thread.turns.forEach((turn: any, index: number) => {
      const question = QUESTIONS[index];
      const expected = [
        ...(index === 0 ? [['system', 'system', 'You are a physics tutor.']] : []),
        ['user', 'user', question],
        ['assistant', 'model_a', `Echo: ${question}`],
        ['assistant', 'model_b', `Plain: ${question}`],
      ];
      assert.deepEqual(turn.messages.map((message: any) => [message.role, message.source_id, message.content.text]), expected);
      const answers = turn.messages.filter((message: any) => message.role === 'assistant');
      assert.deepEqual(answers.map((message: any) => message.model_parameters), [{ model: 'echo', temperature: 0.2 }, { model: 'json', temperature: 0.2 }]);
      assert.deepEqual(turn.annotations.map((annotation: any) => [annotation.key, annotation.type, annotation.value]), [['preference', 'ranked_choices', index % 2 === 0 ? ['model_b', 'model_a'] : ['model_a', 'model_b']]]);
      const criterion = turn.rubrics[0].criteria_definitions[0];
      assert.equal(criterion.criterion, 'Answers the question');
      const scores = answers.map((message: any) => message.rubric_evaluations[0].criteria_evaluations.map((entry: any) => [entry.criterion_definition_id, entry.score]));
      assert.deepEqual(scores, index % 2 === 0 ? [[[criterion.id, 1]], [[criterion.id, 2]]] : [[[criterion.id, 2]], [[criterion.id, 0]]]);
    });
    // The models saw the conversation so far, with one answer per earlier turn (the best-ranked).
    // Both endpoints are asked at once, so their requests arrive in either order: pick model_a's by its key.
    const third = model.requests.filter((request) => request.body.messages.at(-1).content === QUESTIONS[2]);
    const toModelA = third.find((request) => request.authorization === 'Bearer sk-model_a');
    assert.ok(toModelA, 'model_a was asked the third question with its own key');
    assert.deepEqual(toModelA.body.messages.map((message: any) => message.content), ['You are a physics tutor.', QUESTIONS[0], `Plain: ${QUESTIONS[0]}`, QUESTIONS[1], `Echo: ${QUESTIONS[1]}`, QUESTIONS[2]]);

    // A manager fixes the conversation from the dashboard: the fix opens the stored threads in the chat editor.
    const manager = `${unique('manager')}@example.com`.toLowerCase();
    await acceptInvitation(chromium.server, await inviteTeammate(chromium.server, manager, 'manager'), PASSWORD);
    const fixing = await signInPage(chromium.browser, chromium.server, manager, PASSWORD, `#/dashboard/tasks/${taskId}`);
    await fixing.page.getByRole('button', { name: 'Fix response' }).click();
    const fixTurn = fixing.page.getByTestId('fix-editor').getByRole('region', { name: 'Turn 2' });
    await fixTurn.getByText(`Echo: ${QUESTIONS[1]}`).waitFor();
    await fixTurn.locator('[data-source=model_a]').getByRole('button', { name: 'Edit' }).click();
    await fixTurn.getByLabel('Edit model_a').fill('A measurement collapses the qubit to 0 or 1.');
    await documentScreenshot(fixing.page, 'dashboard-chat-fix');
    await fixing.page.getByRole('button', { name: 'Save fix' }).click();
    await fixing.page.getByTestId('fix-editor').waitFor({ state: 'detached' });
    assert.deepEqual(fixing.errors, []);
    await fixing.context.close();

    const fixed = (await chromium.server.request('GET', `/v2/task?task_id=${taskId}&opts=model_parameters`, { scheme: 'bearer' })).body.threads[0];
    const second = fixed.turns[1];
    // The rewritten answer is the reviewer's (no model parameters); the ranking follows its new source_id.
    assert.deepEqual(second.messages.map((message: any) => [message.source_id, message.content.text]), [
      ['user', QUESTIONS[1]],
      ['model_a:edited', 'A measurement collapses the qubit to 0 or 1.'],
      ['model_b', `Plain: ${QUESTIONS[1]}`],
    ]);
    assert.equal(second.messages[1].model_parameters, undefined);
    assert.deepEqual(second.messages[2].model_parameters, { model: 'json', temperature: 0.2 });
    assert.deepEqual(second.annotations[0].value, ['model_a:edited', 'model_b']);
    assert.deepEqual(fixed.turns.map((turn: any) => turn.messages.length), [4, 3, 3]);
    assert.equal((await chromium.server.request('GET', `/v1/task/${taskId}`)).body.customer_review_status, 'fixed');
  });
});
