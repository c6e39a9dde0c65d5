import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips), loaded on the first mask it encodes or decodes: loading it costs about 250 ms of
 * CPU, which every server start paid before, whether or not it ever saw a segmentation task.
 */
export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    // libvips keeps recent operations cached (50 MB by default) for pipelines that re-read an input;
    // every mask here is encoded or read once, so the cache only adds memory that grows with the instances.
    sharp.cache(false);
    return sharp;
  }));
}
