import { Tool } from '../../tools/tool.ts';
import type { MaskEditor } from '../mask-editor.ts';
import { BrushPainting, EraseIdle, PaintIdle } from './brush.ts';
import { PolygonDrawing, PolygonIdle } from './polygon-fill.ts';
import { FloodFillIdle, SuperpixelDragging, SuperpixelIdle } from './fill.ts';

export type MaskToolId = 'brush' | 'eraser' | 'polygon' | 'fill' | 'superpixel';

export const MASK_TOOLS: readonly MaskToolId[] = ['brush', 'eraser', 'polygon', 'fill', 'superpixel'];

export const MASK_TOOL_SHORTCUTS: Record<string, MaskToolId> = { b: 'brush', e: 'eraser', p: 'polygon', f: 'fill', s: 'superpixel' };

/** Every tool of the mask editor, each a small state machine like the image editor's. */
export function createMaskTools(editor: MaskEditor): Record<MaskToolId, Tool<MaskEditor, MaskToolId>> {
  return {
    brush: new Tool('brush', editor, [PaintIdle, BrushPainting]),
    eraser: new Tool('eraser', editor, [EraseIdle, BrushPainting]),
    polygon: new Tool('polygon', editor, [PolygonIdle, PolygonDrawing]),
    fill: new Tool('fill', editor, [FloodFillIdle]),
    superpixel: new Tool('superpixel', editor, [SuperpixelIdle, SuperpixelDragging]),
  };
}
