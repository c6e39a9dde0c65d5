export * from './types.ts';
export * from './keyframes.ts';
export * from './timing.ts';
export { validateVideoParams } from './params.ts';
export { validateVideoSubmission } from './submission.ts';
