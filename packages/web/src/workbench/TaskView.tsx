import { useCallback, useEffect, useMemo, useRef, useState, type ComponentType, type ReactNode } from 'react';
import type { DraftPart, WorkbenchTask } from '../api/types.ts';
import type { ResponseSource, TaskEditorProps } from './task-editor.ts';
import { familyUiOf } from '../families/index.ts';
import { LazyMarkdown as Markdown } from './LazyMarkdown.tsx';
import { useAutosave, type AutosaveStatus } from './use-autosave.ts';
import { isSkipKey, isSubmitKey } from './shell-shortcuts.ts';

/** The editor of the task type's family (families/index.ts), or undefined when the workbench cannot label the type. */
export function editorForTaskType(type: string): ComponentType<TaskEditorProps> | undefined {
  return familyUiOf(type)?.Editor;
}

/** A response whose annotations are an empty list (an image or text task with nothing drawn or marked). */
function isEmptyAnnotationList(response: unknown): boolean {
  const annotations = (response as { annotations?: unknown } | null)?.annotations;
  return Array.isArray(annotations) && annotations.length === 0;
}

export const SKIP_REASONS = ['Image does not load', 'Instructions unclear', 'Nothing to label', 'Content is inappropriate', 'Other'];

export interface TaskViewProps {
  task: WorkbenchTask;
  initialResponse?: unknown;
  /** `initialResponse` is the caller's saved draft. */
  initialIsDraft?: boolean;
  /** Saves a draft; called by the autosave timer. */
  onSaveDraft?: (response: unknown) => Promise<void>;
  /** Saves parts of a draft, for editors that offer them (ResponseSource.draftPatch); else onSaveDraft. */
  onSaveDraftParts?: (parts: DraftPart[]) => Promise<void>;
  onSubmit: (response: unknown) => Promise<void>;
  onSkip: (reason: string) => Promise<void>;
  /** Replaces the submit button's caption (review uses "Save fix"). */
  submitCaption?: string;
  /** Extra actions shown beside submit (review decisions). */
  extraActions?: ReactNode;
  /** Passed to the editor (TaskEditorProps.work). */
  work?: TaskEditorProps['work'];
  /** Shown under the instructions: the last action's confirmation and the person's progress today. */
  status?: ReactNode;
}

const STATUS_TEXT: Record<AutosaveStatus, string> = {
  idle: '',
  pending: 'Unsaved changes',
  saving: 'Saving draft…',
  saved: 'Draft saved',
  error: 'Draft not saved; will retry',
};

