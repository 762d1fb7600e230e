'use strict';
const { runCase } = require('./runCase');
const { ERROR } = require('./records');

runCase((log) => log.error(ERROR));
