/**
 * The worker's side of the command contract: only this extension's own pages may drive it, every
 * message is checked against the command union, and each command type has exactly one handler
 * (the map is typed, so a new command without a handler does not compile).
 */
import { parseCommand, type Command, type CommandReply } from '../shared/commands';
import { appError } from '../shared/errors';

export type CommandHandlers = { [T in Command['type']]: (command: Extract<Command, { type: T }>) => Promise<CommandReply> };

/** Who sent a message, as `runtime.onMessage` says. */
export interface Sender {
  id?: string | undefined;
}

/**
 * `undefined` for a message that is not this extension's (no reply is sent); otherwise the reply
 * to the command, or a refusal of a message that is not one.
 */
export function createCommandHandler(handlers: CommandHandlers, extensionId: string) {
  return (message: unknown, sender: Sender): Promise<CommandReply> | undefined => {
    if (sender.id !== extensionId) return undefined;
    const command = parseCommand(message);
    if (!command) return Promise.resolve({ ok: false, error: appError('unknown', 'bad command') });
    return (handlers[command.type] as (command: Command) => Promise<CommandReply>)(command);
  };
}
