/** The chat family's shapes (task-types.md §7): the v2 thread tree, question set, checks, storage rows, test threads, JSON Schema. */
export * from './shapes.ts';
export * from './validate.ts';
export * from './conversation.ts';
export * from './seed.ts';
export * from './json-schema.ts';
export * from './agreement.ts';
export * from './generation.ts';
export * from './training.ts';
