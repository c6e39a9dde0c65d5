import type { VideoSubmission } from '@tagwright/formats';
import { isPlainObject } from '../../domain/lenient.ts';
import type { ResultReader } from '../types.ts';
import { KEYFRAMES_FILE } from './render.ts';

/** The URL of the keyframes file beside a rendered video response's annotation file, if it has one. */
export function keyframesUrlOf(response: unknown): string | undefined {
  const url = isPlainObject(response) && isPlainObject(response.annotations) ? response.annotations.url : undefined;
  return typeof url === 'string' && /\/[^/]+$/.test(url) ? url.replace(/[^/]+$/, KEYFRAMES_FILE) : undefined;
}

/**
 * The keyframes behind a completed video response (written beside its annotation file), for
 * exports; undefined when the response is not one this server rendered.
 */
export async function readStoredKeyframes(results: ResultReader, response: unknown): Promise<VideoSubmission | undefined> {
  const url = keyframesUrlOf(response);
  const bytes = url ? await results(url) : undefined;
  if (!bytes) return undefined;
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  return isPlainObject(parsed) && Array.isArray(parsed.tracks) ? (parsed as unknown as VideoSubmission) : undefined;
}
