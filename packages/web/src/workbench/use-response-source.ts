import { useEffect, useRef } from 'react';
import type { TaskEditorProps } from './task-editor.ts';

/**
 * For editors whose state lives in React: hands the task view a source that reads the latest
 * state, and reports each change of that state.
 */
export function useResponseSource<State>(
  state: State,
  toResponse: (state: State) => unknown,
  validate: (state: State) => string[],
  { onReady, onChange }: Pick<TaskEditorProps, 'onReady' | 'onChange'>,
): void {
  const latest = useRef({ state, toResponse, validate });
  latest.current = { state, toResponse, validate };
  useEffect(() => {
    onReady({
      getResponse: () => latest.current.toResponse(latest.current.state),
      validate: () => latest.current.validate(latest.current.state),
    });
  }, [onReady]);
  // Report edits only: a change of state, not of the callback's identity.
  const reported = useRef(state);
  useEffect(() => {
    if (reported.current === state) return;
    reported.current = state;
    onChange();
  }, [state, onChange]);
}
