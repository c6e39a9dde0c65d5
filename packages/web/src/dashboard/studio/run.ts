/**
 * Runs one change on the Studio page: clears the page's last message, shows `done` on success or
 * the error's message on failure, and answers the action's result (undefined when it failed).
 */
export type Run = <T>(action: () => Promise<T>, done?: string) => Promise<T | undefined>;
