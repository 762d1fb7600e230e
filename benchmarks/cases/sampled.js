'use strict';
const { runCase } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

// The same object record over and over, as a failing dependency makes a service log it:
// prodlog with sampling on writes about 1 in 100; pino, which has no sampling, writes them all.
runCase((log) => log.info(OBJECT_MESSAGE, OBJECT_FIELDS), undefined, { sampling: true });
