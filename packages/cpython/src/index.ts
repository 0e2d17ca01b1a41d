export * from './value.js'
export * from './str.js'
export {
  decodeUtf8Surrogatepass, encodeUtf8Surrogatepass, encodeUtf8SurrogatepassInto, utf8MaxLength, strIsAscii, decodeLatin1,
  putCodePoint as putUtf8CodePoint,
} from './utf8.js'
export {
  PYC_HEADER_SIZE, SUPPORTED_MINORS, pythonForMagic, magicForPython, marshalVersionForPython, codeLayoutForPython,
  readPycHeader, writePycHeader,
  type PythonMinor, type MagicInfo, type PycHeader, type TimestampPycHeader, type HashPycHeader, type PycHeaderInit,
} from './pyc.js'
export { MAX_DEPTH as MARSHAL_MAX_DEPTH } from './marshal-codes.js'
export {
  readMarshal, readMarshalAt, readPyc, type ReadMarshalOptions, type ReadMarshalResult, type ReadPycResult,
} from './marshal-reader.js'
export { writeMarshal, writePyc, longDigits, type WriteMarshalOptions, type WritePycOptions } from './marshal-writer.js'
export { valueEquals, firstDifference, canonicalKey, type ValueEqualsOptions } from './value-equals.js'
export { codeObjectFault, codeCountFault, codeLocalsFault, varargsCount, plainLocals, type CodeObjectCounts, type CodeObjectFault } from './code-check.js'
