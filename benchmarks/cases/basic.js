'use strict';
const { runCase } = require('./runCase');
const { MESSAGE } = require('./records');

runCase((log) => log.info(MESSAGE));
