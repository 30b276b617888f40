// Preloaded (node --import) by test/build/lazy.test.ts: logs every ES module the process loads to
// $ZSPLIT_TEST_LOAD_LOG ("load <url>", from the loader's hooks), and "frame" when the output first
// contains $ZSPLIT_TEST_FRAME_MARK: what was loaded before the first frame comes before that line.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

register('./load-log-hooks.mjs', import.meta.url);
const log = process.env.ZSPLIT_TEST_LOAD_LOG;
const mark = process.env.ZSPLIT_TEST_FRAME_MARK;
if (log && mark) {
  const write = process.stdout.write.bind(process.stdout);
  let seen = false;
  process.stdout.write = (chunk, ...rest) => {
    if (!seen && String(chunk).includes(mark)) {
      seen = true;
      appendFileSync(log, 'frame\n');
    }
    return write(chunk, ...rest);
  };
}
