import { parsedSetting } from './parsedSetting';
import { parseSize, SIZE_EXAMPLE } from './parseSize';

/** A size in a config file, "500K", "10M", "2G", validated and turned into bytes. */
export const sizeSetting = parsedSetting(parseSize, `is not a size like "${SIZE_EXAMPLE}"`, 'size');
