import type { Editor } from '../editor.ts';
import type { KeyInput, ToolPointerEvent } from '../events.ts';

export type ToolId = 'select' | 'box' | 'polygon' | 'line' | 'point' | 'ellipse' | 'cuboid';

/**
 * One state of a tool's state machine. Handlers that return `true` for a key have consumed it;
 * otherwise the editor's own shortcuts get it.
 */
export abstract class ToolState<Info = void> {
  abstract readonly name: string;

  constructor(
    protected readonly editor: Editor,
    protected readonly tool: Tool,
  ) {}

  onEnter(_info: Info): void {}
  onExit(): void {}
  onPointerDown(_event: ToolPointerEvent): void {}
  onPointerMove(_event: ToolPointerEvent): void {}
  onPointerUp(_event: ToolPointerEvent): void {}
  onDoubleClick(_event: ToolPointerEvent): void {}
  onKeyDown(_key: KeyInput): boolean {
    return false;
  }
  /** Escape, or the tool being switched away from mid-gesture: undo whatever is half done. */
  onCancel(): void {}
}

type StateConstructor = new (editor: Editor, tool: Tool) => ToolState<never>;

/** A tool: a named set of states and the current one. Events go to the current state. */
export class Tool {
  private readonly states = new Map<string, ToolState<never>>();
  private current: ToolState<never>;

  constructor(
    readonly id: ToolId,
    private readonly editor: Editor,
    stateClasses: StateConstructor[],
  ) {
    for (const StateClass of stateClasses) {
      const state = new StateClass(editor, this);
      this.states.set(state.name, state);
    }
    this.current = this.states.values().next().value!;
  }

  get stateName(): string {
    return this.current.name;
  }

  get state(): ToolState<never> {
    return this.current;
  }

  /** Leaves the current state and enters `name`, handing it `info`. */
  transition<Info>(name: string, info?: Info): void {
    const next = this.states.get(name);
    if (!next) throw new Error(`Tool ${this.id} has no state ${name}.`);
    this.current.onExit();
    this.current = next;
    (next as unknown as ToolState<Info | undefined>).onEnter(info);
    this.editor.notifyToolChanged();
  }

  /** Back to the first state, cancelling any gesture in progress. */
  reset(): void {
    this.current.onCancel();
    const first = this.states.values().next().value!;
    if (this.current !== first) this.transition(first.name);
  }
}
