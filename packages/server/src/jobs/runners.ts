import type { Services } from '../services/container.ts';
import type { JobRunner } from './worker.ts';

/** Every kind of background work this process runs when it has the worker role. */
export function createJobRunners(_services: Services): JobRunner[] {
  return [];
}
