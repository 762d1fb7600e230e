// `npm run test:unit`: jest.config.js with its unit project only. (Not
// `jest --selectProjects unit`: that option takes every argument after it for
// a project name, and `npm run test:unit -- test/core` would run them all.)
const config = require('../../jest.config');

module.exports = { ...config, projects: config.projects.filter((p) => p.displayName === 'unit') };
