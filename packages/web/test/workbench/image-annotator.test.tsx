import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ImageAnnotator } from '../../src/families/image/ImageAnnotator.tsx';
import { boxUtil } from '../../src/editor/shapes/box.ts';
import { makeTask, sourceCatcher } from './helpers.tsx';

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
  it('draws a box as an SVG rect from pointer events and saves it in the Scale shape', () => {
    const catcher = sourceCatcher();
    const onChange = vi.fn();
    const { container } = render(<ImageAnnotator task={TASK} onReady={catcher.onReady} onChange={onChange} />);
    dragOn(screen.getByTestId('canvas'), { x: 20, y: 30 }, { x: 120, y: 90 });
    const rect = container.querySelector('g[data-shape-type="box"] rect')!;
    expect(rect.getAttribute('width')).toBe('100');
    expect(rect.getAttribute('height')).toBe('60');
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

  it('loads the hypothesis as editable shapes', () => {
    const task = makeTask('imageannotation', {
      ...TASK.params,
      hypothesis: { annotations: [{ uuid: 'h1', type: 'box', label: 'bus', left: 5, top: 5, width: 50, height: 50 }] },
    });
    const catcher = sourceCatcher();
    const { container } = render(<ImageAnnotator task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(container.querySelector('g[data-shape-id="h1"]')).not.toBeNull();
    fireEvent.keyDown(window, { key: 'v' });
    dragOn(screen.getByTestId('canvas'), { x: 30, y: 30 }, { x: 40, y: 30 });
    expect(catcher.response()).toMatchObject({ annotations: [{ uuid: 'h1', left: 15 }] });
  });

  it('re-renders only the dragged shape when moving one box among 1,000', () => {
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
    expect(container.querySelectorAll('g[data-shape-type="box"]')).toHaveLength(1000);
    fireEvent.keyDown(window, { key: 'v' });
    const renders = vi.spyOn(boxUtil, 'render');
    const canvas = screen.getByTestId('canvas');
    act(() => {
      fireEvent.pointerDown(canvas, { clientX: 5, clientY: 5, button: 0, pointerId: 1 });
    });
    for (let step = 1; step <= 20; step++) fireEvent.pointerMove(canvas, { clientX: 5 + step, clientY: 5, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 25, clientY: 5, button: 0, pointerId: 1 });
    // One render per move for the dragged box, plus a few for selection; nowhere near 1,000 × 20.
    expect(renders.mock.calls.length).toBeLessThan(40);
    expect(container.querySelector('g[data-shape-id="b0"] rect')!.getAttribute('x')).toBe('20');
    renders.mockRestore();
  }, 120_000);

  it('zooms once per animation frame however many wheel events arrive in it, by their summed delta', () => {
    const frames: FrameRequestCallback[] = [];
    const requestFrame = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    try {
      const { container } = render(<ImageAnnotator task={TASK} onReady={() => {}} onChange={() => {}} />);
      const camera = () => container.querySelector('svg > g')!.getAttribute('transform');
      const before = camera();
      const zoomOf = (transform: string | null) => Number(/scale\(([-\d.e]+)\)/.exec(transform ?? '')![1]);
      const canvas = screen.getByTestId('canvas');
      for (let step = 0; step < 3; step++) fireEvent.wheel(canvas, { clientX: 50, clientY: 40, deltaY: -100 });
      expect(camera()).toBe(before);
      expect(frames).toHaveLength(1);
      act(() => frames.shift()!(0));
      expect(zoomOf(camera()) / zoomOf(before)).toBeCloseTo(Math.exp(0.6), 6);
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
