#!/usr/bin/env node
// Development launcher: runs the TypeScript sources through tsx. Releases ship the bundled binary instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
