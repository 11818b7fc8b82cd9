/** The pages' side of the command contract: a typed command to the service worker, its typed reply. */
import browser from './browser';
import type { Command, CommandReply } from '../shared/commands';
import { readBack } from './stored-state';

export async function sendCommand(command: Command): Promise<CommandReply> {
  const reply = await browser.runtime.sendMessage<Command, CommandReply>(command);
  // What the worker stored while carrying it out is shown even if a change event went missing.
  readBack();
  return reply;
}
