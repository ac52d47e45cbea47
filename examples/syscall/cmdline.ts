/**
 * An extractor of libsinsp's own events: the command line of each program started by execve or
 * execveat, read from the exit event's parameters with the types of the event schema. It declares the
 * event types it reads (the host hands it no other) and the event schema version it was written for.
 */
import {
  BasePlugin,
  FieldExtraction,
  field,
  readSyscallEvent,
  registerPlugin,
  syscallEventTypes,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';

/** The program an execve / execveat exit event started: its executable and arguments, or undefined. */
function started(event: EventReader): { exe: string; args: string[] } | undefined {
  const ev = readSyscallEvent(event.raw);
  // each key narrows the event to its own parameters
  if (ev.key === 'execve_x' && ev.param('res') === 0n)
    return { exe: ev.param('exe'), args: ev.paramOrUndefined('args') ?? [] };
  if (ev.key === 'execveat_x' && ev.param('res') === 0n)
    return { exe: ev.param('exe'), args: ev.paramOrUndefined('args') ?? [] };
  return undefined; // another event, or a call that failed: nothing started
}

class Cmdline extends FieldExtraction(BasePlugin) {
  info(): PluginInfo {
    return {
      name: 'cmdline',
      description: 'The command lines of the programs started by execve',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      extractEventSources: ['syscall'],
      extractEventTypes: syscallEventTypes('execve_x', 'execveat_x'),
      requiredEventSchemaVersion: '4.0.0',
    };
  }

  fields() {
    return [
      field(
        { name: 'cmdline.exe', type: 'string', desc: 'The executable of the program execve started' },
        ({ event }) => started(event)?.exe,
      ),
      field(
        {
          name: 'cmdline.argc',
          type: 'uint64',
          desc: 'The number of its arguments, the executable excluded',
        },
        ({ event }) => {
          const program = started(event);
          return program === undefined ? undefined : BigInt(program.args.length);
        },
      ),
      field(
        {
          name: 'cmdline.len',
          type: 'uint64',
          desc: 'The length of its command line: the executable and the arguments, joined by spaces',
        },
        ({ event }) => {
          const program = started(event);
          return program === undefined ? undefined : BigInt([program.exe, ...program.args].join(' ').length);
        },
      ),
    ];
  }
}

export default registerPlugin(Cmdline);
