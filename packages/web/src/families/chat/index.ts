import type { FamilyUI } from '../types.ts';
import { chatFamily } from './family.ts';
import { ChatEditor } from './ChatEditor.tsx';
import { ChatPreview } from './ChatPreview.tsx';

/** Chat: a conversation with model answers and annotation questions (docs/chat.md). */
export const chatFamilyUi: FamilyUI = {
  ...chatFamily,
  Editor: ChatEditor,
  Preview: ChatPreview,
};
