// Builds the publishable package into dist/ (`npm run build`, and `npm pack` through prepack):
// index.js (ESM) and index.cjs (CommonJS) bundled by esbuild, and one declaration file for each
// (.d.ts, .d.cts) bundled by dts-bundle-generator. tsconfig.build.json maps @tagwright/formats to
// its sources by `paths`, so the bundler inlines those type-only imports: the published
// declarations name no package an installer does not have.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const entry = path.join(root, 'src/index.ts');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const banner = `/* @tagwright/sdk ${version} (MIT) */`;

fs.rmSync(dist, { recursive: true, force: true });

const common = {
  entryPoints: [entry],
  bundle: true,
  // Neutral: no Node built-ins assumed; fileFromPath loads node:fs itself, on its first call.
  platform: 'neutral',
  external: ['node:*'],
  target: 'es2022',
  banner: { js: banner },
  logLevel: 'warning',
};
await Promise.all([
  build({ ...common, format: 'esm', outfile: path.join(dist, 'index.js') }),
  build({ ...common, format: 'cjs', outfile: path.join(dist, 'index.cjs') }),
]);

const [types] = generateDtsBundle([{ filePath: entry, output: { noBanner: true } }], { preferredConfigPath: path.join(root, 'tsconfig.build.json') });
if (/\bfrom\s*['"]|\bimport\(['"]|\/\/\/\s*<reference/.test(types)) throw new Error('the bundled declarations still import another module; they must be self-contained');
// The same declarations twice: TypeScript reads .d.ts as ESM and .d.cts as CommonJS in a "type": "module" package.
fs.writeFileSync(path.join(dist, 'index.d.ts'), `${banner}\n${types}`);
fs.writeFileSync(path.join(dist, 'index.d.cts'), `${banner}\n${types}`);

for (const file of fs.readdirSync(dist).sort()) console.log(`dist/${file}  ${(fs.statSync(path.join(dist, file)).size / 1024).toFixed(1)} KiB`);
