// Shell completion. kubectl (>= 1.26) completes plugin arguments by running `kubectl_complete-sagemaker_migrate`
// from PATH, which speaks cobra's protocol: one candidate per line, then `:<directive>`. `completion kubectl` prints
// that helper; `completion bash|zsh|fish` print scripts for the standalone binary; `__complete` answers both.

import type { Argv } from 'yargs';
import { UsageError } from '../errors.ts';
import { OLD_KINDS } from '../core/model/kinds.ts';

const DIRECTIVE_DEFAULT = 0;
const DIRECTIVE_NO_FILE = 4;

const COMMON_FLAGS = ['--kubeconfig', '--context', '--namespace', '--all-namespaces', '--selector', '--kind', '--output', '--jq', '--no-color', '--request-timeout', '--verbose'];
const AWS_FLAGS = ['--aws-profile', '--aws-profile-for'];
const ADOPTION_FLAGS = ['--method', '--deletion-policy', '--read-only', '--no-read-only', '--include-tuning-job-children', '--from-file'];

const COMMANDS: Record<string, { describe: string; flags: string[] }> = {
  plan: { describe: 'Show what adoption and cleanup would do', flags: [...COMMON_FLAGS, ...ADOPTION_FLAGS, '--aws', ...AWS_FLAGS] },
  adopt: { describe: 'Create the ACK objects that adopt each AWS resource', flags: [...COMMON_FLAGS, ...ADOPTION_FLAGS, '--dry-run', '--wait', '--timeout'] },
  status: { describe: 'Show adoption progress of every old object', flags: [...COMMON_FLAGS, '--aws', ...AWS_FLAGS] },
  'stop-operator': { describe: "Scale the old operator's Deployments to 0 and wait for its pods to end", flags: [...COMMON_FLAGS, '--yes', '--dry-run', '--restore', '--timeout'] },
  cleanup: {
    describe: 'Remove old objects whose AWS resources ACK has adopted',
    flags: [...COMMON_FLAGS, '--yes', '--dry-run', '--force', '--include-unadopted-finished-jobs', '--backup-dir', '--concurrency', '--delete-crds', '--refresh-spec', '--skip-aws-check', ...AWS_FLAGS],
  },
  handover: { describe: 'After cleanup, let ACK manage the adopted resources', flags: [...COMMON_FLAGS, '--yes', '--dry-run', '--deletion-policy', '--refresh-spec', '--skip-aws-check', ...AWS_FLAGS] },
  undo: { describe: 'Go back after adopt: remove the ACK objects this tool made', flags: [...COMMON_FLAGS, '--yes', '--dry-run', '--force', '--timeout', '--concurrency'] },
  version: { describe: 'Print the plugin version', flags: [...COMMON_FLAGS, '--client'] },
  completion: { describe: 'Print a shell completion script', flags: [] },
};

const FLAG_VALUES: Record<string, string[]> = {
  '--output': ['table', 'wide', 'json', 'yaml'],
  '-o': ['table', 'wide', 'json', 'yaml'],
  '--method': ['auto', 'annotation', 'adopted-resource'],
  '--deletion-policy': ['retain', 'delete'],
  '--dry-run': ['none', 'client', 'server'],
  '--kind': OLD_KINDS.map((kind) => kind.kind),
};

/** Candidates for the last word, given the words before it (pure). */
export function complete(words: string[]): { candidates: string[]; directive: number } {
  const partial = words.at(-1) ?? '';
  const previous = words.slice(0, -1);
  const command = previous.find((word) => word in COMMANDS);
  const last = previous.at(-1);
  const startsWith = (candidates: string[]) => candidates.filter((candidate) => candidate.startsWith(partial));
  if (last === '--from-file' || last === '-f' || last === '--kubeconfig' || last === '--backup-dir') return { candidates: [], directive: DIRECTIVE_DEFAULT };
  if (last && FLAG_VALUES[last]) return { candidates: startsWith(FLAG_VALUES[last]!), directive: DIRECTIVE_NO_FILE };
  if (!command) {
    return { candidates: startsWith(Object.keys(COMMANDS)).map((name) => `${name}\t${COMMANDS[name]!.describe}`), directive: DIRECTIVE_NO_FILE };
  }
  if (command === 'completion') return { candidates: startsWith(['bash', 'zsh', 'fish', 'kubectl']), directive: DIRECTIVE_NO_FILE };
  return { candidates: partial.startsWith('-') ? startsWith(COMMANDS[command]!.flags) : [], directive: DIRECTIVE_NO_FILE };
}

const SCRIPTS: Record<string, string> = {
  kubectl: `#!/usr/bin/env sh
# Install as an executable named kubectl_complete-sagemaker_migrate on PATH; kubectl runs it to complete the plugin.
kubectl sagemaker-migrate __complete "$@"
`,
  bash: `# bash completion for kubectl-sagemaker_migrate; source it from ~/.bashrc
_kubectl_sagemaker_migrate() {
  local out
  out=$(kubectl-sagemaker_migrate __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  COMPREPLY=($(compgen -W "$(printf '%s\\n' "$out" | grep -v '^:' | cut -f1)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _kubectl_sagemaker_migrate kubectl-sagemaker_migrate
`,
  zsh: `#compdef kubectl-sagemaker_migrate
_kubectl_sagemaker_migrate() {
  local -a candidates
  candidates=(\${(f)"$(kubectl-sagemaker_migrate __complete \${words[2,CURRENT]} 2>/dev/null | grep -v '^:' | cut -f1)"})
  compadd -a candidates
}
compdef _kubectl_sagemaker_migrate kubectl-sagemaker_migrate
`,
  fish: `complete -c kubectl-sagemaker_migrate -f -a '(kubectl-sagemaker_migrate __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null | string match -v ":*" | string split -f1 \\t)'
`,
};

export const completionCommand = {
  command: 'completion <shell>',
  describe: 'Print a completion script: bash, zsh, fish, or kubectl (the kubectl_complete-sagemaker_migrate helper)',
  builder: (yargs: Argv) => yargs.positional('shell', { type: 'string', choices: Object.keys(SCRIPTS) }),
  handler: (argv: unknown) => {
    const shell = (argv as { shell: string }).shell;
    const script = SCRIPTS[shell];
    if (!script) throw new UsageError(`unknown shell "${shell}": use bash, zsh, fish or kubectl`);
    process.stdout.write(script);
  },
};

export const completeCommand = {
  command: '__complete [words..]',
  describe: false as const,
  builder: (yargs: Argv) => yargs.strict(false).parserConfiguration({ 'unknown-options-as-args': true }),
  handler: (argv: unknown) => {
    const words = ((argv as { words?: unknown[] }).words ?? []).map(String);
    const { candidates, directive } = complete(words.length === 0 ? [''] : words);
    process.stdout.write([...candidates, `:${directive}`].join('\n') + '\n');
  },
};
