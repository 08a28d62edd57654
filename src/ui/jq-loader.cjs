// Loads jq-web on first use. CommonJS on purpose: jq-web exports a Promise, and an ESM import (or a bundler's
// import wrapper) would treat the module namespace as the value; require returns the Promise itself.
module.exports = { loadJqWeb: () => require('jq-web') };
