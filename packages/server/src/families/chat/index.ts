import { CHAT_TASK_TYPES } from '../../domain/task-types.ts';
import type { TaskFamily } from '../types.ts';
import { chatAgreement, checkChatParams, checkChatResponse } from '@tagwright/formats';

/**
 * Chat: a conversation (threads of turns of messages) with annotations on it (docs/chat.md). The
 * conversation is the task's input, so no attachment is needed. Labeled in the workbench's chat editor (packages/web/src/families/chat).
 */
export const chatFamily: TaskFamily = {
  id: 'chat',
  taskTypes: CHAT_TASK_TYPES,
  labelable: CHAT_TASK_TYPES,
  templateTypes: CHAT_TASK_TYPES,
  validateParams: (_type, params) => checkChatParams(params),
  validateResponse: (_type, params, response) => checkChatResponse(response, params),
  testResponse: () => ({ responses: [] }),
  // Rankings, categories and ratings slot by slot (docs/chat.md, Consensus); the merge keeps the most central conversation.
  agreement: (_type, _params, a, b) => chatAgreement(a, b),
};
