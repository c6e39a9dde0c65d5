import { isPlainObject } from '../../domain/lenient.ts';
import { annotationsOf, words } from '../shared/agreement.ts';

/** A documenttranscription response as (label, word) tokens, for a token F1 between two responses. */
export function transcriptionTokens(response: unknown): string[] {
  return annotationsOf(response).flatMap((a) => (isPlainObject(a) && typeof a.text === 'string' ? words(a.text).map((word) => `${a.label ?? ''}\u0000${word}`) : []));
}
