import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { documentsFamily } from './family.ts';
import { DocumentTranscriptionForm } from './DocumentTranscriptionForm.tsx';

/** Documents: a list of labeled transcribed entries (documenttranscription). */
export const documentsFamilyUi: FamilyUI = {
  ...documentsFamily,
  Editor: DocumentTranscriptionForm,
  Preview: GenericPreview,
};
