'use strict';
const log4js = require('log4js');
const { messageFirst } = require('./callStyles');

/**
 * log4js with its file appender. log4js has no JSON layout of its own; this
 * one is the usual recipe from its documentation (JSON.stringify of the event
 * data), with Errors turned into { type, message, stack } so they are not "{}".
 */
module.exports = {
  label: 'log4js',
  family: 'log4js',
  async create(dest) {
    log4js.addLayout('json', () => jsonLayout);
    log4js.configure({
      appenders: { file: { type: 'file', filename: dest, layout: { type: 'json' } } },
      categories: { default: { appenders: ['file'], level: 'info' } },
    });
    const end = () => new Promise((resolve, reject) => log4js.shutdown((err) => (err ? reject(err) : resolve())));
    return messageFirst(log4js.getLogger('bench'), end, { childOf: contextLogger, moduleOf: (l, name) => contextLogger(l, { module: name }) });
  },
};

function jsonLayout(event) {
  const [msg, fields] = event.data;
  const record = { time: event.startTime, level: event.level.levelStr, pid: event.pid, name: event.categoryName };
  if (msg instanceof Error) return JSON.stringify({ ...record, err: { type: msg.name, message: msg.message, stack: msg.stack }, msg: msg.message });
  return JSON.stringify({ ...record, ...fields, ...event.context, msg });
}

/** log4js has no child loggers; a logger with its own context is the equivalent. */
function contextLogger(_parent, bindings) {
  const child = log4js.getLogger('bench');
  for (const [key, value] of Object.entries(bindings)) child.addContext(key, value);
  return child;
}
