# pybundle helper: the imports a code object makes, read from its bytecode.
#
# Loaded by resolve.py for `[modules] closure = true` (not run on its own).
# Runs in any CPython 3.8+ (and Pyodide): uses `dis` of the interpreter that
# compiled the code, so every version's opcodes, argument encoding and
# exception handling (block setup before 3.11, exception table from 3.11) are
# read by that version's own decoder.
#
# scan(code) -> [(name, level, fromlist, optional), ...] for every IMPORT_NAME
# in code and every code object nested in its constants (functions, classes,
# comprehensions, lambdas): `import a.b` is ('a.b', 0, None, False);
# `from ..x import y, z` is ('x', 2, ('y', 'z'), False). optional is True when
# the IMPORT_NAME sits in a try block whose handler catches ImportError (or
# ModuleNotFoundError, Exception, BaseException, or a bare except).
import dis
import sys

CATCHES_IMPORT_ERROR = frozenset(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'])
# Instructions that carry no value and may sit between the loads and IMPORT_NAME.
_FILLER = frozenset(['EXTENDED_ARG', 'CACHE', 'NOP'])
# Opcodes that start an exception-handling block before 3.11 (their target is the handler).
_SETUP = frozenset(['SETUP_FINALLY', 'SETUP_EXCEPT', 'SETUP_WITH', 'SETUP_ASYNC_WITH'])
# The match test of a typed `except X:` clause, per version.
_MATCH = frozenset(['CHECK_EXC_MATCH', 'JUMP_IF_NOT_EXC_MATCH'])
_NAME_LOADS = frozenset(['LOAD_NAME', 'LOAD_GLOBAL', 'LOAD_FAST', 'LOAD_DEREF', 'LOAD_ATTR'])
_STOP = frozenset(['RERAISE', 'END_FINALLY', 'WITH_EXCEPT_START', 'POP_EXCEPT', 'RETURN_VALUE',
                   'RETURN_CONST', 'RAISE_VARARGS', 'WITH_CLEANUP_START'])


def _code_objects(code):
    stack = [code]
    while stack:
        c = stack.pop()
        yield c
        for k in c.co_consts:
            if isinstance(k, type(code)):
                stack.append(k)


def _instructions(code):
    return [i for i in dis.get_instructions(code) if i.opname not in ('EXTENDED_ARG', 'CACHE')]


def _handler_catches(by_offset, offsets, target):
    """Whether the handler at `target` catches ImportError: a typed clause naming
    one of CATCHES_IMPORT_ERROR before its match test, or a bare `except:` (the
    handler drops the exception at once). A finally or with handler catches nothing."""
    try:
        k = offsets.index(target)
    except ValueError:
        return False
    seq = [by_offset[o] for o in offsets[k:k + 40]]
    j = 0
    while j < len(seq) and seq[j].opname in ('PUSH_EXC_INFO', 'NOP'):
        j += 1
    if j < len(seq) and seq[j].opname == 'POP_TOP':
        return True  # bare except: the exception is popped, never compared
    names = set()
    for ins in seq[j:]:
        if ins.opname in _NAME_LOADS and isinstance(ins.argval, str):
            names.add(ins.argval)
        elif ins.opname in _MATCH or (ins.opname == 'COMPARE_OP' and ins.argval == 'exception match'):
            return bool(names & CATCHES_IMPORT_ERROR)
        elif ins.opname in _STOP:
            return False
    return False


def _optional_offsets_table(code, instructions):
    """3.11+: offsets protected by a handler that catches ImportError. A handler
    that does not (a with, a finally, `except KeyError`) passes the exception on
    through the table entry covering its own code, so follow that chain."""
    entries = dis._parse_exception_table(code)
    if not entries:
        return lambda off: False
    by_offset = {i.offset: i for i in instructions}
    offsets = [i.offset for i in instructions]

    def covering(off):
        for e in entries:
            if e.start <= off < e.end:
                return e
        return None

    memo = {}

    def optional(off):
        seen = []
        e = covering(off)
        while e is not None and len(seen) < 32:
            if e.target in memo:
                result = memo[e.target]
                break
            seen.append(e.target)
            if _handler_catches(by_offset, offsets, e.target):
                result = True
                break
            e = covering(e.target)
        else:
            result = False
        for t in seen:
            memo[t] = result
        return result
    return optional


def _optional_offsets_blocks(instructions):
    """3.8-3.10: a SETUP_* at offset s with handler h protects [s, h), laid out in
    that order by the compiler; an offset is optional when one of the blocks
    around it has a handler that catches ImportError."""
    by_offset = {i.offset: i for i in instructions}
    offsets = [i.offset for i in instructions]
    ranges = []
    for ins in instructions:
        if ins.opname in _SETUP and ins.opname in ('SETUP_FINALLY', 'SETUP_EXCEPT'):
            if _handler_catches(by_offset, offsets, ins.argval):
                ranges.append((ins.offset, ins.argval))
    return lambda off: any(s < off < h for s, h in ranges)


def scan(code):
    out = []
    for c in _code_objects(code):
        instructions = _instructions(c)
        if not any(i.opname == 'IMPORT_NAME' for i in instructions):
            continue
        if sys.version_info >= (3, 11):
            optional = _optional_offsets_table(c, instructions)
        else:
            optional = _optional_offsets_blocks(instructions)
        prev = []
        for ins in instructions:
            if ins.opname == 'IMPORT_NAME':
                level, fromlist = 0, None
                if len(prev) >= 2:
                    lv, fl = prev[-2], prev[-1]
                    if isinstance(lv.argval, int) and not isinstance(lv.argval, bool):
                        level = lv.argval
                    if isinstance(fl.argval, tuple):
                        fromlist = tuple(x for x in fl.argval if isinstance(x, str))
                out.append((ins.argval, level, fromlist, bool(optional(ins.offset))))
            if ins.opname not in _FILLER:
                prev = (prev + [ins])[-2:]
    return out


def absolute(name, level, module, is_package):
    """The absolute name `from <level dots><name> import ...` means inside module,
    or None for a relative import beyond the top-level package."""
    if level == 0:
        return name or None
    package = module if is_package else module.rpartition('.')[0]
    if not package:
        return None
    parts = package.split('.')
    if level - 1 >= len(parts):
        return None
    base = '.'.join(parts[:len(parts) - (level - 1)])
    return base + '.' + name if name else base
