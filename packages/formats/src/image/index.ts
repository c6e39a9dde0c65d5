export * from './types.ts';
export { validateImageParams } from './params.ts';
export { validateImageResponse } from './response.ts';
