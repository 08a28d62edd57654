// Entry point of the kubectl-sagemaker_migrate executable.

import { run } from './cli.ts';

process.exitCode = await run(process.argv.slice(2), process.argv[1]);
