import type { Editor } from '../editor.ts';
import { Tool, type ToolId } from './tool.ts';
import { SelectIdle } from './select/idle.ts';
import { SelectPointing } from './select/pointing.ts';
import { SelectTranslating } from './select/translating.ts';
import { SelectResizing } from './select/resizing.ts';
import { SelectEditingVertex } from './select/editing-vertex.ts';
import { dragShapeStates } from './drag-shape/index.ts';
import { pathStates } from './path/index.ts';
import { PointIdle } from './point/idle.ts';
import { LinkIdle } from './link/idle.ts';
import { LinkChoosingTarget } from './link/choosing-target.ts';

/** Every tool the image editor offers, each a small state machine. */
export function createTools(editor: Editor): Record<ToolId, Tool> {
  return {
    select: new Tool('select', editor, [SelectIdle, SelectPointing, SelectTranslating, SelectResizing, SelectEditingVertex]),
    box: new Tool('box', editor, dragShapeStates('box')),
    ellipse: new Tool('ellipse', editor, dragShapeStates('ellipse')),
    cuboid: new Tool('cuboid', editor, dragShapeStates('cuboid')),
    polygon: new Tool('polygon', editor, pathStates('polygon')),
    line: new Tool('line', editor, pathStates('line')),
    point: new Tool('point', editor, [PointIdle]),
    link: new Tool('link', editor, [LinkIdle, LinkChoosingTarget]),
  };
}

export type { ToolId } from './tool.ts';
