import { useState } from 'react';

type Decision = 'accepted' | 'rejected' | 'commented';

/** A reviewer's verdicts besides "Save fix": accept, reject (sends it back) or comment only. */
export function ReviewActions({
  comments,
  onDecide,
}: {
  comments?: string[];
  onDecide: (result: Decision, comments: string | undefined) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (result: Decision) => {
    if ((result === 'rejected' || result === 'commented') && comment.trim() === '') {
      setError('Write a comment saying what to change.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onDecide(result, comment.trim() || undefined);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="tw-review-actions">
      {comments && comments.length > 0 && (
        <details>
          <summary>Earlier comments ({comments.length})</summary>
          <ul>
            {comments.map((text, index) => (
              <li key={index}>{text}</li>
            ))}
          </ul>
        </details>
      )}
      <input type="text" placeholder="Review comment" aria-label="Review comment" value={comment} onChange={(event) => setComment(event.target.value)} />
      <button type="button" disabled={busy} onClick={() => decide('commented')}>
        Comment
      </button>
      <button type="button" disabled={busy} onClick={() => decide('rejected')}>
        Reject
      </button>
      <button type="button" disabled={busy} onClick={() => decide('accepted')}>
        Accept
      </button>
      {error && (
        <span role="alert" className="tw-error">
          {error}
        </span>
      )}
    </span>
  );
}
