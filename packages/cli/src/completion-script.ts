// Shell completion generated from the commander tree, so a new command or flag completes without editing a script.
// The tree becomes a few `case` tables (valid in bash and zsh alike) plus a small per-shell driver.
import type { Command, Option } from 'commander';

export type Shell = 'bash' | 'zsh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

/** Values -o accepts anywhere; the command checks its own subset. */
const OUTPUT_VALUES = 'table wide json yaml name text';

interface CommandNode {
  path: string;
  names: string[];
  children: CommandNode[];
  flags: string[];
  valueFlags: string[];
  /** What positional arguments complete to: policy names, fixed choices, or nothing. */
  positional: { kind: 'policies' } | { kind: 'choices'; values: string[] } | { kind: 'none' };
}

function flagsOf(options: readonly Option[]): { flags: string[]; valueFlags: string[] } {
  const flags: string[] = [];
  const valueFlags: string[] = [];
  for (const o of options) {
    if (o.hidden) continue;
    const names = [o.short, o.long].filter((n): n is string => typeof n === 'string');
    flags.push(...names);
    if (o.required || o.optional) valueFlags.push(...names);
  }
  return { flags, valueFlags };
}

function walk(command: Command, path: string, globals: { flags: string[]; valueFlags: string[] }): CommandNode {
  const own = flagsOf(command.options);
  const argument = command.registeredArguments[0];
  const positional: CommandNode['positional'] =
    argument === undefined
      ? { kind: 'none' }
      : argument.argChoices
        ? { kind: 'choices', values: [...argument.argChoices] }
        : argument.name() === 'name' || argument.name() === 'names'
          ? { kind: 'policies' }
          : { kind: 'none' };
  const children = command.commands.map((c) => walk(c, path === '' ? c.name() : `${path} ${c.name()}`, globals));
  return {
    path,
    names: [command.name(), ...command.aliases()],
    children,
    flags: [...new Set([...own.flags, ...globals.flags, '--help'])],
    valueFlags: [...new Set([...own.valueFlags, ...globals.valueFlags])],
    positional,
  };
}

function nodes(root: CommandNode): CommandNode[] {
  return [root, ...root.children.flatMap(nodes)];
}

function tables(program: Command, fn: string): string {
  const globals = flagsOf(program.options);
  const root = walk(program, '', globals);
  const all = nodes(root);
  const quote = (s: string) => `"${s}"`;
  const lines: string[] = [];

  lines.push(`# The command that a word names below a command path ("" is the root); aliases resolve here.`);
  lines.push(`${fn}_child() {`, '  case "$1/$2" in');
  for (const node of all) {
    for (const child of node.children) {
      lines.push(`    ${child.names.map((n) => quote(`${node.path}/${n}`)).join('|')}) echo ${quote(child.path)} ;;`);
    }
  }
  lines.push('    *) return 1 ;;', '  esac', '}', '');

  lines.push(`${fn}_subcommands() {`, '  case "$1" in');
  for (const node of all) {
    if (node.children.length === 0) continue;
    const names = node.children.flatMap((c) => c.names);
    if (node.path === '') names.push('help');
    lines.push(`    ${quote(node.path)}) echo ${quote(names.join(' '))} ;;`);
  }
  lines.push('  esac', '}', '');

  lines.push(`${fn}_flags() {`, '  case "$1" in');
  for (const node of all) lines.push(`    ${quote(node.path)}) echo ${quote(node.flags.join(' '))} ;;`);
  lines.push('  esac', '}', '');

  const valueFlags = [...new Set(all.flatMap((n) => n.valueFlags))];
  lines.push(`${fn}_takes_value() {`, '  case "$1" in');
  lines.push(`    ${valueFlags.join('|')}) return 0 ;;`);
  lines.push('  esac', '  return 1', '}', '');

  lines.push(`# What a positional argument completes to: "policies", "choices:<values>", or nothing.`);
  lines.push(`${fn}_positional() {`, '  case "$1" in');
  for (const node of all) {
    if (node.positional.kind === 'policies') lines.push(`    ${quote(node.path)}) echo policies ;;`);
    if (node.positional.kind === 'choices')
      lines.push(`    ${quote(node.path)}) echo ${quote(`choices:${node.positional.values.join(' ')}`)} ;;`);
  }
  lines.push('  esac', '}');
  return lines.join('\n');
}

export function completionScript(program: Command, shell: Shell): string {
  const fn = '_hfi_cli';
  const common = tables(program, fn);
  const bin = program.name();
  if (shell === 'bash') {
    return `# ${bin} completion for bash. Install:  source <(${bin} completion bash)
#   or:  ${bin} completion bash > /etc/bash_completion.d/${bin}
${common}

${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath="" i word next
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    ${fn}_takes_value "\${COMP_WORDS[i-1]}" && continue
    next="$(${fn}_child "$cmdpath" "$word")" && cmdpath="$next"
  done
  COMPREPLY=()
  case "$prev" in
    -f|--filename) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
    -o|--output) COMPREPLY=( $(compgen -W "${OUTPUT_VALUES}" -- "$cur") ); return 0 ;;
  esac
  ${fn}_takes_value "$prev" && return 0
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(${fn}_flags "$cmdpath")" -- "$cur") )
    return 0
  fi
  local subs positional
  subs="$(${fn}_subcommands "$cmdpath")"
  if [[ -n "$subs" ]]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
    return 0
  fi
  positional="$(${fn}_positional "$cmdpath")"
  case "$positional" in
    policies) COMPREPLY=( $(compgen -W "$(${bin} policy list -o name 2>/dev/null | sed 's#^policy/##')" -- "$cur") ) ;;
    choices:*) COMPREPLY=( $(compgen -W "\${positional#choices:}" -- "$cur") ) ;;
  esac
  return 0
}
complete -F ${fn} ${bin}
`;
  }
  return `#compdef ${bin}
# ${bin} completion for zsh. Install:  source <(${bin} completion zsh)
#   or:  ${bin} completion zsh > "\${fpath[1]}/_${bin}"   (then restart zsh)
${common}

${fn}() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local cmdpath="" i word next
  for (( i = 2; i < CURRENT; i++ )); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    ${fn}_takes_value "\${words[i-1]}" && continue
    next="$(${fn}_child "$cmdpath" "$word")" && cmdpath="$next"
  done
  case "$prev" in
    -f|--filename) _files; return ;;
    -o|--output) compadd -- ${OUTPUT_VALUES}; return ;;
  esac
  ${fn}_takes_value "$prev" && return
  local flags subs positional
  if [[ "$cur" == -* ]]; then
    flags="$(${fn}_flags "$cmdpath")"
    compadd -- \${=flags}
    return
  fi
  subs="$(${fn}_subcommands "$cmdpath")"
  if [[ -n "$subs" ]]; then
    compadd -- \${=subs}
    return
  fi
  positional="$(${fn}_positional "$cmdpath")"
  case "$positional" in
    policies) compadd -- \${(f)"$(${bin} policy list -o name 2>/dev/null | sed 's#^policy/##')"} ;;
    choices:*) compadd -- \${=\${positional#choices:}} ;;
  esac
}
if (( $+functions[compdef] )); then compdef ${fn} ${bin}; fi
`;
}
