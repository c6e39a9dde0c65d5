import { memo, useState, type KeyboardEvent } from 'react';

interface ComposerProps {
  id: string;
  /** Names of the endpoints a message is sent to (none: the message is only added). */
  answering: string[];
  canWriteAnswer: boolean;
  onSend: (text: string) => void;
  onWriteAnswer: () => void;
}

/**
 * The labeler's next message (Ctrl+Enter sends it). It keeps its text itself, so a keystroke
 * re-renders this box and not the conversation above it.
 */
export const Composer = memo(function Composer({ id, answering, canWriteAnswer, onSend, onWriteAnswer }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const send = () => {
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    onSend(text);
  };
  const keys = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // In the message box Ctrl+Enter sends the message; it must not reach the workbench's Ctrl+Enter (submit the task).
      event.preventDefault();
      event.stopPropagation();
      send();
    }
  };
  return (
    <div className="tw-chat-composer">
      <label htmlFor={id}>Your message</label>
      <textarea id={id} rows={3} value={draft} onChange={(event) => setDraft(event.target.value)} onKeyDown={keys} placeholder="Write the next user message (Ctrl+Enter sends it)" />
      <span className="tw-chat-composer-actions">
        <button type="button" onClick={send} disabled={!draft.trim()}>
          {answering.length > 0 ? `Send to ${answering.join(', ')}` : 'Add message'}
        </button>
        <button type="button" onClick={onWriteAnswer} disabled={!canWriteAnswer}>
          Write an answer
        </button>
      </span>
    </div>
  );
});
