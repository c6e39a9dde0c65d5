/**
 * @tagwright/formats: the Scale shapes of each task family (request params, responses, result
 * files) as TypeScript types, plus pure validators. One folder per family (`src/<family>/`); the
 * server, the web UI and the SDK import them, so a shape is written down once
 * (docs/task-families.md). The SDK imports types only: it keeps no runtime dependencies.
 *
 * Validators throw a FormatError naming the first problem (`problemsOf` turns that into a list);
 * the server answers it as a 400 with the same message.
 */
export * from './shared/problem.ts';
export * from './shared/labels.ts';
export * from './shared/params.ts';
export * from './shared/response.ts';
export * from './shared/attribute-conditions.ts';
export * from './image/index.ts';
export * from './categorization/index.ts';
export * from './fields/index.ts';
export * from './documents/index.ts';
export * from './comparison/index.ts';
export * from './ner/index.ts';
export * from './video/index.ts';
export * from './chat/index.ts';
export * from './segmentation/index.ts';
