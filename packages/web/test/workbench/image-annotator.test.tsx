import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ImageAnnotator } from '../../src/families/image/ImageAnnotator.tsx';
import { makeTask, sourceCatcher } from './helpers.tsx';
import { nextPaint, paintableCanvas, paintedShapes, paintRecord } from './painted-canvas.ts';

const TASK = makeTask('imageannotation', {
  attachment: 'https://example.com/street.jpg',
  geometries: { box: { objects_to_annotate: ['car', 'bus'], min_width: 5, min_height: 5 }, polygon: { objects_to_annotate: ['road'] } },
  annotation_attributes: { note: { type: 'text', description: 'Note' } },
});

function dragOn(element: Element, from: { x: number; y: number }, to: { x: number; y: number }) {
  fireEvent.pointerDown(element, { clientX: from.x, clientY: from.y, button: 0, pointerId: 1 });
  fireEvent.pointerMove(element, { clientX: (from.x + to.x) / 2, clientY: (from.y + to.y) / 2, pointerId: 1 });
  fireEvent.pointerMove(element, { clientX: to.x, clientY: to.y, pointerId: 1 });
  fireEvent.pointerUp(element, { clientX: to.x, clientY: to.y, button: 0, pointerId: 1 });
}

describe('ImageAnnotator', () => {
  let restoreCanvas: () => void;
  beforeEach(() => {
    restoreCanvas = paintableCanvas();
  });
  afterEach(() => restoreCanvas());

  it('draws a box from pointer events, paints it with its label on the canvas, and saves it in the Scale shape', async () => {
    const catcher = sourceCatcher();
    const onChange = vi.fn();
    const { container } = render(<ImageAnnotator task={TASK} onReady={catcher.onReady} onChange={onChange} />);
    dragOn(screen.getByTestId('canvas'), { x: 20, y: 30 }, { x: 120, y: 90 });
    await nextPaint();
    expect(paintedShapes(container).map((shape) => [shape.type, shape.label])).toEqual([['box', 'car']]);
    const { drawn } = paintRecord(container);
    // The image has no size in jsdom, so the camera is the identity: canvas pixels are image pixels.
    expect(drawn.find((entry) => entry.op === 'stroke')!.points).toEqual([
      [20, 30],
      [120, 90],
    ]);
    expect(drawn.filter((entry) => entry.op === 'text').map((entry) => entry.text)).toEqual(['car']);
    expect(catcher.response()).toMatchObject({ annotations: [{ type: 'box', label: 'car', left: 20, top: 30, width: 100, height: 60 }] });
    expect(onChange).toHaveBeenCalled();
    expect(screen.getByText('1 annotation')).toBeTruthy();
  });

  it('shows only the tools of the geometries the task asks for', () => {
    render(<ImageAnnotator task={TASK} onReady={() => {}} onChange={() => {}} />);
    const names = screen.getAllByRole('button', { pressed: false }).map((button) => button.textContent);
    expect(names.some((name) => name?.startsWith('Polygon'))).toBe(true);
    expect(names.some((name) => name?.startsWith('Ellipse'))).toBe(false);
    expect(screen.getByRole('button', { name: /^Box/ }).getAttribute('aria-pressed')).toBe('true');
  });

  it('switches tools with keyboard shortcuts, but not while typing in a text field', () => {
    render(<ImageAnnotator task={TASK} onReady={() => {}} onChange={() => {}} />);
    fireEvent.keyDown(window, { key: 'p' });
    expect(screen.getByRole('button', { name: /^Polygon/ }).getAttribute('aria-pressed')).toBe('true');
    dragOn(screen.getByTestId('canvas'), { x: 0, y: 0 }, { x: 1, y: 1 }); // a polygon click, not a box
    fireEvent.keyDown(window, { key: 'Escape' });
    fireEvent.keyDown(window, { key: 'b' });
    dragOn(screen.getByTestId('canvas'), { x: 20, y: 30 }, { x: 120, y: 90 });
    const note = screen.getByLabelText('Note');
    fireEvent.keyDown(note, { key: 'p' });
    expect(screen.getByRole('button', { name: /^Box/ }).getAttribute('aria-pressed')).toBe('true');
  });

  it('relabels the selected box from the label picker', () => {
    const catcher = sourceCatcher();
    render(<ImageAnnotator task={TASK} onReady={catcher.onReady} onChange={() => {}} />);
    dragOn(screen.getByTestId('canvas'), { x: 20, y: 30 }, { x: 120, y: 90 });
    fireEvent.click(screen.getByLabelText(/bus/));
    expect(catcher.response()).toMatchObject({ annotations: [{ label: 'bus' }] });
  });

  it('loads the hypothesis as editable shapes', async () => {
    const task = makeTask('imageannotation', {
      ...TASK.params,
      hypothesis: { annotations: [{ uuid: 'h1', type: 'box', label: 'bus', left: 5, top: 5, width: 50, height: 50 }] },
    });
    const catcher = sourceCatcher();
    const { container } = render(<ImageAnnotator task={task} onReady={catcher.onReady} onChange={() => {}} />);
    await nextPaint();
    expect(paintedShapes(container).map((shape) => shape.id)).toEqual(['h1']);
    fireEvent.keyDown(window, { key: 'v' });
    dragOn(screen.getByTestId('canvas'), { x: 30, y: 30 }, { x: 40, y: 30 });
    expect(catcher.response()).toMatchObject({ annotations: [{ uuid: 'h1', left: 15 }] });
  });

  it('moves one box among 1,000 with one repaint per animation frame however many moves arrive in it', async () => {
    const annotations = Array.from({ length: 1000 }, (_, index) => ({
      uuid: `b${index}`,
      type: 'box',
      label: 'car',
      left: (index % 40) * 20,
      top: Math.floor(index / 40) * 20,
      width: 10,
      height: 10,
    }));
    const task = makeTask('imageannotation', { ...TASK.params, hypothesis: { annotations } });
    const { container } = render(<ImageAnnotator task={task} onReady={() => {}} onChange={() => {}} />);
    await nextPaint();
    expect(paintedShapes(container)).toHaveLength(1000);
    fireEvent.keyDown(window, { key: 'v' });
    const frames: FrameRequestCallback[] = [];
    const requestFrame = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    try {
      const canvas = screen.getByTestId('canvas');
      const paintsBefore = paintRecord(container).paints;
      act(() => {
        fireEvent.pointerDown(canvas, { clientX: 5, clientY: 5, button: 0, pointerId: 1 });
      });
      for (let step = 1; step <= 20; step++) fireEvent.pointerMove(canvas, { clientX: 5 + step, clientY: 5, pointerId: 1 });
      fireEvent.pointerUp(canvas, { clientX: 25, clientY: 5, button: 0, pointerId: 1 });
      expect(paintRecord(container).paints).toBe(paintsBefore);
      act(() => frames.splice(0).forEach((frame) => frame(0)));
      expect(paintRecord(container).paints).toBe(paintsBefore + 1);
    } finally {
      requestFrame.mockRestore();
    }
    // b0 moved 20 px right: its outline is painted there, the other 999 where they were.
    const strokes = paintRecord(container).drawn.filter((entry) => entry.op === 'stroke');
    expect(strokes).toHaveLength(1000);
    expect(strokes[0].points).toEqual([
      [20, 0],
      [30, 10],
    ]);
    expect(strokes[1].points).toEqual([
      [20, 0],
      [30, 10],
    ]);
    expect(paintedShapes(container)[0]).toMatchObject({ id: 'b0', left: 20 });
  }, 120_000);

  it('repaints only the dragged box, on the layer above the others, on each frame of a drag among 1,000', async () => {
    const annotations = Array.from({ length: 1000 }, (_, index) => ({ uuid: `b${index}`, type: 'box', label: 'car', left: (index % 40) * 20, top: Math.floor(index / 40) * 20, width: 10, height: 10 }));
    const task = makeTask('imageannotation', { ...TASK.params, hypothesis: { annotations } });
    const { container } = render(<ImageAnnotator task={task} onReady={() => {}} onChange={() => {}} />);
    await nextPaint();
    fireEvent.keyDown(window, { key: 'v' });
    await nextPaint();
    const frames: FrameRequestCallback[] = [];
    const requestFrame = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    const runFrames = () => act(() => frames.splice(0).forEach((frame) => frame(0)));
    try {
      const canvas = screen.getByTestId('canvas');
      const stillPaints = paintRecord(container).paints;
      act(() => {
        fireEvent.pointerDown(canvas, { clientX: 45, clientY: 5, button: 0, pointerId: 1 }); // b2
      });
      fireEvent.pointerMove(canvas, { clientX: 50, clientY: 5, pointerId: 1 });
      runFrames();
      // The drag started: the still layer is painted once, without b2.
      expect(paintRecord(container).paints).toBe(stillPaints + 1);
      expect(paintRecord(container).drawn.filter((entry) => entry.op === 'stroke')).toHaveLength(999);
      for (let step = 1; step <= 10; step++) {
        fireEvent.pointerMove(canvas, { clientX: 50 + step, clientY: 5 + step, pointerId: 1 });
        runFrames();
        const moving = paintRecord(container, 'moving').drawn;
        expect(moving.filter((entry) => entry.op === 'stroke').map((entry) => entry.points)).toEqual([
          [
            [45 + step, step],
            [55 + step, 10 + step],
          ],
        ]);
        expect(moving.filter((entry) => entry.op === 'text')).toHaveLength(1);
        expect(paintedShapes(container, 'moving').map((shape) => shape.id)).toEqual(['b2']);
      }
      expect(paintRecord(container).paints).toBe(stillPaints + 1);
      fireEvent.pointerUp(canvas, { clientX: 60, clientY: 15, button: 0, pointerId: 1 });
      runFrames();
      // Dropped: every box on the still layer again, in the store's order; the moving layer is empty.
      expect(paintRecord(container).paints).toBe(stillPaints + 2);
      expect(paintedShapes(container)[2]).toMatchObject({ id: 'b2', left: 55, top: 10 });
      expect(paintRecord(container, 'moving').drawn).toEqual([]);
    } finally {
      requestFrame.mockRestore();
    }
  }, 120_000);

  it('zooms and repaints once per animation frame however many wheel events arrive in it, by their summed delta', () => {
    const frames: FrameRequestCallback[] = [];
    const requestFrame = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    try {
      const { container } = render(<ImageAnnotator task={TASK} onReady={() => {}} onChange={() => {}} />);
      act(() => frames.splice(0).forEach((frame) => frame(0))); // the shapes canvas's first paint
      const paintsBefore = paintRecord(container).paints;
      const camera = () => container.querySelector('svg > g[data-layer=image]')!.getAttribute('transform');
      const before = camera();
      const zoomOf = (transform: string | null) => Number(/scale\(([-\d.e]+)\)/.exec(transform ?? '')![1]);
      const canvas = screen.getByTestId('canvas');
      for (let step = 0; step < 3; step++) fireEvent.wheel(canvas, { clientX: 50, clientY: 40, deltaY: -100 });
      expect(camera()).toBe(before);
      expect(frames).toHaveLength(1);
      act(() => frames.shift()!(0));
      expect(zoomOf(camera()) / zoomOf(before)).toBeCloseTo(Math.exp(0.6), 6);
      // The zoom asks the shapes canvas for one repaint, in the next frame.
      expect(frames).toHaveLength(1);
      act(() => frames.shift()!(0));
      expect(paintRecord(container).paints).toBe(paintsBefore + 1);
      fireEvent.wheel(canvas, { clientX: 50, clientY: 40, deltaY: 100 });
      expect(frames).toHaveLength(1);
    } finally {
      requestFrame.mockRestore();
    }
  });
});

describe('label picker', () => {
  it('shows the selected shape’s label, and the label for new shapes when nothing is selected', () => {
    const task = makeTask('imageannotation', {
      ...TASK.params,
      hypothesis: { annotations: [{ uuid: 'h1', type: 'box', label: 'bus', left: 5, top: 5, width: 50, height: 50 }] },
    });
    render(<ImageAnnotator task={task} onReady={() => {}} onChange={() => {}} />);
    expect((screen.getByLabelText(/car/) as HTMLInputElement).checked).toBe(true);
    fireEvent.keyDown(window, { key: 'v' });
    dragOn(screen.getByTestId('canvas'), { x: 30, y: 30 }, { x: 30, y: 30 });
    expect((screen.getByLabelText(/bus/) as HTMLInputElement).checked).toBe(true);
  });
});
