import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { DocumentTranscriptionForm } from './DocumentTranscriptionForm.tsx';

/** Documents: a list of labeled transcribed entries (documenttranscription). */
export const documentsFamilyUi: FamilyUI = {
  id: 'documents',
  taskTypes: ['documenttranscription'],
  Editor: DocumentTranscriptionForm,
  Preview: GenericPreview,
};
