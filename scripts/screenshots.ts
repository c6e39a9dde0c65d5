/**
 * Takes the PNG screenshots in docs/screenshots/ (listed in docs/workbench.md): starts a real
 * Tagwright server on a temporary SQLite database with the freshly built web UI, fills it with two
 * weeks of sample work, does some real labeling and review in headless Chromium, and photographs
 * the workbench, the review view and the dashboard pages (the Studio page last, on Studio projects of its own).
 *
 *   node --import tsx scripts/screenshots.ts [output folder, default docs/screenshots]
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Nothing here is used by the product.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/server.ts';
import { CallbackReceiver } from '../packages/server/test/callbacks/fixtures.ts';
import {
  STREET_SVG,
  acceptInvitation,
  buildWebUi,
  drawBox,
  hasChromium,
  inviteTeammate,
  launchChromium,
  NO_CHROMIUM,
  signInPage,
  uploadImage,
  waitForImage,
} from '../packages/server/test/e2e/browser.ts';
import { TaskRepository, type NewTask } from '../packages/server/src/repositories/task.repository.ts';
import { newId } from '../packages/server/src/domain/ids.ts';

const OUT = path.resolve(process.argv[2] ?? 'docs/screenshots');
const PASSWORD = 'screenshots are fun';
const DAY = 86_400_000;

const CAT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420" viewBox="0 0 640 420">
<rect width="640" height="420" fill="#fef3c7"/><rect y="300" width="640" height="120" fill="#d6a86b"/>
<ellipse cx="330" cy="290" rx="120" ry="80" fill="#f97316"/><circle cx="330" cy="170" r="80" fill="#f97316"/>
<polygon points="265,120 280,50 315,105" fill="#f97316"/><polygon points="345,105 380,50 395,120" fill="#f97316"/>
<circle cx="300" cy="165" r="12" fill="#14532d"/><circle cx="360" cy="165" r="12" fill="#14532d"/>
<polygon points="322,195 338,195 330,205" fill="#be185d"/><path d="M450 300 q60 -20 40 -90" stroke="#f97316" stroke-width="22" fill="none" stroke-linecap="round"/></svg>`;

async function call(server: TestServer, method: string, url: string, body?: unknown): Promise<any> {
  const response = await server.request(method, url, { body });
  if (response.status !== 200) throw new Error(`${method} ${url}: ${response.status} ${response.text}`);
  return response.body;
}

async function teammate(server: TestServer, name: string, role: string, projects: string[]): Promise<{ email: string; id: string }> {
  const email = `${name}@acme.example`;
  await acceptInvitation(server, await inviteTeammate(server, email, role), PASSWORD);
  if (projects.length > 0) await call(server, 'POST', '/v1/studio/assignments/add', { emails: [email], projects });
  const user = await server.server.services.db.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { email, id: user.id };
}

/** Two weeks of finished work (tasks, attempts, reviews, gold answers), written straight to the database. */
async function seedHistory(server: TestServer, accountId: string, projects: Record<string, any>, batches: Record<string, any>, people: Record<string, { id: string }>): Promise<void> {
  const { db } = server.server.services;
  const now = Date.now();
  const tasks: NewTask[] = [];
  const attempts: Record<string, unknown>[] = [];
  const work: Record<string, unknown>[] = [];
  const labelers = [people.lee, people.sam, people.kai];
  const speed = [38_000, 52_000, 71_000];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const add = (project: any, batchId: string | null, status: NewTask['status'], completedAt: number | null, index: number) => {
    const createdAt = (completedAt ?? now) - DAY * (1 + random());
    const id = newId(createdAt);
    const labeler = labelers[index % 3];
    tasks.push({
      id, account_id: accountId, environment: 'live', project_id: project.id, batch_id: batchId, type: project.type,
      status, work_state: status === 'pending' ? 'queued' : status, instruction: null,
      params: project.type === 'categorization' ? { attachment: 'https://cdn.acme.example/pets/1.jpg', categories: ['cat', 'dog', 'bird'] } : { attachment: `https://cdn.acme.example/streets/${index}.jpg`, geometries: { box: { objects_to_annotate: ['car', 'bus'] } } },
      callback_url: null, callback_succeeded: null,
      response: status === 'completed' ? (project.type === 'categorization' ? { category: 'cat' } : { annotations: [], global_attributes: {} }) : null,
      metadata: {}, unique_id: `s3://acme-data/${project.name}/${String(index).padStart(5, '0')}.jpg`, tags: null, priority: null,
      project_param_version: null, customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null,
      created_at: createdAt, updated_at: completedAt ?? createdAt, completed_at: completedAt,
    });
    if (completedAt === null) return;
    const spent = speed[index % 3] * (0.6 + random() * 0.8);
    const base = { account_id: accountId, project_id: project.id, task_id: id, round: 0, response: null, score: null, result: null, comments: null };
    attempts.push({ ...base, id: newId(), user_id: labeler.id, kind: 'label', attempt_no: 1, started_at: completedAt - spent - 60_000, submitted_at: completedAt - 60_000, time_spent_ms: Math.round(spent) });
    if (project.pipeline === 'consensus_task') {
      const other = labelers[(index + 1) % 3];
      attempts.push({ ...base, id: newId(), user_id: other.id, kind: 'label', attempt_no: 2, started_at: completedAt - spent, submitted_at: completedAt, time_spent_ms: Math.round(spent) });
      work.push({ task_id: id, round: 0, attempts: 2, pending_response: null, review_reason: null, agreement: 0.7 + random() * 0.3, updated_at: completedAt });
    } else if (project.name === 'street-scenes') {
      const result = random() < 0.85 ? 'accepted' : random() < 0.5 ? 'fixed' : 'rejected';
      attempts.push({ ...base, id: newId(), user_id: people.rae.id, kind: 'review', attempt_no: 1, result, started_at: completedAt - 30_000, submitted_at: completedAt, time_spent_ms: 20_000 + Math.round(random() * 20_000) });
    }
    if (index % 7 === 0) {
      attempts.push({ ...base, task_id: newId(), id: newId(), user_id: labeler.id, kind: 'gold', attempt_no: null, round: 0, score: labeler === people.kai ? 0.6 + random() * 0.3 : 0.85 + random() * 0.15, started_at: completedAt - 40_000, submitted_at: completedAt - 1000, time_spent_ms: 39_000 });
    }
  };
  let index = 0;
  for (let day = 13; day >= 0; day--) {
    const perDay = Math.round(18 + 14 * Math.sin((13 - day) / 2.2) + random() * 10 + (13 - day) * 1.5);
    for (let n = 0; n < perDay; n++) {
      const completedAt = Math.min(now - 60_000, now - day * DAY - Math.floor(random() * DAY * (day === 0 ? 0.3 : 1)));
      const which = n % 5;
      if (which < 3) add(projects.streets, day > 6 ? batches.week1.id : batches.week2.id, 'completed', completedAt, index++);
      else if (which === 3) add(projects.animals, null, 'completed', completedAt, index++);
      else add(projects.parking, null, 'completed', completedAt, index++);
    }
  }
  for (let n = 0; n < 140; n++) add(projects.streets, batches.week2.id, 'pending', null, index++);
  for (let n = 0; n < 4; n++) add(projects.streets, batches.week2.id, 'error', now - n * 3_600_000, index++);
  for (let n = 0; n < 60; n++) add(projects.animals, null, 'pending', null, index++);
  for (let n = 0; n < 25; n++) add(projects.parking, null, 'pending', null, index++);
  for (let n = 0; n < 90; n++) add(projects.warehouse, null, 'pending', null, index++);
  await db.kysely.transaction().execute(async (trx) => {
    await new TaskRepository(trx, db.dialect).insertMany(tasks);
    for (let at = 0; at < attempts.length; at += 500) await trx.insertInto('task_attempts').values(attempts.slice(at, at + 500) as never).execute();
    if (work.length > 0) await trx.insertInto('task_work').values(work as never).execute();
  });
}

