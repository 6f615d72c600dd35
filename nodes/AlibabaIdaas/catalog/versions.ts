/**
 * The node's versions, where they change what a saved workflow shows or sends. A workflow keeps the
 * version it was saved with, so each difference is tied to the version that brought it.
 */

/** Node version 1.1: ID-list fields are pickers (1 had comma-separated text) and resources open on a read. */
export const PICKER_VERSION = 1.1;

/** Node version 1.2: Add Users and Remove Users give one item per user, with the user's and the group's names. */
export const NAMES_VERSION = 1.2;
