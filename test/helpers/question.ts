/** The wizard (in ink-testing-library) walked from the start to the first question of a primary setup's apply. */
import { KEY, throughHosts } from '../screens/helpers.js';
import type { startWizard } from '../screens/helpers.js';

/**
 * Start > setup > Role > Hosts > Accounts (the `users` typed) > Review > Preview (`preview` seen)
 * > How? step by step, until `question` (the first step's question) shows.
 */
export async function toQuestion(t: ReturnType<typeof startWizard>, users: string[], question: string | RegExp, preview: string | RegExp = 'Preview:'): Promise<void> {
  await throughHosts(t);
  await t.waitFor('Accounts that live on mail.example.com');
  await t.press(KEY.enter);
  await t.waitFor('Type an address');
  await t.type(users.map((u) => `${u}\r`).join(''));
  await t.press(KEY.enter);
  await t.waitFor(/^> Continue with/m);
  await t.press(KEY.enter);
  await t.waitFor('Mail flow after the plan');
  await t.press(KEY.enter);
  await t.waitFor(preview);
  await t.press(KEY.enter);
  await t.waitFor('How?');
  await t.press(KEY.enter);
  await t.waitFor(question);
}
