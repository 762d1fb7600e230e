'use strict';
const { runCase } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

// debug is below the level (info): nothing may be written.
runCase((log) => log.debug(OBJECT_MESSAGE, OBJECT_FIELDS));
