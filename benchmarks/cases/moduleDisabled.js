'use strict';
const { runCase } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

// debug on a module logger is below the level (info): nothing may be written.
runCase(
  (db) => db.debug(OBJECT_MESSAGE, OBJECT_FIELDS),
  (log) => log.module('db'),
);
