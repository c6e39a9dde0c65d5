#!/usr/bin/env node
// The `tagwright` command: the compiled CLI (packages/server/dist), built first when its sources
// changed since the last build (scripts/build.mjs), like `npm start`.
import { ensureServerBuild } from '../scripts/build.mjs';

await ensureServerBuild();
await import('../dist/cli.js');
