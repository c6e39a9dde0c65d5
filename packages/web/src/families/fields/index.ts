import type { FamilyUI } from '../types.ts';
import { fieldsFamily } from './family.ts';
import { FieldsEditor } from './FieldsEditor.tsx';
import { FieldsPreview } from './FieldsPreview.tsx';

/** Answers keyed by field: textcollection's typed fields, datacollection's and transcription's field maps. */
export const fieldsFamilyUi: FamilyUI = {
  ...fieldsFamily,
  Editor: FieldsEditor,
  Preview: FieldsPreview,
};
