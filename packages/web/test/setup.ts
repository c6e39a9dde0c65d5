import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// Unmount what each component test rendered, so tests don't see each other's DOM.
afterEach(() => cleanup());

// jsdom has no 2D canvas and logs "Not implemented" on every getContext call (the image and video
// editors paint their shapes on one): answer null quietly, as jsdom does after the log. Tests that
// look at what was painted stub a recording context instead (test/workbench/painted-canvas.ts).
if (typeof HTMLCanvasElement !== 'undefined') HTMLCanvasElement.prototype.getContext = (() => null) as never;
