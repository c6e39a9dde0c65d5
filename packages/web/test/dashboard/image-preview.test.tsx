import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ImagePreview } from '../../src/families/image/ImagePreview.tsx';
import type { FullTask } from '../../src/api/dashboard-types.ts';

const task = {
  task_id: 'task-1',
  type: 'imageannotation',
  status: 'completed',
  params: {
    attachment: 'https://cdn.example.com/people.jpg',
    geometries: {
      box: { objects_to_annotate: ['person', 'car'] },
      point: { objects_to_annotate: ['head', 'shoulder', 'hand'], connections: [{ pair: ['head', 'shoulder'] }, { pair: ['shoulder', 'hand'] }] },
    },
    links: { drives: { from_allowed_labels: ['person'], to_allowed_labels: ['car'] } },
  },
} as unknown as FullTask;

const response = {
  annotations: [
    { uuid: 'p', type: 'box', label: 'person', left: 10, top: 10, width: 20, height: 40, attributes: {} },
    { uuid: 'c', type: 'box', label: 'car', left: 100, top: 50, width: 80, height: 40, attributes: {} },
    { uuid: 'h1', type: 'point', label: 'head', x: 20, y: 12, attributes: {} },
    { uuid: 's1', type: 'point', label: 'shoulder', x: 22, y: 22, attributes: {} },
    { uuid: 'w1', type: 'point', label: 'hand', x: 28, y: 35, attributes: {} },
  ],
  links: [{ uuid: 'l1', label: 'drives', from: 'p', to: 'c' }],
  global_attributes: {},
};

describe('The image preview (dashboard, review history)', () => {
  it('draws the keypoint skeleton and the links of the response, as the editor does', () => {
    render(<ImagePreview task={task} response={response} />);
    const preview = screen.getByTestId('response-preview');
    const bones = [...preview.querySelectorAll('[data-layer=skeleton] line')];
    expect(bones.map((bone) => [bone.getAttribute('x1'), bone.getAttribute('y1'), bone.getAttribute('x2'), bone.getAttribute('y2')])).toEqual([
      ['20', '12', '22', '22'],
      ['22', '22', '28', '35'],
    ]);
    const links = [...preview.querySelectorAll('[data-layer=links] line')];
    expect(links.map((link) => [link.getAttribute('x1'), link.getAttribute('y1'), link.getAttribute('x2'), link.getAttribute('y2'), link.textContent])).toEqual([['20', '30', '140', '70', 'drives']]);
  });

  it('draws neither for a response without keypoint connections or links', () => {
    render(<ImagePreview task={{ ...task, params: { ...task.params, links: undefined, geometries: { box: { objects_to_annotate: ['person', 'car'] } } } } as FullTask} response={{ annotations: response.annotations.slice(0, 2) }} />);
    const preview = screen.getByTestId('response-preview');
    expect(preview.querySelectorAll('[data-layer=skeleton], [data-layer=links]')).toHaveLength(0);
  });
});
