/** What the undo/redo and zoom buttons drive: the image editor and the mask editor both offer it. */
export interface HistoryZoomTarget {
  undo(): void;
  redo(): void;
  zoomBy(factor: number): void;
  fitToImage(): void;
}

/** Undo, redo, zoom out/in with the zoom level, and fit: the same buttons in every canvas editor's toolbar. */
export function HistoryZoomControls({ editor, canUndo, canRedo, zoom }: { editor: HistoryZoomTarget; canUndo: boolean; canRedo: boolean; zoom: number }) {
  return (
    <>
      <button type="button" disabled={!canUndo} title="Undo (Ctrl+Z)" onClick={() => editor.undo()}>
        Undo <kbd>Ctrl+Z</kbd>
      </button>
      <button type="button" disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" onClick={() => editor.redo()}>
        Redo
      </button>
      <button type="button" title="Zoom out (-)" onClick={() => editor.zoomBy(0.8)}>
        −
      </button>
      <span className="tw-zoom" aria-label="Zoom">
        {Math.round(zoom * 100)}%
      </span>
      <button type="button" title="Zoom in (+)" onClick={() => editor.zoomBy(1.25)}>
        +
      </button>
      <button type="button" title="Fit image (0)" onClick={() => editor.fitToImage()}>
        Fit <kbd>0</kbd>
      </button>
    </>
  );
}
