import { useEffect, useRef } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { shortcutsFor, type Shortcut, type ShortcutGroup } from '../../editor/shortcuts.ts';
import { SHELL_SHORTCUTS } from '../../workbench/shell-shortcuts.ts';

const GROUPS: ShortcutGroup[] = ['Tools', 'Objects', 'View', 'History'];

type Listed = ReadonlyArray<{ keys: string; description: string }>;

/** A titled list of shortcuts in the overlay. */
export interface ShortcutSectionSpec {
  title: string;
  shortcuts: Listed;
}

/** The image editor's shortcuts by group, from a list drawn from its table. */
export function editorSections(shortcuts: readonly Shortcut[]): ShortcutSectionSpec[] {
  return GROUPS.map((group) => ({ title: group, shortcuts: shortcuts.filter((shortcut) => shortcut.group === group) }));
}

/**
 * Every shortcut of this task, from the editor's own tables (so nothing the keyboard does is left
 * out) plus the shell's submit and skip. The image editor passes `editor`; the video editor its
 * own `sections` (its time keys, then the image keys it does not take). `?` or Esc closes it.
 */
export function HelpOverlay({ editor, sections, onClose }: { editor?: Editor; sections?: ShortcutSectionSpec[]; onClose: () => void }) {
  const listed = sections ?? (editor ? editorSections(shortcutsFor(editor)) : []);
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
          {listed
            .filter((section) => section.shortcuts.length > 0)
            .map((section) => (
              <ShortcutSection key={section.title} title={section.title} shortcuts={section.shortcuts} />
            ))}
        </div>
      </div>
    </div>
  );
}

function ShortcutSection({ title, shortcuts }: ShortcutSectionSpec) {
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
