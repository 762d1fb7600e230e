import { sizeSetting } from '../../src/core/config/sizeSetting';

/**
 * The smallest `rotate.size`: 4 KiB, one block of a file system's usual
 * size. A smaller file takes a whole block on disk all the same, so a smaller
 * limit saves no space; it only multiplies files, and at "1B" every record
 * becomes a file of its own, with a rename, a compression and a retention
 * pass each. (Not the 64 KiB write chunk: a file smaller than a chunk is
 * still rotated on record boundaries, and small sizes are useful in demos.)
 */
export const MIN_ROTATE_BYTES = 4 * 1024;

/** `rotate.size` in a config file, in bytes: a size, and at least MIN_ROTATE_BYTES. */
export const rotateSizeSetting = sizeSetting.refine((bytes) => bytes >= MIN_ROTATE_BYTES, {
  message: 'is below 4K, the smallest rotate size: a smaller file still takes a 4 KiB block on disk, and would rotate at almost every record',
});
