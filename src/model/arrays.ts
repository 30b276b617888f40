/**
 * `target.push(...items)` without the spread: spread arguments go on the call stack, and an
 * array of some 100,000 members (recipients, journal records) overflows it.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
  return target;
}
