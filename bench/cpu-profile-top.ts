/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF of bench/tasks.bench.ts): the
 * functions with the most self time, and the packages (node_modules folder, or Tagwright's own
 * source folder) they belong to, as shares of the sampled time with idle time left out.
 *
 *   node --import tsx bench/cpu-profile-top.ts /tmp/prof/CPU.*.cpuprofile [top=25]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node --import tsx bench/cpu-profile-top.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const hits = new Map<number, number>();
for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let busy = 0;
for (const node of profile.nodes) {
  const count = hits.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  if (count === 0 || functionName === '(idle)' || functionName === '(program)') continue;
  busy += count;
  const where = url.replace(/^file:\/\//, '');
  const name = `${functionName || '(anonymous)'} ${where ? `${where.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
  const modules = where.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const own = where.match(/packages\/[^/]+\/src\/([^/]+)/);
  const pack = modules ? modules[1] : own ? `tagwright src/${own[1]}` : where.startsWith('node:') ? 'node internals' : functionName.startsWith('(') ? functionName : 'native/other';
  byPackage.set(pack, (byPackage.get(pack) ?? 0) + count);
}
const share = (count: number) => `${((100 * count) / busy).toFixed(1).padStart(5)} %`;
const rank = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${file}: ${busy} busy samples (idle left out)`);
console.log('self time by package:');
for (const [name, count] of rank(byPackage)) console.log(`  ${share(count)}  ${name}`);
console.log('self time by function:');
for (const [name, count] of rank(byFunction)) console.log(`  ${share(count)}  ${name}`);
