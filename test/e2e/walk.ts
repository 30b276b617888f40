/** Walks shared by the terminal tests: the setup screens up to the Accounts screen. */
import { KEYS } from './terminal.js';
import type { Wizard } from './terminal.js';

/** Start > First-time setup > primary, postfix > Hosts, the peer host typed: the cursor is on the peer's port. */
export async function toPeerPort(w: Wizard): Promise<void> {
  await w.waitFor('First-time setup');
  await w.choose('First-time setup');
  await w.press(KEYS.enter);
  await w.waitFor("Zimbra's role");
  await w.press(KEYS.enter);
  await w.choose('Postfix');
  await w.press(KEYS.enter);
  await w.waitFor('Hosts and addresses');
  await w.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down);
  await w.type('mail.example.com');
  await w.press(KEYS.down);
}

/** Start > First-time setup > primary, postfix > hosts (peer mail.example.com, relay 192.0.2.10), ending on the Accounts screen. */
export async function toAccounts(w: Wizard): Promise<void> {
  await toPeerPort(w);
  await portToAccounts(w);
}

/** From the peer's port on Hosts: the relay 192.0.2.10 typed, Continue, ending on the Accounts screen. */
export async function portToAccounts(w: Wizard): Promise<void> {
  await w.press(KEYS.down);
  await w.type('192.0.2.10');
  await w.press(KEYS.down, KEYS.down);
  await w.waitFor(/> \[ Continue \]/);
  await w.press(KEYS.enter);
  await w.waitFor('Accounts that live on mail.example.com');
}

/** Start > First-time setup > primary, postfix > hosts > the `users` typed on the Accounts screen > review. */
export async function setupToReview(w: Wizard, users: string[]): Promise<void> {
  await toAccounts(w);
  await accountsToReview(w, users);
}

/** From the Accounts screen: the `users` typed, Continue, ending on the review. */
export async function accountsToReview(w: Wizard, users: string[]): Promise<void> {
  await w.press(KEYS.enter);
  await w.waitFor('Type an address');
  for (const u of users) {
    await w.type(u);
    await w.press(KEYS.enter);
  }
  await w.press(KEYS.enter);
  await w.waitFor(new RegExp(`> Continue with ${users.length} account`));
  await w.press(KEYS.enter);
  await w.waitFor('Mail flow after the plan');
}
