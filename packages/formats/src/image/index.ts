export * from './types.ts';
export { validateImageParams } from './params.ts';
export { validateImageResponse, validateImageHypothesis } from './response.ts';
export { checkTypedAnnotation } from './response.ts';
export { checkImageOptions, LAYER_KEYS } from './options.ts';
export * from './base-annotations.ts';
export * from './geometry.ts';
