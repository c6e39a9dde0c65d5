// Builds the web UI (packages/web/dist) when it is missing, so `npm start` serves /ui/ on a fresh clone.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync(new URL('../packages/web/dist/index.html', import.meta.url))) {
  console.log('Building the web UI (packages/web/dist) once…');
  execSync('npm run build -w @tagwright/web', { stdio: 'inherit' });
}
