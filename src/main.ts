// Entry point of the kubectl-sagemaker_migrate executable.

import { run } from './cli.ts';

void run(process.argv.slice(2), process.argv[1]).then((code) => {
  process.exitCode = code;
});
