/**
 * The modules Pyodide 314.0.7 imports from its stdlib while it starts, in import order
 * (recorded with onRead from loadPyodideWithBundle). Only a hint for prefetching: a name
 * missing here or a module the bundle lacks costs nothing but the prefetch.
 */
export const PYODIDE_STARTUP_MODULES: readonly string[] = [
  'encodings', 'encodings.aliases', 'encodings.utf_8', '_pyodide', '_pyodide._base', 'ast',
  'linecache', 'tokenize', 'collections', 'keyword', 'operator', 'reprlib',
  'functools', 'types', 're', 'enum', 're._compiler', 're._parser',
  're._constants', 're._casefix', 'copyreg', 'token', 'copy', 'weakref',
  '_weakrefset', 'importlib', 'textwrap', 'typing', '_pyodide._importhook', 'importlib.abc',
  'importlib._abc', 'warnings', '_py_warnings', '_pyodide._core_docs', '_pyodide.docs_argspec', 'json',
  'json.decoder', 'json.scanner', 'json.encoder', 'traceback', 'codeop', '__future__',
  '_colorize', 'dataclasses', 'inspect', 'annotationlib', 'dis', 'opcode',
  '_opcode_metadata', 'contextlib', '_pyodide.docstring', '_pyodide._future_helper', 'asyncio', 'asyncio.base_events',
  'concurrent', 'concurrent.futures', 'concurrent.futures._base', 'logging', 'string', 'threading',
  'heapq', 'socket', 'subprocess', 'locale', 'signal', 'selectors',
  'ssl', '_ssl', 'pathlib', 'glob', 'fnmatch', 'pathlib._os',
  'base64', 'struct', 'asyncio.constants', 'asyncio.coroutines', 'asyncio.events', 'contextvars',
  'asyncio.format_helpers', 'asyncio.base_futures', 'asyncio.exceptions', 'asyncio.base_tasks', 'asyncio.futures', 'asyncio.protocols',
  'asyncio.sslproto', 'asyncio.transports', 'asyncio.log', 'asyncio.staggered', 'asyncio.locks', 'asyncio.mixins',
  'asyncio.tasks', 'asyncio.queues', 'asyncio.timeouts', 'asyncio.trsock', 'asyncio.graph', 'asyncio.runners',
  'asyncio.streams', 'asyncio.subprocess', 'asyncio.taskgroups', 'asyncio.threads', 'asyncio.unix_events', 'asyncio.base_subprocess',
  'asyncio.selector_events', '_pyodide.jsbind', 'pyodide', 'pyodide._state', 'pyodide.ffi', 'pyodide.webloop',
  'pyodide.code', 'pyodide._package_loader', 'shutil', 'bz2', 'compression', 'compression._common',
  'compression._common._streams', 'lzma', 'compression.zstd', 'compression.zstd._zstdfile', 'tempfile', 'random',
  'bisect', 'zipfile', 'zipfile._path', 'zipfile._path.glob', 'pyodide.common',
]
