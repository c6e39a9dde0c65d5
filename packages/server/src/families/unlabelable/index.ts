import { requireAttachment } from '@tagwright/formats';
import type { TaskType } from '../../domain/task-types.ts';
import type { TaskFamily } from '../types.ts';

/**
 * The contract's task types no family labels yet (lanes, video, lidar, sensor fusion,
 * multistage): accepted by the API and completed in test mode, but a live task of one of them
 * cannot be labeled here (402). Any JSON object is a valid response; equal JSON agrees.
 *
 * When a family for some of these lands, it takes them out of this list in the same commit.
 */
const TEST_RESPONSES: Record<string, 'annotations' | 'responses' | null> = {
  laneannotation: 'annotations',
  videoboxannotation: 'annotations',
  videocuboidannotation: 'annotations',
  federal2dvideoannotation: 'annotations',
  lidarannotation: 'annotations',
  lidarlinking: 'annotations',
  lidarsegmentation: 'annotations',
  lidartopdown: 'annotations',
  sensorfusion: 'annotations',
  multistage: 'responses',
  // Sent by the official Node SDK (contract 5.2); no shape is published, so its test response is {}.
  audiotranscription: null,
} satisfies Partial<Record<TaskType, 'annotations' | 'responses' | null>>;

export const unlabelableFamily: TaskFamily = {
  id: 'unlabelable',
  taskTypes: Object.keys(TEST_RESPONSES) as TaskType[],
  labelable: [],
  validateParams(_type, params) {
    requireAttachment(params);
  },
  validateResponse: () => {},
  // Contract 5.10: annotation types complete with an empty list, multistage with no responses.
  testResponse: (type) => {
    const key = TEST_RESPONSES[type];
    return key === null ? {} : { [key]: [] };
  },
};
