/**
 * Field offsets of the §9 constant records (layout.ts), as plain numbers for the
 * per-constant paths of the two readers of CDAT: const-table.ts (values) and
 * emit.ts (marshal bytes).
 */
import { CONST_BIGINT, CONST_BYTES, CONST_CODE, CONST_COMPLEX, CONST_FLOAT, CONST_INT, CONST_ITEM_SIZE, CONST_SEQUENCE, CONST_SLICE, CONST_STR } from '@pybundle/format-spec'

export const K_BIGINT_COUNT = CONST_BIGINT.at.count
export const K_BIGINT_SIZE = CONST_BIGINT.size
export const K_BYTES_BLOB_OFFSET = CONST_BYTES.at.blob_offset
export const K_BYTES_LENGTH = CONST_BYTES.at.length
export const K_CODE_CODE = CONST_CODE.at.code
export const K_COMPLEX_IMAG_BITS = CONST_COMPLEX.at.imag_bits
export const K_COMPLEX_REAL_BITS = CONST_COMPLEX.at.real_bits
export const K_FLOAT_BITS = CONST_FLOAT.at.bits
export const K_INT_VALUE = CONST_INT.at.value
export const K_SEQUENCE_COUNT = CONST_SEQUENCE.at.count
export const K_SEQUENCE_SIZE = CONST_SEQUENCE.size
export const K_SLICE_START = CONST_SLICE.at.start
export const K_SLICE_STEP = CONST_SLICE.at.step
export const K_SLICE_STOP = CONST_SLICE.at.stop
export const K_STR_STRING = CONST_STR.at.string
export const K_ITEM_SIZE = CONST_ITEM_SIZE

// The emitter reads a SLICE's start, stop and step as a run of three items.
if (K_SLICE_STOP !== K_SLICE_START + K_ITEM_SIZE || K_SLICE_STEP !== K_SLICE_STOP + K_ITEM_SIZE) throw new Error('layout: SLICE items are not consecutive')
