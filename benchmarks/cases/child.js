'use strict';
const { runCase } = require('./runCase');
const { CHILD_BINDINGS, CHILD_FIELDS, CHILD_MESSAGE } = require('./records');

runCase(
  (child) => child.info(CHILD_MESSAGE, CHILD_FIELDS),
  (log) => log.child(CHILD_BINDINGS),
);
