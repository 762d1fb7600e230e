'use strict';
const { runCase } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

// A module logger (prodlog: log.module('db'); the others: a child bound with module: 'db') at an enabled level.
runCase(
  (db) => db.info(OBJECT_MESSAGE, OBJECT_FIELDS),
  (log) => log.module('db'),
);
