import { useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { useEditorState } from './use-editor.ts';
import { TOOL_KEYS } from '../../editor/shortcuts.ts';

const LINK_KEY = TOOL_KEYS.find((entry) => entry.tool === 'link')!.shown;

/** The task's link types (choose the one the link tool draws) and the links drawn so far, each deletable. */
export function LinksPanel({ editor }: { editor: Editor }) {
  const active = useEditorState(editor, (state) => state.activeLinkType);
  const toolId = useEditorState(editor, (state) => state.toolId);
  const links = useSyncExternalStore(
    useCallback((listener) => editor.links.subscribeIds(listener), [editor]),
    () => editor.links.getIds(),
  );
  if (editor.config.linkTypes.length === 0) return null;
  const caption = (id: string) => {
    const shape = editor.store.get(id);
    return shape ? `#${editor.store.getIds().indexOf(id) + 1} ${editor.labelCaptionOf(shape)}` : '?';
  };
  return (
    <section className="tw-links" aria-label="Links">
      <h3>
        Links <span className="tw-count">{links.length}</span>
      </h3>
      <label>
        Link type{' '}
        <select value={active} onChange={(event) => editor.setActiveLinkType(event.target.value)}>
          {editor.config.linkTypes.map((type, index) => (
            <option key={`${type.label}-${index}`} value={type.label}>
              {type.label} ({type.fromLabels.join('/') || 'any'} {type.bidirectional ? '↔' : '→'} {type.toLabels.join('/') || 'any'})
            </option>
          ))}
        </select>
      </label>
      {toolId !== 'link' && (
        <button type="button" onClick={() => editor.setTool('link')}>
          Draw a link <kbd>{LINK_KEY}</kbd>
        </button>
      )}
      <ul className="tw-link-rows">
        {links.map((id) => {
          const link = editor.links.get(id)!;
          return (
            <li key={id} data-link-id={id}>
              {caption(link.from)} → {caption(link.to)} <em>{link.label}</em>
              <button type="button" className="tw-icon" onClick={() => editor.removeLink(id)}>
                Delete
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
