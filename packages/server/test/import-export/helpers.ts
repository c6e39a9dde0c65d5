import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestServer } from '../helpers/server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tagwright.js');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The environment that points `tagwright` at the test server's database. */
export function cliEnvironment(server: TestServer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  for (const name of Object.keys(env)) if (name.startsWith('TAGWRIGHT_') || name === 'DATABASE_URL') delete env[name];
  const { database } = server;
  if (database.databaseUrl) {
    env.DATABASE_URL = database.databaseUrl;
    env.TAGWRIGHT_DATA_DIR = server.config.dataDir;
  } else {
    // The test server opened <dir>/tagwright.sqlite; the CLI opens tagwright.sqlite in its data folder.
    env.TAGWRIGHT_DATA_DIR = path.dirname(database.sqliteFile!);
  }
  return env;
}

/** Runs `tagwright <args>` as a child process; standard output is kept as bytes (exports may be binary). */
export function runCli(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs `tagwright --json <args>`, expects exit code 0 and returns the parsed JSON it printed. */
export async function runCliJson(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<any> {
  const result = await runCli(env, ['--json', ...args], input);
  assert.equal(result.code, 0, `tagwright ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8'));
}

/** Files of an (uncompressed ustar) tar archive by path. */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const name = text(0, 100);
    const prefix = text(345, 155);
    const size = parseInt(text(124, 12).trim(), 8);
    let checksum = 0;
    for (let index = 0; index < 512; index++) checksum += index >= 148 && index < 156 ? 32 : header[index];
    assert.equal(checksum, parseInt(text(148, 8).trim(), 8), `tar header checksum of ${name}`);
    files.set(prefix ? `${prefix}/${name}` : name, archive.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The `<object>`s of a Pascal VOC annotation: name and bndbox. */
export function vocObjects(xml: string): Array<{ name: string; box: number[] }> {
  const objects: Array<{ name: string; box: number[] }> = [];
  for (const match of xml.matchAll(/<object>([\s\S]*?)<\/object>/g)) {
    const body = match[1];
    const field = (tag: string) => /<(\w+)>([^<]*)<\/\1>/.exec(body.slice(body.indexOf(`<${tag}>`)))?.[2] ?? '';
    objects.push({ name: unescapeXml(field('name')), box: ['xmin', 'ymin', 'xmax', 'ymax'].map((tag) => Number(field(tag))) });
  }
  return objects;
}

function unescapeXml(text: string): string {
  return text.replace(/&#(\d+);/g, (_match, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
