/**
 * The sizes the screens lay out and the keys page by: shared by the screens (rendering) and
 * the key map (PgUp/PgDn move by what is visible). Pure arithmetic on the terminal size.
 */
import type { WizardState } from './state.js';

/** Lines a screen may use, its footer included: the header takes one, and one stays free (Ink clears the screen when a frame reaches the terminal's height). */
export function screenHeight(s: WizardState): number {
  return Math.max(8, s.size.rows - 2);
}

export function screenWidth(s: WizardState): number {
  return Math.max(40, s.size.cols);
}

/** Preview: title, step detail (separator + 5 lines), message and footer around the list. */
export const PREVIEW_DETAIL = 6;
export function previewListHeight(height: number): number {
  return Math.max(3, height - PREVIEW_DETAIL - 4);
}

export const ROLLBACK_DETAIL = 5;
export function rollbackPickRows(height: number): number {
  return Math.max(3, height - 6);
}
export function rollbackListHeight(height: number, confirm: boolean, errLines: number): number {
  return Math.max(3, height - ROLLBACK_DETAIL - 5 - errLines - (confirm ? 4 : 0));
}

/** Cutover: title, counts, message, two footer lines around the list. */
export function cutoverRows(height: number): number {
  return Math.max(3, height - 6);
}

/** A rough page for the scrolling text views (Review, Done, Unsplit). */
export function textPage(height: number): number {
  return Math.max(3, height - 8);
}

/** Accounts, removing single entries: title, counts, list head, message (2), help (2), footer around the list. */
export function accountsEditRows(height: number): number {
  return Math.max(3, height - 9);
}

/** The smallest terminal the wizard draws in: below it a command it asks about could be hidden. */
export const MIN_COLS = 80;
export const MIN_ROWS = 24;
export function tooSmall(s: WizardState): boolean {
  return s.size.cols < MIN_COLS || s.size.rows < MIN_ROWS;
}

/** The whole-step view: title, separator, the lines, a blank and the footer. */
export function detailRows(height: number): number {
  return Math.max(3, height - 4);
}

/** Apply: the commands of a batch question that fit above its five answers (the screen and the PgUp/PgDn step agree). */
export function questionPage(height: number): number {
  return Math.max(1, Math.max(2, height - 12) - 2);
}
