// Per-command help (issue 16 item 7): `postern COMMAND --help` and `postern COMMAND ACTION --help` print the usage,
// the actions and the options of that command from the COMMANDS table in main.ts.

export interface OptionHelp {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** What the option does, for --help. */
  help?: string;
  /** The value's placeholder in --help (e.g. SIZE); VALUE when absent. */
  arg?: string;
}

export interface ActionHelp {
  usage: string;
  summary: string;
  /** The names of the command's options this action takes. */
  options?: string[];
}

export interface HelpSpec {
  usage: string;
  summary: string;
  options?: Record<string, OptionHelp>;
  /** One entry per action (`user add`, `user delete` ...), for per-subcommand help. */
  actions?: Record<string, ActionHelp>;
}

const CONFIG_OPTION: OptionHelp = { type: 'string', arg: 'FILE', help: 'the configuration file (also POSTERN_CONFIG)' };

function optionLines(options: Record<string, OptionHelp>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short === undefined ? '' : `-${o.short}, `}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    return [flag + (o.multiple === true ? ' (repeatable)' : ''), o.help ?? ''] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`.trimEnd());
}

/** The help of one command, or of one of its actions when `action` names one. */
export function commandHelp(name: string, spec: HelpSpec, action?: string): string {
  const all = spec.options ?? {};
  const one = action === undefined ? undefined : spec.actions?.[action];
  const lines: string[] = [];
  if (one) {
    lines.push(`usage: postern ${one.usage}`, '', `  ${one.summary}`);
    const own = Object.fromEntries((one.options ?? []).flatMap((o) => (all[o] ? [[o, all[o]] as const] : [])));
    lines.push('', 'options:', ...optionLines({ ...own, config: CONFIG_OPTION }));
  } else {
    lines.push(`usage: postern ${spec.usage}`, '', `  ${spec.summary}`);
    if (spec.actions) {
      lines.push('', 'actions:');
      for (const a of Object.values(spec.actions)) lines.push(`  postern ${a.usage}`, `      ${a.summary}`);
    }
    lines.push('', 'options:', ...optionLines({ ...all, config: CONFIG_OPTION }));
    if (spec.actions) lines.push('', `postern ${name} ACTION --help: the help of one action.`);
  }
  return `${lines.join('\n')}\n`;
}
