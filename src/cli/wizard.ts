/** `zsplit` in a terminal: the Ink wizard over the same engine, journal and executors as the headless commands. */
import type { Flags } from './args.js';
import type { CliIO } from './io.js';
import { makeExecutor, stateDir } from './target.js';

export async function startWizard(flags: Flags, io: CliIO): Promise<number> {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  // chalk (under Ink) reads FORCE_COLOR when it loads, and knows nothing of NO_COLOR.
  if (noColor && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = '0';
  // What the executor says before the wizard starts (the rehearsal notice) is shown on the start screen.
  let notice = '';
  const exec = makeExecutor(flags, { ...io, err: (t) => void (notice += t) });
  const [{ render }, React, { App }, { WizardController }] = await Promise.all([import('ink'), import('react'), import('../../screens/App.js'), import('../wizard/controller.js')]);
  const explicitDir = flags['state-dir'] ?? io.env.ZSPLIT_STATE_DIR;
  const savedDir = explicitDir ? stateDir(flags, io) : undefined;
  // The saved answers (conf, with its JSON-schema validator) load after the first frame: the start
  // screen lists them only once the journal is read too.
  let loadSaved!: () => void;
  const saved = new Promise<void>((r) => (loadSaved = r)).then(async () => (await import('../wizard/saved.js')).SavedAnswers.open(savedDir));
  saved.catch(() => undefined); // the controller reports it where it reads the answers
  const controller = new WizardController({
    flags,
    io,
    exec,
    saved,
    notice: notice.trim().replace(/^zsplit: /, '').replace(/: REHEARSAL on the simulated Zimbra, nothing real is changed\.$/, '.') || undefined,
    size: { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 },
    noColor,
  });
  const instance = render(React.createElement(App, { controller }), { exitOnCtrlC: false, patchConsole: true });
  loadSaved();
  let code = 0;
  controller.onExit = (c) => {
    code = c;
    instance.unmount();
  };
  controller.start();
  await instance.waitUntilExit();
  const message = controller.getState().exit?.message;
  if (message) io.err(`${message}\n`);
  // Ctrl+C twice: exit now, even with a zmprov child still running (the journal has every finished step).
  if (code === 130) setImmediate(() => process.exit(130));
  return code;
}
