import type { ChatMessage, ChatThread } from '@tagwright/formats';
import { fineTuningMessages, preferencePairs, trainingMessage } from '@tagwright/formats';
import type { StoredTask } from '../repositories/task.repository.ts';
import { emptyStats, inPieces, type ConversationReader, type StreamExporter } from './types.ts';

/** The two training-data formats of chat tasks (docs/chat.md, "Exports"). */
export type ChatTrainingFormat = 'chat-preference' | 'chat-sft';

/**
 * JSON Lines of training data from completed chat tasks, read a page at a time (four statements per
 * page of 1,000 tasks), so memory stays at one page:
 * - `chat-sft`: one record per thread, `{messages, metadata}`, every turn with its chosen answer
 *   (the best-ranked, else the first): the conversational format of supervised fine-tuning;
 * - `chat-preference`: one record per pair of answers a ranking orders, `{prompt, chosen, rejected,
 *   metadata}`: the conversational preference format (DPO and reward models).
 * Tasks of other types, and chat tasks not completed, write nothing.
 */
export function chatTrainingExporter(format: ChatTrainingFormat, conversations: ConversationReader | undefined): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'jsonl',
    stats,
    async *write(pages: AsyncIterable<StoredTask[]>) {
      if (!conversations) throw new Error('chat training exports need the conversation reader');
      for await (const page of pages) {
        stats.tasks += page.length;
        const threads = await conversations(page);
        const lines: string[] = [];
        for (const task of page) {
          for (const thread of threads.get(task.id) ?? []) lines.push(...(format === 'chat-sft' ? sftLines(task, thread) : preferenceLines(task, thread)));
        }
        stats.records += lines.length;
        yield* inPieces(lines);
      }
    },
  };
}

function sftLines(task: StoredTask, thread: ChatThread): string[] {
  const messages = fineTuningMessages(thread);
  // A thread with no answer teaches nothing.
  if (!messages.some((message) => message.role === 'assistant')) return [];
  return [JSON.stringify({ messages, metadata: { task_id: task.id, project: task.project_name, thread_id: thread.id, turns: thread.turns.length } }) + '\n'];
}

function preferenceLines(task: StoredTask, thread: ChatThread): string[] {
  return preferencePairs(thread).map(
    (pair) =>
      JSON.stringify({
        prompt: pair.prompt,
        chosen: [trainingMessage(pair.chosen)],
        rejected: [trainingMessage(pair.rejected)],
        metadata: {
          task_id: task.id,
          project: task.project_name,
          thread_id: thread.id,
          turn_id: thread.turns[pair.turn].id,
          turn: pair.turn,
          ranking: pair.ranking,
          chosen_source_id: pair.chosen.source_id,
          rejected_source_id: pair.rejected.source_id,
          chosen_model: modelOf(pair.chosen),
          rejected_model: modelOf(pair.rejected),
        },
      }) + '\n',
  );
}

/** The model that wrote an answer, from its recorded parameters; null for a person's answer. */
function modelOf(message: ChatMessage): string | null {
  return typeof message.model_parameters?.model === 'string' ? message.model_parameters.model : null;
}
