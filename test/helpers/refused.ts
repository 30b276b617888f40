import { expect } from 'vitest';
import { PlanRefused } from '../../src/plan/index.js';

/** The PlanRefused `planning` throws; the test fails if it plans or throws anything else. */
export function refusalOf(planning: () => unknown): PlanRefused {
  let refused: unknown;
  try {
    planning();
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(PlanRefused);
  return refused as PlanRefused;
}
