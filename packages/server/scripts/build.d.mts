// Types of build.mjs, for the TypeScript that imports it (bench/start-up.bench.ts).
/** packages/server/dist, where the compiled server goes. */
export declare const DIST_DIR: string;
/** Builds packages/server/dist unless it was built from the sources as they are now. */
export declare function ensureServerBuild(): Promise<void>;
