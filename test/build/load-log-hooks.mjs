// The module loader's hooks of test/build/load-log.mjs: each URL, before its module is loaded.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  if (process.env.ZSPLIT_TEST_LOAD_LOG) appendFileSync(process.env.ZSPLIT_TEST_LOAD_LOG, `load ${url.startsWith('data:') ? url.slice(0, 40) : url}\n`);
  return next(url, context);
}
