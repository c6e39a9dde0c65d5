import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { NerAnnotator } from './NerAnnotator.tsx';

/** Named entities: labeled character spans of the task's text. */
export const nerFamilyUi: FamilyUI = {
  id: 'ner',
  taskTypes: ['namedentityrecognition'],
  Editor: NerAnnotator,
  Preview: GenericPreview,
};