/** One task: instructions beside the type's editor, with skip and submit. */
export function TaskView({ task, initialResponse, initialIsDraft, onSaveDraft, onSaveDraftParts, onSubmit, onSkip, submitCaption = 'Submit', extraActions, work, status }: TaskViewProps) {
  const source = useRef<ResponseSource | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [skipping, setSkipping] = useState(false);
  // No reason is preselected: a hasty confirm must not record a wrong one.
  const [skipReason, setSkipReason] = useState('');
  const [skipDetail, setSkipDetail] = useState('');

  // Held in a ref so a parent re-render (a new callback) doesn't look like an edit to the editors.
  const saveDraft = useRef(onSaveDraft);
  saveDraft.current = onSaveDraft;
  const saveDraftParts = useRef(onSaveDraftParts);
  saveDraftParts.current = onSaveDraftParts;
  const autosave = useAutosave(async () => {
    const patch = saveDraftParts.current && source.current?.draftPatch?.();
    if (patch) {
      if (patch.parts.length > 0) await saveDraftParts.current!(patch.parts);
      patch.saved();
    } else if (source.current && saveDraft.current) await saveDraft.current(source.current.getResponse());
  });
  const onReady = useCallback((ready: ResponseSource) => {
    source.current = ready;
  }, []);
  const { schedule } = autosave;
  // Problems shown after a submit follow the answer: a fixed field's message goes as the field changes.
  const shownProblems = useRef(0);
  shownProblems.current = problems.length;
  const onChange = useCallback(() => {
    if (saveDraft.current) schedule();
    if (shownProblems.current > 0 && source.current) setProblems(source.current.validate());
  }, [schedule]);

  const Editor = editorForTaskType(task.type);
  // The same element while the editor's own props stay the same: the autosave line ("Unsaved changes",
  // "Saving draft…", "Draft saved"), problems and the skip form re-render this view, and must not
  // re-render the editor under it (a chat thread of hundreds of turns) on each edit (docs/chat.md).
  const editor = useMemo(
    () => Editor && <Editor key={task.task_id} task={task} initialResponse={initialResponse} initialIsDraft={initialIsDraft} onReady={onReady} onChange={onChange} work={work} />,
    [Editor, task, initialResponse, initialIsDraft, onReady, onChange, work],
  );

  const submit = async () => {
    if (!source.current) return;
    const found = source.current.validate();
    setProblems(found);
    if (found.length > 0) return;
    const response = source.current.getResponse();
    if (isEmptyAnnotationList(response) && !window.confirm('Submit this task with no annotations? Submit only if there is nothing to label; otherwise cancel and draw.')) return;
    setBusy(true);
    setError(null);
    try {
      autosave.cancel();
      await onSubmit(response);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const skip = async () => {
    setBusy(true);
    setError(null);
    try {
      autosave.cancel();
      await onSkip(skipReason === 'Other' || skipDetail ? `${skipReason}${skipDetail ? `: ${skipDetail}` : ''}` : skipReason);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Ctrl+Enter submits and Ctrl+Space opens the skip form, from anywhere on the page (SHELL_SHORTCUTS).
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isSubmitKey(event)) {
        event.preventDefault();
        void submitRef.current();
      } else if (isSkipKey(event)) {
        event.preventDefault();
        setSkipping(true);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="tw-task" data-task-type={task.type}>
      <aside className="tw-instructions" aria-label="Instructions">
        <h2>Instructions</h2>
        {task.instruction ? <Markdown source={task.instruction} /> : <p className="tw-hint">No instructions for this task.</p>}
        <p className="tw-hint">
          Task {task.task_id} · {task.type} · {task.project}
        </p>
        {status}
      </aside>
      <main className="tw-task-main">
        {editor ?? (
          <p role="alert">The workbench cannot label {task.type} tasks yet. Skip it so it can go to someone with the right tool.</p>
        )}
        {problems.length > 0 && (
          <ul className="tw-problems" role="alert" aria-label="Problems">
            {problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        )}
        {error && (
          <p role="alert" className="tw-error">
            {error}
          </p>
        )}
        <footer className="tw-actions">
          <span className="tw-autosave" aria-live="polite">
            {STATUS_TEXT[autosave.status]}
          </span>
          {skipping ? (
            <span className="tw-skip-form">
              <label>
                Reason{' '}
                <select value={skipReason} onChange={(event) => setSkipReason(event.target.value)}>
                  <option value="" disabled>
                    Choose a reason…
                  </option>
                  {SKIP_REASONS.map((reason) => (
                    <option key={reason}>{reason}</option>
                  ))}
                </select>
              </label>
              <input type="text" placeholder="Details (optional)" value={skipDetail} onChange={(event) => setSkipDetail(event.target.value)} />
              <button type="button" disabled={busy || skipReason === ''} onClick={skip}>
                Confirm skip
              </button>
              <button type="button" onClick={() => setSkipping(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" disabled={busy} aria-keyshortcuts="Control+Space" onClick={() => setSkipping(true)}>
              Skip <kbd aria-hidden="true">Ctrl+Space</kbd>
            </button>
          )}
          {extraActions}
          {Editor && (
            <button type="button" className="tw-primary" disabled={busy} aria-keyshortcuts="Control+Enter" onClick={submit}>
              {submitCaption} <kbd aria-hidden="true">Ctrl+Enter</kbd>
            </button>
          )}
        </footer>
      </main>
    </div>
  );
}
