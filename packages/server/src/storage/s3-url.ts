/** `s3://bucket/key` split into its parts, or undefined when the URL is not of that form. */
export function parseS3Url(value: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}
