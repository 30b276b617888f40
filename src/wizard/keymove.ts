/** Key helpers shared by the screens' key maps: list movement by arrows and pages, the quit key. */
import type { Move } from './list.js';
import type { KeyPress } from './msg.js';

export function listMove(k: KeyPress, page: number): Move | undefined {
  if (k.up) return -1;
  if (k.down) return 1;
  if (k.pageUp) return -Math.max(1, page);
  if (k.pageDown) return Math.max(1, page);
  if (k.home) return 'home';
  if (k.end) return 'end';
  return undefined;
}

/** q (not Ctrl/Alt+q). */
export function isQuitKey(k: KeyPress): boolean {
  return k.input === 'q' && !k.ctrl && !k.meta;
}
