import { useEffect, useState } from 'react';
import { flattenLabels, labelCaption } from '../../editor/labels.ts';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import { useResponseSource } from '../../workbench/use-response-source.ts';

/** Reads a saved `{category}` (a string, or a list when allow_multiple). */
function initialChoice(saved: unknown): string[] {
  const category = (saved as { category?: unknown } | undefined)?.category;
  if (typeof category === 'string') return [category];
  if (Array.isArray(category)) return category.filter((item): item is string => typeof item === 'string');
  return [];
}

/** categorization: pick one category, or several when `allow_multiple`. Keys 1–9 pick too. */
export function Categorizer({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const categories = flattenLabels(task.params.categories);
  const multiple = task.params.allow_multiple === true;
  const [chosen, setChosen] = useState<string[]>(() => initialChoice(initialResponse));

  const toggle = (value: string) =>
    setChosen((current) => (multiple ? (current.includes(value) ? current.filter((item) => item !== value) : [...current, value]) : [value]));

  useResponseSource(
    chosen,
    (state) => ({ category: multiple ? state : (state[0] ?? null) }),
    (state) => (state.length === 0 ? ['Choose a category.'] : []),
    { onReady, onChange },
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.tagName === 'TEXTAREA' || (target?.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text')) return;
      if (!/^[1-9]$/.test(event.key) || event.ctrlKey || event.metaKey) return;
      const option = categories[Number(event.key) - 1];
      if (option) toggle(option.value);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  });

  return (
    <div className="tw-form">
      <TaskAttachments task={task} />
      <fieldset>
        <legend>{multiple ? 'Choose every category that applies' : 'Choose one category'}</legend>
        {categories.map((option, index) => (
          <label key={option.value} className="tw-choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name="category"
              checked={chosen.includes(option.value)}
              onChange={() => toggle(option.value)}
            />
            {labelCaption(option)}
            {index < 9 && <kbd>{index + 1}</kbd>}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
