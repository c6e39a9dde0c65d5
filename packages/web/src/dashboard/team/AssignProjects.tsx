import { useState } from 'react';
import { ProjectPicker } from './ProjectPicker.tsx';

/**
 * The team list's bulk action: every selected teammate is assigned to (or removed from) every chosen
 * project in one request, instead of one click per person and project.
 */
export function AssignProjects({
  selected,
  projects,
  onAssign,
  onClear,
}: {
  selected: string[];
  projects: string[];
  onAssign: (emails: string[], projects: string[], add: boolean) => Promise<boolean>;
  onClear: () => void;
}) {
  const [chosen, setChosen] = useState<string[]>([]);
  const none = selected.length === 0;
  const act = async (add: boolean) => {
    if (await onAssign(selected, chosen, add)) setChosen([]);
  };
  return (
    <div className="tw-card tw-assign-bar" role="group" aria-label="Assign projects">
      <p>
        {none ? 'Tick teammates in the list, then the projects they work on.' : `${selected.length} selected: ${selected.join(', ')}`}{' '}
        {!none && (
          <button type="button" className="tw-link-button" onClick={onClear}>
            Clear
          </button>
        )}
      </p>
      <ProjectPicker legend="Projects" projects={projects} chosen={chosen} onChange={setChosen} />
      <p className="tw-actions">
        <button type="button" className="tw-primary" disabled={none || chosen.length === 0} onClick={() => void act(true)}>
          Assign to {chosen.length || ''} project{chosen.length === 1 ? '' : 's'}
        </button>
        <button type="button" disabled={none || chosen.length === 0} onClick={() => void act(false)}>
          Remove from them
        </button>
      </p>
    </div>
  );
}
