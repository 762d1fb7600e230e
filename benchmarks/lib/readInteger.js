'use strict';

/** An integer setting from `env[key]` (underscores allowed: 200_000), or `fallback`; anything else fails at start, naming the key. */
function readInteger(env, key, fallback, min) {
  const text = env[key];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${key}: "${text}" is not an integer >= ${min}`);
  return value;
}

module.exports = { readInteger };
