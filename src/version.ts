// The plugin's version; a unit test keeps it equal to package.json's.

export const VERSION = 'v0.1.0';
