import { lazyPart } from '../lazy-part.tsx';

/** Markdown.tsx (markdown-it and DOMPurify, the bulk of the workbench's own code) loaded when instructions are first shown. */
export const LazyMarkdown = lazyPart(() => import('./Markdown.tsx').then((module) => module.Markdown), 'instructions');
