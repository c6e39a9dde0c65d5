import { flattenLabels, labelCaption } from '../../editor/labels.ts';
import { TaskAttachments } from '../../workbench/AttachmentView.tsx';
import type { PreviewProps } from '../types.ts';

/** The task's categories as a checked list, the chosen ones ticked. */
export function CategoryPreview({ task, response }: PreviewProps) {
  const category = (response as { category?: unknown } | undefined)?.category;
  const chosen = new Set(typeof category === 'string' ? [category] : Array.isArray(category) ? category.filter((item) => typeof item === 'string') : []);
  const options = flattenLabels(task.params.categories);
  return (
    <div className="tw-preview">
      <TaskAttachments task={task} />
      <ul className="tw-category-list" aria-label="Categories">
        {options.map((option) => (
          <li key={option.value} data-chosen={chosen.has(option.value) || undefined} className={chosen.has(option.value) ? 'tw-chosen' : undefined}>
            {chosen.has(option.value) ? '☑' : '☐'} {labelCaption(option)}
          </li>
        ))}
      </ul>
      {response === undefined && <p className="tw-hint">No response yet.</p>}
    </div>
  );
}
