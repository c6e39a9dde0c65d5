import type { ChatThread } from '@tagwright/formats';
import { ResponseJson } from '../../dashboard/GenericPreview.tsx';
import type { PreviewProps } from '../types.ts';

/**
 * A chat response read-only: the conversation of a submitted `{threads}` (review, drafts), or the
 * steps of a completed task's v1 `{responses}`, above the JSON.
 */
export function ChatPreview({ response }: PreviewProps) {
  const threads = isObject(response) && Array.isArray(response.threads) ? (response.threads as ChatThread[]) : undefined;
  const steps = isObject(response) && Array.isArray(response.responses) ? (response.responses as Array<{ type: string; output: string }>) : undefined;
  return (
    <div className="tw-preview tw-chat-preview">
      {threads?.map((thread, threadIndex) => (
        <div key={threadIndex}>
          {thread.turns.map((turn, turnIndex) => (
            <section key={turnIndex} className="tw-chat-turn" aria-label={`Turn ${turnIndex + 1}`}>
              {turn.messages.map((message, index) => (
                <p key={index} className={`tw-chat-message tw-chat-${message.role}`}>
                  <strong>{message.source_id}</strong>: {message.content.text}
                </p>
              ))}
              {(turn.annotations ?? []).map((annotation) => (
                <p key={annotation.key} className="tw-hint">
                  {annotation.title ?? annotation.key}: {JSON.stringify(annotation.value)}
                </p>
              ))}
            </section>
          ))}
        </div>
      ))}
      {steps && (
        <ol className="tw-chat-steps">
          {steps.map((step, index) => (
            <li key={index}>
              <strong>{step.type}</strong>: {step.output}
            </li>
          ))}
        </ol>
      )}
      <ResponseJson response={response} />
    </div>
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
