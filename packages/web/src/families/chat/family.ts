import type { FamilyInfo } from '../types.ts';

/** Chat: a conversation with model answers and annotation questions (docs/chat.md). Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const chatFamily: FamilyInfo = { id: 'chat', taskTypes: ['chat', 'chatexperimental', 'chatlite', 'multichat'] };
