export * from './types.ts';
export { validateFieldsParams } from './params.ts';
export { checkFieldMap, validateFieldsResponse } from './response.ts';