/** Clicks Submit and waits for the server to accept the submission. */
async function submitted(page: Page): Promise<void> {
  const answer = page.waitForResponse((response) => response.url().includes('/submit') && response.request().method() === 'POST');
  await page.getByRole('button', { name: 'Submit' }).click();
  const response = await answer;
  if (!response.ok()) throw new Error(`submit answered ${response.status()}: ${await response.text()}`);
}

async function shoot(page: Page, name: string, height?: number): Promise<void> {
  await page.waitForTimeout(300);
  const file = path.join(OUT, `${name}.png`);
  // A text-dense page is cut short: every row is alike, and the file stays well under 300 KB.
  await page.screenshot({ path: file, clip: height ? { x: 0, y: 0, width: page.viewportSize()!.width, height } : undefined });
  console.log(`${file}  ${Math.round(fs.statSync(file).size / 1024)} KB`);
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error(NO_CHROMIUM);
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startTestServer('sqlite', { TAGWRIGHT_WEB_DIR: buildWebUi(), TAGWRIGHT_GOLD_RATE: '0' });
  const receiver = await CallbackReceiver.start();
  const browser = await launchChromium();
  try {
    const accountId = (await server.server.services.db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    const projects = {
      streets: await call(server, 'POST', '/v1/projects', { type: 'imageannotation', name: 'street-scenes', params: { review: true, instruction: 'Draw a **tight box** around every vehicle.\n\n- Include mirrors\n- Skip bicycles' } }),
      animals: await call(server, 'POST', '/v1/projects', { type: 'categorization', name: 'pet-photos', params: {} }),
      parking: await call(server, 'POST', '/v1/projects', { type: 'imageannotation', name: 'parking-lots', pipeline: 'consensus_task', consensus_attempts: 2 }),
      warehouse: await call(server, 'POST', '/v1/projects', { type: 'imageannotation', name: 'warehouse-shelves' }),
    };
    projects.animals.name = 'pet-photos';
    const batches = {
      week1: await call(server, 'POST', '/v1/batches', { project: 'street-scenes', name: 'streets-2026-w18', callback: receiver.url }),
      week2: await call(server, 'POST', '/v1/batches', { project: 'street-scenes', name: 'streets-2026-w19', callback: receiver.url }),
    };
    const all = ['street-scenes', 'pet-photos', 'parking-lots', 'warehouse-shelves'];
    const people = {
      ana: await teammate(server, 'ana.admin', 'admin', []),
      mia: await teammate(server, 'mia.manager', 'manager', all),
      rae: await teammate(server, 'rae.reviewer', 'member', all),
      lee: await teammate(server, 'lee.labeler', 'labeler', all),
      sam: await teammate(server, 'sam.labeler', 'labeler', all),
      kai: await teammate(server, 'kai.labeler', 'labeler', all),
    };
    await inviteTeammate(server, 'new.hire@acme.example', 'labeler');
    await seedHistory(server, accountId, projects, batches, people);

    const street = await uploadImage(server, 'street.svg', STREET_SVG);
    const cat = await uploadImage(server, 'cat.svg', CAT_SVG);
    const imageTask = await call(server, 'POST', '/v1/task/imageannotation', {
      project: 'street-scenes', batch: 'streets-2026-w19', priority: 30, unique_id: 's3://acme-data/street-scenes/demo-0001.jpg',
      instruction: 'Box the vehicles in this frame.', attachment: street, attachment_type: 'image', callback_url: receiver.url,
      geometries: { box: { objects_to_annotate: ['car', 'bus', { choice: 'bike', subchoices: ['bicycle', 'motorbike'] }], min_width: 10, min_height: 10 } },
      annotation_attributes: { occluded: { description: 'Is it occluded?', choices: ['no', 'partly', 'mostly'] } },
    });
    await call(server, 'POST', '/v1/task/categorization', {
      project: 'pet-photos', priority: 30, unique_id: 's3://acme-data/pet-photos/demo-0001.jpg', instruction: 'Which animal is in the photo?',
      attachment: cat, attachment_type: 'image', categories: ['cat', 'dog', 'bird', { choice: 'other', subchoices: ['rabbit', 'hamster'] }], callback_url: receiver.url,
    });

    // The labeler: two boxes on the street image, then a categorization.
    const lee = await signInPage(browser, server, people.lee.email, PASSWORD, '#/work?project=street-scenes');
    await waitForImage(lee.page);
    await drawBox(lee.page, [100, 250], [300, 350]);
    await lee.page.getByRole('radio', { name: 'no' }).check();
    await lee.page.keyboard.press('Escape');
    await lee.page.keyboard.press('2');
    await drawBox(lee.page, [450, 180], [690, 352]);
    await lee.page.getByRole('radio', { name: 'partly' }).check();
    await shoot(lee.page, 'workbench-image');
    await submitted(lee.page);
    await lee.page.goto(`${server.url}/ui/#/work?project=pet-photos`);
    await lee.page.getByLabel(/^cat/).check();
    await shoot(lee.page, 'workbench-categorization');
    await submitted(lee.page);
    await lee.context.close();

    // The reviewer sees the boxes and accepts them.
    const rae = await signInPage(browser, server, people.rae.email, PASSWORD, '#/review?project=street-scenes');
    await waitForImage(rae.page);
    await rae.page.getByLabel('Review comment').fill('Tight boxes, thanks!');
    await shoot(rae.page, 'review');
    await rae.page.getByRole('button', { name: 'Accept' }).click();
    await rae.page.getByText(/No tasks are waiting/).waitFor();
    await rae.context.close();
    await receiver.waitForRequests(1);

    // The manager's dashboard.
    const mia = await signInPage(browser, server, people.mia.email, PASSWORD, '#/dashboard');
    await mia.page.getByRole('img', { name: /tasks completed/ }).waitFor();
    await mia.page.locator('tr[data-project="street-scenes"]').getByRole('button', { name: 'Batches' }).click();
    await mia.page.getByRole('table', { name: 'Batches of street-scenes' }).waitFor();
    await shoot(mia.page, 'dashboard-overview');
    await mia.page.goto(`${server.url}/ui/#/dashboard/tasks?project=street-scenes`);
    await mia.page.getByRole('table', { name: 'Tasks' }).waitFor();
    await shoot(mia.page, 'dashboard-tasks', 560);
    await mia.page.goto(`${server.url}/ui/#/dashboard/tasks/${imageTask.task_id}`);
    await mia.page.getByTestId('response-preview').locator('image').waitFor();
    await mia.page.getByRole('table', { name: 'Delivery attempts' }).waitFor();
    // The dashboard scrolls inside its own pane, so a taller window shows the delivery log too.
    await mia.page.setViewportSize({ width: 1400, height: 1240 });
    await shoot(mia.page, 'dashboard-task');
    await mia.page.setViewportSize({ width: 1400, height: 860 });
    await mia.page.goto(`${server.url}/ui/#/dashboard/labelers`);
    await mia.page.getByRole('table', { name: 'Labelers' }).waitFor();
    await shoot(mia.page, 'dashboard-labelers');
    await mia.context.close();

    // The admin's pages.
    const ana = await signInPage(browser, server, people.ana.email, PASSWORD, '#/dashboard/team');
    await ana.page.getByRole('table', { name: 'Teammates' }).waitFor();
    // Two people picked for two projects at once, as the assignment bar shows it before the click.
    await ana.page.getByLabel(`Select ${people.sam.email}`).check();
    await ana.page.getByLabel(`Select ${people.kai.email}`).check();
    const bar = ana.page.getByRole('group', { name: 'Assign projects' });
    await bar.getByLabel('parking-lots').check();
    await bar.getByLabel('warehouse-shelves').check();
    await shoot(ana.page, 'dashboard-team');
    // A new labeler's accept page: email, team, expiry and password rule before the first attempt.
    const invited = await call(server, 'POST', '/v1/teams/invite', { emails: ['noa.labeler@example.com'], team_role: 'labeler', projects: ['street-scenes'] });
    const link = invited.find((entry: { email: string }) => entry.email === 'noa.labeler@example.com').inviteUrl;
    const newcomer = await browser.newContext({ viewport: { width: 1000, height: 720 } });
    const acceptPage = await newcomer.newPage();
    await acceptPage.goto(link);
    await acceptPage.getByTestId('invitation').waitFor();
    await shoot(acceptPage, 'accept-invite');
    await newcomer.close();
    await ana.page.goto(`${server.url}/ui/#/dashboard/keys`);
    await ana.page.getByLabel('Label').fill('nightly import');
    await ana.page.getByRole('button', { name: 'Create key' }).click();
    await ana.page.getByTestId('new-api-key').waitFor();
    await shoot(ana.page, 'dashboard-keys');
    await ana.context.close();

    // The Studio page: who works on what (two Studio projects, groups, batches given to groups, a priority order).
    await call(server, 'POST', '/v1/projects', { type: 'categorization', name: 'sidewalk-signs', studio: true });
    await call(server, 'POST', '/v1/projects', { type: 'categorization', name: 'shelf-audit', studio: true });
    for (const [project, batch, tasks] of [['sidewalk-signs', 'signs-pilot', 4], ['shelf-audit', 'shelves-aisle-4', 6], ['sidewalk-signs', 'signs-city-centre', 9]] as const) {
      await call(server, 'POST', '/v1/batches', { project, name: batch });
      for (let n = 0; n < tasks; n++) {
        await call(server, 'POST', '/v1/task/categorization', { project, batch, attachment: `Sign ${n + 1} of ${batch}`, attachment_type: 'text', categories: ['stop', 'yield', 'other'] });
      }
    }
    await call(server, 'POST', '/v1/studio/assignments/add', { emails: [people.lee.email, people.sam.email, people.kai.email, people.rae.email], projects: ['sidewalk-signs'] });
    await call(server, 'POST', '/v1/studio/projects/sidewalk-signs/groups', { name: 'day shift', emails: [people.lee.email, people.sam.email] });
    await call(server, 'POST', '/v1/studio/projects/sidewalk-signs/groups', { name: 'night shift', emails: [people.kai.email] });
    await call(server, 'PUT', '/v1/studio/batches/signs-city-centre', { groups: ['night shift'] });
    await call(server, 'POST', '/v1/studio/batches/set_priorities', { batches: [{ name: 'signs-city-centre' }, { name: 'signs-pilot' }, { name: 'shelves-aisle-4' }] });
    const manager = await signInPage(browser, server, people.mia.email, PASSWORD, '#/dashboard/studio?project=sidewalk-signs');
    await manager.page.getByRole('table', { name: 'Priority order' }).waitFor();
    await manager.page.getByRole('group', { name: 'Group night shift' }).waitFor();
    await manager.page.setViewportSize({ width: 1400, height: 1000 });
    await shoot(manager.page, 'dashboard-studio');
    await manager.context.close();

    const errors = [lee, rae, mia, ana, manager].flatMap((session) => session.errors);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await receiver.close();
    await server.close();
  }
}

await main();
