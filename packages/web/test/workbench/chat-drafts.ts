// A chat task with one rating question per answer, and drafts of n turns, for the chat editor's tests.
export const FORMATTING_PARAMS = {
  annotations: [{ key: 'formatting', type: 'integer', scope: 'message', title: 'Formatting', possible_values: [1, 2, 3], labels: ['Bad', 'OK', 'Good'] }],
};

/** A draft of one thread with `turns` turns, each a user question and one model answer. */
export function chatDraft(turns: number) {
  return {
    threads: [
      {
        annotations: [],
        turns: Array.from({ length: turns }, (_, index) => ({
          messages: [
            { role: 'user', source_id: 'user', content: { text: `Q${index}` }, annotations: [] },
            { role: 'assistant', source_id: 'model_a', content: { text: `A${index}` }, annotations: [] },
          ],
          annotations: [],
        })),
      },
    ],
  };
}
