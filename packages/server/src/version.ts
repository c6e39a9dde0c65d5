import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The server's version, from its package.json (shown in the callback User-Agent). */
export const VERSION: string = (require('../package.json') as { version: string }).version;
