import { CHAT_TASK_TYPES } from '../../domain/task-types.ts';
import type { TaskFamily } from '../types.ts';
import { asInvalidRequest } from './errors.ts';
import { checkChatParams, checkChatResponse } from './validate.ts';

/**
 * Chat: a conversation (threads of turns of messages) with annotations on it (docs/chat.md). The
 * conversation is the task's input, so no attachment is needed. Not labelable in the workbench yet.
 */
export const chatFamily: TaskFamily = {
  id: 'chat',
  taskTypes: CHAT_TASK_TYPES,
  labelable: [],
  validateParams: (_type, params) => asInvalidRequest(() => checkChatParams(params)),
  validateResponse: (_type, params, response) => asInvalidRequest(() => checkChatResponse(response, params)),
  testResponse: () => ({ responses: [] }),
};
