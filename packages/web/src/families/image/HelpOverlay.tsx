import { useEffect, useRef } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { shortcutsFor, type ShortcutGroup } from '../../editor/shortcuts.ts';
import { SHELL_SHORTCUTS } from '../../workbench/shell-shortcuts.ts';

const GROUPS: ShortcutGroup[] = ['Tools', 'Objects', 'View', 'History'];

/**
 * Every shortcut of this task, from the editor's own table (so nothing the keyboard does is left
 * out) plus the shell's submit and skip. `?` or Esc closes it.
 */
export function HelpOverlay({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const shortcuts = shortcutsFor(editor);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);
  return (
    <div className="tw-overlay" role="presentation" onClick={onClose}>
      <div
        ref={dialog}
        className="tw-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape' || event.key === '?') {
            event.preventDefault();
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <header className="tw-help-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose}>
            Close <kbd>Esc</kbd>
          </button>
        </header>
        <div className="tw-help-columns">
          <ShortcutSection title="Task" shortcuts={SHELL_SHORTCUTS} />
          {GROUPS.map((group) => (
            <ShortcutSection key={group} title={group} shortcuts={shortcuts.filter((shortcut) => shortcut.group === group)} />
          ))}
        </div>
      </div>
    </div>
  );
}

function ShortcutSection({ title, shortcuts }: { title: string; shortcuts: ReadonlyArray<{ keys: string; description: string }> }) {
  return (
    <section>
      <h3>{title}</h3>
      <dl>
        {shortcuts.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{shortcut.description}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
