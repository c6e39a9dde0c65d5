#!/usr/bin/env node
// `npm start`: runs the compiled server (packages/server/dist), building it first when its sources
// changed since the last build (scripts/build.mjs). The tests run the TypeScript sources through tsx.
import { ensureServerBuild } from '../scripts/build.mjs';

await ensureServerBuild();
await import('../dist/main.js');
