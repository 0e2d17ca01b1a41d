/** What CPython 3.11+ imports at startup and a typical script soon after: the working set of loader-compare.ts and loader-cold.ts. */
export const STARTUP = `abc codecs io os stat posixpath genericpath _collections_abc _sitebuiltins site encodings encodings.aliases
 encodings.utf_8 types enum functools collections collections.abc keyword operator reprlib heapq itertools re re._compiler
 re._parser re._constants re._casefix copyreg warnings weakref _weakrefset contextlib linecache tokenize token traceback
 textwrap string dataclasses inspect dis opcode ast importlib importlib.machinery importlib.util importlib._abc typing
 numbers datetime json json.decoder json.scanner json.encoder random bisect hashlib base64 struct fnmatch ntpath shutil
 tempfile pathlib locale argparse gettext`.split(/\s+/).filter(Boolean)
