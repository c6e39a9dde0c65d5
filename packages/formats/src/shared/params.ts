import { FormatError, invalid, isPlainObject, missing } from './problem.ts';

/** Fields every task type accepts (contract 4.1.1); other keys are the type's own params. */
export interface CommonTaskParams {
  /** Project name; without it the batch's project, else the account's default project. */
  project?: string;
  /** Batch name. */
  batch?: string;
  /** URL or email address that receives the completion callback. */
  callback_url?: string;
  /** Markdown instruction; the project's instruction is appended to it. */
  instruction?: string;
  attachment?: string;
  attachments?: unknown[];
  attachment_type?: string;
  /** Unique per account and environment; a duplicate is `ScaleDuplicateResource`. */
  unique_id?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  /** 10, 20 or 30; higher is more urgent. */
  priority?: 10 | 20 | 30;
  /** Project parameter version to inherit; -1 inherits nothing. */
  project_version?: number;
  [param: string]: unknown;
}

/** The common rule of 4.1.2: a non-empty `attachment` string or a non-empty `attachments` array. */
export function requireAttachment(params: Record<string, unknown>): void {
  const single = typeof params.attachment === 'string' && params.attachment.trim() !== '';
  const several = Array.isArray(params.attachments) && params.attachments.length > 0;
  if (!single && !several) throw new FormatError('Please provide an attachment or attachments parameter.');
}

/** A parameter that must be a non-empty string; `what` says what it holds. */
export function requireNonEmptyString(params: Record<string, unknown>, field: string, what: string): void {
  const value = params[field];
  if (value === undefined || value === null) throw missing(field, what);
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `expected a non-empty string (${what})`);
}

/** An object of field key to description (datacollection, transcription, comparison's `fields`). */
export function requireFieldMap(params: Record<string, unknown>, field: string): void {
  const value = params[field];
  if (value === undefined || value === null) throw missing(field, 'an object of field keys to descriptions');
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw invalid(field, 'expected a non-empty object of field keys to descriptions');
  }
}
