import { FormatError } from '@tagwright/formats';
import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import type { TaskType } from '../domain/task-types.ts';
import { familyOf } from '../families/index.ts';

/**
 * Validation of a task's `params` after project parameters were merged in (contract 4.1.2): the
 * checks every type shares (attachment and hypothesis shapes), then the task's family's own
 * (families/<id>/, `validateParams`: the attachment rule, and what makes a task labelable).
 * Messages name the parameter to fix. (Which fields each type requires beyond 4.1.2 is a Tagwright
 * decision, listed in docs/tasks.md.)
 */
export function validateTaskParams(type: TaskType, params: Record<string, unknown>): void {
  checkAttachmentShapes(params);
  if (params.hypothesis !== undefined && params.hypothesis !== null && !isPlainObject(params.hypothesis)) {
    throw new InvalidRequest("Invalid value for 'hypothesis': expected an object (a pre-annotation in the task's response shape).");
  }
  const family = familyOf(type);
  if (family) asInvalidRequest(() => family.validateParams(type, params));
}

/** A new task's params as stored: what its family generates filled in (`prepareParams`), after validateTaskParams. */
export function prepareTaskParams(type: TaskType, params: Record<string, unknown>): Record<string, unknown> {
  return familyOf(type)?.prepareParams?.(type, params) ?? params;
}

/** Runs a family validator, answering its FormatError (from @tagwright/formats) as a 400 with the same message. */
export function asInvalidRequest(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof FormatError) throw new InvalidRequest(error.message);
    throw error;
  }
}

function checkAttachmentShapes(params: Record<string, unknown>): void {
  if (params.attachment !== undefined && params.attachment !== null && typeof params.attachment !== 'string') {
    throw new InvalidRequest("Invalid value for 'attachment': expected a string (a URL, or the attachment_url of an uploaded file).");
  }
  if (params.attachments !== undefined && params.attachments !== null && !Array.isArray(params.attachments)) {
    throw new InvalidRequest("Invalid value for 'attachments': expected an array.");
  }
  if (params.attachment_type !== undefined && params.attachment_type !== null && typeof params.attachment_type !== 'string') {
    throw new InvalidRequest("Invalid value for 'attachment_type': expected a string such as image, text, pdf or website.");
  }
}
