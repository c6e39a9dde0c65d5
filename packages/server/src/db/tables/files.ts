/** Row types of this area's migration (filled in by its issue). Times are epoch milliseconds. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FileTables {}
