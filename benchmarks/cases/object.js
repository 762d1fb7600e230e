'use strict';
const { runCase } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

runCase((log) => log.info(OBJECT_MESSAGE, OBJECT_FIELDS));
