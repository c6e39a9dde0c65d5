/**
 * The workbench shell's own keys (TaskView): the same for every task type, and listed by each
 * editor's help overlay. Label Studio's keys, so its users find them where they expect.
 */
export const SHELL_SHORTCUTS: ReadonlyArray<{ keys: string; description: string }> = [
  { keys: 'Ctrl+Enter', description: 'Submit the task (asks first when nothing is labelled)' },
  { keys: 'Ctrl+Space', description: 'Skip the task (choose a reason, then confirm)' },
  { keys: '?', description: 'Show or hide this help' },
];

/** Whether a key event is the shell's submit key. */
export const isSubmitKey = (event: { key: string; ctrlKey: boolean; metaKey: boolean }) => event.key === 'Enter' && (event.ctrlKey || event.metaKey);

/** Whether a key event is the shell's skip key. */
export const isSkipKey = (event: { key: string; ctrlKey: boolean; metaKey: boolean }) => event.key === ' ' && (event.ctrlKey || event.metaKey);
