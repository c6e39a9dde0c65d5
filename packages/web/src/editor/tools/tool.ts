import type { Editor } from '../editor.ts';
import type { KeyInput, ToolPointerEvent } from '../events.ts';

export type ToolId = 'select' | 'box' | 'polygon' | 'line' | 'point' | 'ellipse' | 'cuboid' | 'link';

/** What a tool needs from the editor it belongs to (the image editor, or the mask editor). */
export interface ToolHost {
  notifyToolChanged(): void;
}

/**
 * One state of a tool's state machine. Handlers that return `true` for a key have consumed it;
 * otherwise the editor's own shortcuts get it.
 */
export abstract class ToolState<Info = void, E extends ToolHost = Editor> {
  abstract readonly name: string;

  constructor(
    protected readonly editor: E,
    protected readonly tool: Tool<E, string>,
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

type StateConstructor<E extends ToolHost> = new (editor: E, tool: Tool<E, string>) => ToolState<never, E>;

/** A tool: a named set of states and the current one. Events go to the current state. */
export class Tool<E extends ToolHost = Editor, Id extends string = ToolId> {
  private readonly states = new Map<string, ToolState<never, E>>();
  private current: ToolState<never, E>;

  constructor(
    readonly id: Id,
    private readonly editor: E,
    stateClasses: StateConstructor<E>[],
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

  get state(): ToolState<never, E> {
    return this.current;
  }

  /** Leaves the current state and enters `name`, handing it `info`. */
  transition<Info>(name: string, info?: Info): void {
    const next = this.states.get(name);
    if (!next) throw new Error(`Tool ${this.id} has no state ${name}.`);
    this.current.onExit();
    this.current = next;
    (next as unknown as ToolState<Info | undefined, E>).onEnter(info);
    this.editor.notifyToolChanged();
  }

  /** Back to the first state, cancelling any gesture in progress. */
  reset(): void {
    this.current.onCancel();
    const first = this.states.values().next().value!;
    if (this.current !== first) this.transition(first.name);
  }
}
