import { InvalidRequest } from '../../domain/errors.ts';
import { ChatShapeError } from './validate.ts';

/** Runs a pure chat check and turns its ChatShapeError into the 400 that names the path to fix. */
export function asInvalidRequest<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ChatShapeError) throw new InvalidRequest(error.message);
    throw error;
  }
}
